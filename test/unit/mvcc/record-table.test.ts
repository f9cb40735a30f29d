import { describe, expect, it } from 'vitest';
import { MvccStore } from '../../../src/mvcc/index.js';
import { RevisionOrder } from '../../../src/mvcc/revision-order.js';

function put(store: MvccStore, key: string, value: string): void {
  const txn = store.write();
  txn.put(key, Buffer.from(value), 0n);
  txn.end();
}

function read(store: MvccStore, key: string, revision = store.currentRevision): string | undefined {
  const [record] = store.range({ kind: 'single', key }, revision).records;
  return record === undefined ? undefined : Buffer.from(record.value).toString();
}

describe('records by id', () => {
  it('ids a compaction frees are reused by later writes, and the history stays in revision order', async () => {
    const store = new MvccStore();
    for (let round = 0; round < 5; round++) for (let i = 0; i < 100; i++) put(store, `k${i}`, `${round}:${i}`);
    await store.compact(store.currentRevision);
    const from = store.currentRevision + 1;
    for (let i = 0; i < 100; i++) put(store, `k${i}`, `again:${i}`);
    for (let i = 0; i < 100; i++) put(store, `new${i}`, `new:${i}`);

    const changes = store.changesBetween(from, store.currentRevision, 10_000);
    expect(changes.map((r) => r.main)).toEqual(Array.from({ length: 200 }, (_, i) => from + i));
    expect(Buffer.from(changes[0]!.value).toString()).toBe('again:0');
    expect(Buffer.from(changes[199]!.value).toString()).toBe('new:99');
    // The record each key had at the compaction is still there beside the records in reused ids.
    expect(read(store, 'k7', from - 1)).toBe('4:7');
    expect(read(store, 'k7')).toBe('again:7');
    expect(Buffer.from(store.previous(changes[7]!)!.value).toString()).toBe('4:7');
  });

  it('writes and catch-up reads while a compaction is under way see the right records', async () => {
    const store = new MvccStore();
    // More keys than one compaction batch, each with two records, so the compaction yields in between.
    const keys = 25_000;
    for (let i = 0; i < keys; i++) put(store, `a${String(i).padStart(6, '0')}`, `old${i}`);
    for (let i = 0; i < keys; i++) put(store, `a${String(i).padStart(6, '0')}`, `new${i}`);
    const compactAt = store.currentRevision;
    const compaction = store.compact(compactAt);
    // Between the compaction's batches: new writes, and a watcher's catch-up from the compaction on.
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (let i = 0; i < 50; i++) put(store, `b${i}`, `during${i}`);
    const during = store.changesBetween(compactAt, store.currentRevision, 10_000);
    expect(during.map((r) => r.key)).toEqual([`a${String(keys - 1).padStart(6, '0')}`, ...Array.from({ length: 50 }, (_, i) => `b${i}`)]);
    await compaction;
    for (let i = 0; i < 50; i++) put(store, `c${i}`, `after${i}`);

    const after = store.changesBetween(compactAt + 1, store.currentRevision, 10_000);
    expect(after.map((r) => Buffer.from(r.value).toString())).toEqual([...Array.from({ length: 50 }, (_, i) => `during${i}`), ...Array.from({ length: 50 }, (_, i) => `after${i}`)]);
    expect(read(store, 'a000123')).toBe('new123');
    expect(read(store, 'b49')).toBe('during49');
    expect(store.range({ kind: 'from', start: '' }, store.currentRevision).count).toBe(keys + 100);
  });
});

describe('revision order', () => {
  it('finds the first record at or after a revision, and shrinks once mostly emptied', () => {
    const mains = new Map<number, number>();
    const table = { main: (id: number): number => mains.get(id)! };
    const order = new RevisionOrder();
    for (let id = 0; id < 5000; id++) {
      mains.set(id, 10 + id * 2);
      order.push(id);
    }
    expect(order.firstFrom(table, 0)).toBe(0);
    expect(order.firstFrom(table, 11)).toBe(1);
    expect(order.firstFrom(table, 12)).toBe(1);
    expect(order.firstFrom(table, 100_000)).toBe(5000);
    order.retain((id) => id % 10 === 0);
    expect(order.length).toBe(500);
    expect(order.at(1)).toBe(10);
    expect(order.firstFrom(table, 31)).toBe(2);
  });
});
