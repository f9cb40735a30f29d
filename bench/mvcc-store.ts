// The state machine alone (keyspace + LevelDB backend, no raft, no sockets): how fast entries apply and
// reads answer, how a Kubernetes-style paginated list behaves over a large prefix, how watch fan-out
// scales, and how long a full snapshot and restore of many keys takes.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KvApplier, MvccStore, WatchHub, prefixEnd } from '../src/mvcc/index.js';
import { StateBackend } from '../src/storage/backend.js';
import { stateSnapshotFrames, stateSnapshotRecords } from '../src/storage/state-dump-stream.js';

const b = (s: string): Uint8Array => Buffer.from(s, 'latin1');
/** Entries applied per backend commit, as an apply loop commits once per Ready. */
const ENTRIES_PER_COMMIT = 100;

export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function progress(label: string, done: number, total: number): void {
  if (done % Math.max(1, Math.floor(total / 20)) === 0 || done === total) process.stderr.write(`\r${label}: ${done}/${total}`);
  if (done === total) process.stderr.write('\n');
}

async function withBackend<T>(body: (backend: StateBackend, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'barge-bench-'));
  try {
    const backend = await StateBackend.open(join(dir, 'db'));
    try {
      return await body(backend, dir);
    } finally {
      await backend.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Writes `count` keys named like Kubernetes objects; returns puts per second including backend commits.
 * As the apply loop does, a commit is not awaited (the backend gathers commits for up to its batch
 * interval; awaiting each one timed that interval) but the event loop turns between them.
 */
async function fill(store: MvccStore, backend: StateBackend, count: number, label: string): Promise<number> {
  const kv = new KvApplier(store);
  const value = b('v'.repeat(256));
  const commits: Promise<void>[] = [];
  const start = process.hrtime.bigint();
  for (let i = 1; i <= count; i++) {
    kv.put({ key: b(`/registry/pods/ns${i % 10}/pod-${String(i).padStart(8, '0')}`), value });
    if (i % ENTRIES_PER_COMMIT === 0) {
      commits.push(backend.commit(i));
      await new Promise(setImmediate);
    }
    progress(label, i, count);
  }
  commits.push(backend.commit(count));
  await Promise.all(commits);
  await backend.flushed();
  return count / seconds(start);
}

const RESOURCES = 40;
const RESOURCE_WRITES = 100_000;

/**
 * What an apiserver's watch cache asks of the hub: a watch on each resource's prefix (here two each) and
 * writes spread over the resources, so each write concerns one prefix and misses the others.
 */
function putsUnderResourceWatches(kv: KvApplier, store: MvccStore): number {
  const hub = new WatchHub(store);
  const prefixes = Array.from({ length: RESOURCES }, (_, i) => `/registry/resource-${String(i).padStart(2, '0')}/`);
  let delivered = 0;
  for (const prefix of prefixes) {
    const key = b(prefix);
    for (let copy = 0; copy < 2; copy++) hub.watch({ key, rangeEnd: prefixEnd(key) }, { deliver: () => (delivered++, true), compacted: () => {} });
  }
  const value = b('x'.repeat(256));
  const start = process.hrtime.bigint();
  for (let i = 0; i < RESOURCE_WRITES; i++) kv.put({ key: b(`${prefixes[i % RESOURCES]!}default/object-${i % 1000}`), value });
  const rate = RESOURCE_WRITES / seconds(start);
  if (delivered !== 2 * RESOURCE_WRITES) throw new Error(`delivered ${delivered} of ${2 * RESOURCE_WRITES} events`);
  return rate;
}

export async function runMvccStore(keys: number): Promise<Figure[]> {
  const figures: Figure[] = [];
  await withBackend(async (backend) => {
    const store = await MvccStore.open(backend);
    const kv = new KvApplier(store);
    const rssBefore = process.memoryUsage().rss;
    figures.push({ name: `puts (256-byte values, commit per ${ENTRIES_PER_COMMIT})`, value: await fill(store, backend, keys, 'put'), unit: 'puts/s' });
    globalThis.gc?.();
    figures.push({ name: `RSS growth per 1M keys`, value: ((process.memoryUsage().rss - rssBefore) / keys) * 1e6 / 2 ** 20, unit: 'MiB' });

    const gets = 200_000;
    let start = process.hrtime.bigint();
    for (let i = 0; i < gets; i++) {
      const n = ((i * 7919) % keys) + 1;
      kv.range({ key: b(`/registry/pods/ns${n % 10}/pod-${String(n).padStart(8, '0')}`) });
    }
    figures.push({ name: 'point gets', value: gets / seconds(start), unit: 'gets/s' });

    // A paginated list of all pods, 500 at a time, as kube-apiserver lists (each page also counts the rest).
    const prefix = b('/registry/pods/');
    const end = prefixEnd(prefix);
    const pageTimes: number[] = [];
    let from = prefix;
    for (;;) {
      start = process.hrtime.bigint();
      const page = kv.range({ key: from, rangeEnd: end, limit: 500 });
      pageTimes.push(seconds(start) * 1000);
      if (!page.more) break;
      from = Uint8Array.from([...page.kvs[page.kvs.length - 1]!.key, 0]);
    }
    pageTimes.sort((x, y) => x - y);
    figures.push({ name: `prefix page of 500 (of ${keys} keys under the prefix), median over ${pageTimes.length} pages`, value: pageTimes[pageTimes.length >> 1]!, unit: 'ms' });

    const hub = new WatchHub(store);
    const watchers = 1000;
    let delivered = 0;
    const fanOut = Array.from({ length: watchers }, () =>
      hub.watch({ key: b('/registry/configmaps/'), rangeEnd: prefixEnd(b('/registry/configmaps/')) }, { deliver: () => (delivered++, true), compacted: () => {} }),
    );
    const writes = 1000;
    start = process.hrtime.bigint();
    for (let i = 0; i < writes; i++) kv.put({ key: b(`/registry/configmaps/default/cm-${i}`), value: b('x') });
    const fanOutSeconds = seconds(start);
    if (delivered !== watchers * writes) throw new Error(`delivered ${delivered} of ${watchers * writes} events`);
    figures.push({ name: `watch fan-out: ${writes} writes to ${watchers} prefix watchers`, value: delivered / fanOutSeconds, unit: 'events/s' });
    for (const watcher of fanOut) hub.cancel(watcher);

    figures.push({ name: `puts under an apiserver's watches (${RESOURCES} resource prefixes, 2 watchers each)`, value: putsUnderResourceWatches(kv, store), unit: 'puts/s' });
    await backend.commit(keys + writes + RESOURCE_WRITES);

    await withBackend(async (target) => {
      start = process.hrtime.bigint();
      let records = 0;
      await target.replaceWith(
        (async function* () {
          for await (const record of stateSnapshotRecords(stateSnapshotFrames(backend))) {
            if (++records % 100_000 === 0) process.stderr.write(`\rsnapshot+restore: ${records} records`);
            yield record;
          }
        })(),
      );
      process.stderr.write('\n');
      const restored = await MvccStore.open(target);
      if (restored.keyCount !== store.keyCount) throw new Error(`restored ${restored.keyCount} keys, expected ${store.keyCount}`);
      figures.push({ name: `snapshot + restore + reopen of ${store.keyCount} keys`, value: seconds(start), unit: 's' });
    });
  });
  return figures;
}
