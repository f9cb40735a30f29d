import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KvApplier, MvccStore } from '../../../src/mvcc/index.js';
import { StateBackend } from '../../../src/storage/backend.js';
import { CorruptSnapshotError } from '../../../src/storage/errors.js';
import { stateSnapshotFrames, stateSnapshotRecords } from '../../../src/storage/state-dump-stream.js';

const b = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const s = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

const dirs: string[] = [];
async function dbPath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'barge-backend-'));
  dirs.push(dir);
  return join(dir, 'db');
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** Everything a client could observe: every key at every revision still readable, and the revisions. */
function observable(store: MvccStore): unknown {
  const kv = new KvApplier(store);
  const views = [];
  for (let rev = Math.max(store.compactRevision, 1); rev <= store.currentRevision; rev++) {
    views.push(kv.range({ key: b('\0'), rangeEnd: b('\0'), revision: rev }).kvs.map((x) => [s(x.key), s(x.value), x.createRevision, x.modRevision, x.version, x.lease]));
  }
  return { current: store.currentRevision, compacted: store.compactRevision, views, hash: store.hashKv(0).hash };
}

describe('the keyspace on disk', () => {
  it('reopens to the same state it had when committed, with the consistent index', async () => {
    const path = await dbPath();
    let backend = await StateBackend.open(path);
    let store = await MvccStore.open(backend);
    let kv = new KvApplier(store);
    for (let i = 0; i < 200; i++) kv.put({ key: b(`key/${i % 13}`), value: b(`value ${i}`) });
    kv.deleteRange({ key: b('key/1'), rangeEnd: b('key/2') });
    kv.txn({ success: [{ requestPut: { key: b('t'), value: b('x') } }, { requestDeleteRange: { key: b('key/5') } }] });
    const physical = store.compact(150);
    await backend.commit(42);
    await physical;
    const before = observable(store);
    await backend.close();

    backend = await StateBackend.open(path);
    expect(backend.consistentIndex).toBe(42);
    store = await MvccStore.open(backend);
    expect(observable(store)).toEqual(before);
    kv = new KvApplier(store);
    kv.put({ key: b('after'), value: b('restart') });
    expect(store.currentRevision).toBe((before as { current: number }).current + 1);
    await backend.close();
  });

  it('loses what was applied but not committed, so replaying from the consistent index is exact', async () => {
    const path = await dbPath();
    let backend = await StateBackend.open(path);
    let store = await MvccStore.open(backend);
    new KvApplier(store).put({ key: b('kept'), value: b('1') });
    await backend.commit(1);
    const committed = observable(store);
    new KvApplier(store).put({ key: b('staged only'), value: b('2') });
    await backend.close();

    backend = await StateBackend.open(path);
    store = await MvccStore.open(backend);
    expect(backend.consistentIndex).toBe(1);
    expect(observable(store)).toEqual(committed);
    await backend.close();
  });

  it('keeps the revision of a delete that compaction removed', async () => {
    const path = await dbPath();
    let backend = await StateBackend.open(path);
    let store = await MvccStore.open(backend);
    const kv = new KvApplier(store);
    kv.put({ key: b('a') });
    kv.deleteRange({ key: b('a') });
    await store.compact(3);
    await backend.commit(2);
    await backend.close();

    backend = await StateBackend.open(path);
    store = await MvccStore.open(backend);
    expect([store.currentRevision, store.compactRevision]).toEqual([3, 3]);
    expect(new KvApplier(store).range({ key: b('a') }).count).toBe(0);
    await backend.close();
  });

  it('replaces its whole content with a dump of another backend', async () => {
    const source = await StateBackend.open(await dbPath());
    const sourceStore = await MvccStore.open(source);
    for (let i = 0; i < 30; i++) new KvApplier(sourceStore).put({ key: b(`k${i}`), value: b(`${i}`) });
    await source.commit(77);

    const targetPath = await dbPath();
    const target = await StateBackend.open(targetPath);
    new KvApplier(await MvccStore.open(target)).put({ key: b('old'), value: b('state') });
    await target.commit(5);
    await target.replaceWith(source.dump());
    expect(target.consistentIndex).toBe(77);
    expect(observable(await MvccStore.open(target))).toEqual(observable(sourceStore));
    await expect(stat(`${targetPath}.incoming`)).rejects.toThrow();
    await source.close();
    await target.close();
  });
});

describe('the state snapshot stream', () => {
  async function sourceWithKeys(count: number): Promise<{ backend: StateBackend; store: MvccStore }> {
    const backend = await StateBackend.open(await dbPath());
    const store = await MvccStore.open(backend);
    for (let i = 0; i < count; i++) new KvApplier(store).put({ key: b(`key/${i}`), value: b(`value ${i}`.repeat(10)) });
    await backend.commit(count);
    return { backend, store };
  }

  it('carries the whole state in chunks and rebuilds it on the receiver', async () => {
    const source = await sourceWithKeys(500);
    const frames = [];
    for await (const frame of stateSnapshotFrames(source.backend, 4096)) frames.push(frame);
    expect(frames.filter((f) => f.kind === 'chunk').length).toBeGreaterThan(5);

    const target = await StateBackend.open(await dbPath());
    await target.replaceWith(stateSnapshotRecords(toAsync(frames)));
    expect(target.consistentIndex).toBe(500);
    expect(observable(await MvccStore.open(target))).toEqual(observable(source.store));
    await source.backend.close();
    await target.close();
  });

  it('rejects a tampered or truncated stream and keeps the state it had', async () => {
    const source = await sourceWithKeys(100);
    const frames = [];
    for await (const frame of stateSnapshotFrames(source.backend, 1024)) frames.push(frame);
    const target = await StateBackend.open(await dbPath());
    new KvApplier(await MvccStore.open(target)).put({ key: b('mine'), value: b('kept') });
    await target.commit(3);
    const before = observable(await MvccStore.open(target));

    const tampered = frames.map((f, i) => (i === 2 && f.kind === 'chunk' ? { kind: 'chunk' as const, data: flipOneBit(f.data) } : f));
    await expect(target.replaceWith(stateSnapshotRecords(toAsync(tampered)))).rejects.toThrow(CorruptSnapshotError);
    await expect(target.replaceWith(stateSnapshotRecords(toAsync(frames.slice(0, -2))))).rejects.toThrow(CorruptSnapshotError);
    expect(target.consistentIndex).toBe(3);
    expect(observable(await MvccStore.open(target))).toEqual(before);
    await source.backend.close();
    await target.close();
  });
});

async function* toAsync<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

function flipOneBit(data: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(data);
  copy[copy.length >> 1]! ^= 0x10;
  return copy;
}
