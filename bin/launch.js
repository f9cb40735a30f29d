// Starts one of the command-line programs from the freshest form of its code, fastest first:
//  1. the build in dist/ (made on install by `prepare`), when no source file is newer;
//  2. otherwise one bundle of the TypeScript sources, made with esbuild (which tsx brings) and kept in
//     node_modules/.cache until a source file changes (one bundle per checkout: work trees that share
//     node_modules must not run each other's code);
//  3. otherwise the sources through tsx's loader.
// The first two also spare each process tsx's loader thread (about 25 MiB of a member's memory).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function newestSource(dir) {
  let newest = 0;
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, item.name);
    if (item.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (item.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const fresh = (file, newest) => existsSync(file) && statSync(file).mtimeMs >= newest;

async function bundle(name, entry, newest) {
  const checkout = createHash('sha256').update(root).digest('hex').slice(0, 12);
  const cached = join(root, `node_modules/.cache/barge/${name}-${checkout}.mjs`);
  if (fresh(cached, newest)) return cached;
  const { build } = await import('esbuild');
  mkdirSync(dirname(cached), { recursive: true });
  const partial = `${cached}.${process.pid}.tmp`;
  await build({ entryPoints: [entry], outfile: partial, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent' });
  renameSync(partial, cached);
  return cached;
}

/** Runs src/cli/<name>.ts in its freshest form. */
export async function launch(name) {
  const entry = join(root, `src/cli/${name}.ts`);
  const built = join(root, `dist/src/cli/${name}.js`);
  const newest = newestSource(join(root, 'src'));
  if (fresh(built, newest)) return import(pathToFileURL(built).href);
  let bundled;
  try {
    bundled = await bundle(name, entry, newest);
  } catch {
    bundled = undefined;
  }
  if (bundled) return import(pathToFileURL(bundled).href);
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(entry).href);
}
