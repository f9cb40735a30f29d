// `node --expose-gc --import tsx bench/store-memory.ts [--keys 1000000] [--revisions 500000] [--value-size 256]`
//
// The keyspace's memory alone, in this process (no raft, no sockets, so no raft log in memory and no load
// generator's noise): a fresh MvccStore over a LevelDB state backend in a temporary directory, written with
// N distinct 8-byte keys, then M more puts over random ones of them (each a new revision of an existing
// key), committing the backend every 100 writes as the apply loop does. After a full GC at each step it
// prints RSS, the JS heap and memory outside it (buffers, typed arrays), and the growth per key and per
// revision. A member's own figure (raft log, gRPC, the rest) is bench:compare's --rss-keys.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { MvccStore } from '../src/mvcc/index.js';
import { StateBackend } from '../src/storage/backend.js';

const options = new Command('store-memory')
  .option('--keys <n>', 'distinct keys', (v) => Number(v), 1_000_000)
  .option('--revisions <n>', 'then this many puts over those keys', (v) => Number(v), 500_000)
  .option('--value-size <n>', 'bytes per value', (v) => Number(v), 256)
  .parse()
  .opts<{ keys: number; revisions: number; valueSize: number }>();

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

interface Sample {
  rss: number;
  heap: number;
  outside: number;
}

async function sample(): Promise<Sample> {
  // Twice, with a turn between: weak callbacks and finalizers free buffers only on a later collection.
  gc!();
  await new Promise<void>((resolve) => setImmediate(resolve));
  gc!();
  const m = process.memoryUsage();
  // external counts the ArrayBuffers too.
  return { rss: m.rss, heap: m.heapUsed, outside: m.external };
}

const mib = (b: number): string => (b / 2 ** 20).toFixed(1);
const show = (label: string, s: Sample): void => console.log(`${label.padEnd(22)} RSS ${mib(s.rss)} MiB, heap ${mib(s.heap)} MiB, buffers ${mib(s.outside)} MiB`);
const per = (label: string, from: Sample, to: Sample, n: number): void =>
  console.log(`${label.padEnd(22)} RSS ${((to.rss - from.rss) / n).toFixed(0)} B, heap ${((to.heap - from.heap) / n).toFixed(0)} B, buffers ${((to.outside - from.outside) / n).toFixed(0)} B`);

const dir = mkdtempSync(join(tmpdir(), 'barge-store-memory-'));
try {
  const backend = await StateBackend.open(join(dir, 'db'));
  const store = await MvccStore.open(backend);
  const value = Buffer.alloc(options.valueSize, 'v');
  let writes = 0;
  let pending: Promise<void> = Promise.resolve();
  const put = (n: number): void => {
    const txn = store.write();
    txn.put(`k${n.toString(36).padStart(7, '0')}`, value, 0n);
    txn.end();
    // Not awaited, as the apply loop does not wait for the backend's gathered batch either.
    if (++writes % 100 === 0) pending = backend.commit(writes);
  };
  const fresh = await sample();
  show('fresh store', fresh);
  let started = Date.now();
  for (let n = 0; n < options.keys; n++) put(n);
  await pending;
  const keys = await sample();
  show(`${options.keys.toLocaleString('en-US')} keys`, keys);
  console.log(`  written at ${Math.round(options.keys / ((Date.now() - started) / 1000))} puts/s`);
  started = Date.now();
  for (let i = 0; i < options.revisions; i++) put(Math.floor(Math.random() * options.keys));
  await pending;
  // Let background repacking finish before measuring what it leaves.
  await store.compact(store.compactRevision + 1).catch(() => {});
  const revisions = await sample();
  show(`+${options.revisions.toLocaleString('en-US')} revisions`, revisions);
  console.log(`  written at ${Math.round(options.revisions / ((Date.now() - started) / 1000))} puts/s`);
  per('per key', fresh, keys, options.keys);
  if (options.revisions > 0) per('per revision', keys, revisions, options.revisions);
  await backend.commit(writes);
  await backend.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
