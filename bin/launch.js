// Starts one of the command-line programs from the freshest form of its code, fastest first:
//  1. the build in dist/ (made on install by `prepare`), when no source file is newer;
//  2. otherwise a bundle of the TypeScript sources, made with esbuild (which tsx brings) and kept in
//     node_modules/.cache until a source file changes (one per checkout: work trees that share
//     node_modules must not run each other's code). Split at dynamic imports, so that a member does not
//     load what only other subcommands use (the Kubernetes client alone doubles its start-up time);
//  3. otherwise the sources through tsx's loader.
// The first two also spare each process tsx's loader thread (about 25 MiB of a member's memory).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
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

/** Builds older than this are removed; a process started from one has long since loaded its chunks. */
const KEEP_OLD_BUILDS_MS = 60 * 60 * 1000;

/**
 * The bundle's entry file, built if the sources changed since. Each build has its own directory, named by
 * the sources' newest change: a process still running from an older one may import its chunks later.
 */
async function bundle(name, entry, newest) {
  const checkout = createHash('sha256').update(root).digest('hex').slice(0, 12);
  const cache = join(root, 'node_modules/.cache/barge');
  const prefix = `${name}-${checkout}-`;
  const dir = join(cache, `${prefix}${Math.floor(newest)}`);
  const main = join(dir, `${name}.mjs`);
  if (existsSync(main)) return main;
  const { build } = await import('esbuild');
  mkdirSync(cache, { recursive: true });
  const partial = `${dir}.${process.pid}.tmp`;
  await build({
    entryPoints: [entry],
    outdir: partial,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  try {
    renameSync(partial, dir);
  } catch {
    // Another process finished the same build first: use its.
    rmSync(partial, { recursive: true, force: true });
  }
  for (const item of readdirSync(cache)) {
    const path = join(cache, item);
    if (!item.startsWith(prefix) || path === dir) continue;
    // Another process may be removing it too.
    const age = Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > KEEP_OLD_BUILDS_MS) rmSync(path, { recursive: true, force: true });
  }
  return main;
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
