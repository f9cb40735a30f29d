#!/usr/bin/env node
// Starts bargectl from the freshest form of its code, fastest first:
//  1. the build in dist/ (made on install by `prepare`), when no source file is newer;
//  2. otherwise one bundle of the TypeScript sources, made with esbuild (which tsx brings) and kept in
//     node_modules/.cache until a source file changes (one bundle per checkout: work trees that share
//     node_modules must not run each other's code);
//  3. otherwise the sources through tsx's loader.
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'src/cli/bargectl.ts');
const built = join(root, 'dist/src/cli/bargectl.js');

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

async function bundle(newest) {
  const checkout = createHash('sha256').update(root).digest('hex').slice(0, 12);
  const cached = join(root, `node_modules/.cache/bargectl/bargectl-${checkout}.mjs`);
  if (fresh(cached, newest)) return cached;
  const { build } = await import('esbuild');
  mkdirSync(dirname(cached), { recursive: true });
  const partial = `${cached}.${process.pid}.tmp`;
  await build({ entryPoints: [entry], outfile: partial, bundle: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent' });
  renameSync(partial, cached);
  return cached;
}

const newest = newestSource(join(root, 'src'));
if (fresh(built, newest)) {
  await import(pathToFileURL(built).href);
} else {
  let bundled;
  try {
    bundled = await bundle(newest);
  } catch {
    bundled = undefined;
  }
  if (bundled) {
    await import(pathToFileURL(bundled).href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    await import(pathToFileURL(entry).href);
  }
}
