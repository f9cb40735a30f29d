import { describe, expect, it } from 'vitest';
import { MvccStore } from '../../../src/mvcc/index.js';
import { ValueSlabs } from '../../../src/mvcc/value-slabs.js';

function valueOf(key: string, round: number): Buffer {
  return Buffer.alloc(1024, `${key}:${round};`);
}

function put(store: MvccStore, key: string, value: Uint8Array): void {
  const txn = store.write();
  txn.put(key, value, 0n);
  txn.end();
}

function read(store: MvccStore, key: string): Buffer {
  const [record] = store.range({ kind: 'single', key }, store.currentRevision).records;
  return Buffer.from(record!.value);
}

describe('value slabs', () => {
  it('a stored value is a copy: changing the buffer it arrived in changes nothing', () => {
    const store = new MvccStore();
    const arrival = Buffer.from('0123456789');
    put(store, 'k', arrival.subarray(2, 5));
    arrival.fill(0);
    expect(read(store, 'k').toString()).toBe('234');
    expect(Buffer.isBuffer(store.range({ kind: 'single', key: 'k' }, store.currentRevision).records[0]!.value)).toBe(true);
  });

  it('large values get their own allocation and are copies too', () => {
    const store = new MvccStore();
    const big = Buffer.alloc(100_000, 'x');
    put(store, 'big', big);
    big.fill('y');
    expect(read(store, 'big').equals(Buffer.alloc(100_000, 'x'))).toBe(true);
  });

  it('after compaction leaves mostly dead slabs, live values move and read back unchanged', async () => {
    const store = new MvccStore();
    // Each round writes one key that stays and overwrites the same churning keys: every slab ends up
    // holding one live value among dead ones.
    const rounds = 100;
    const churn = Array.from({ length: 250 }, (_, i) => `churn-${i}`);
    for (let round = 0; round < rounds; round++) {
      put(store, `stays-${round}`, valueOf('stays', round));
      for (const key of churn) put(store, key, valueOf(key, round));
    }
    expect(store.values.deadBytes).toBe(0);

    await store.compact(store.currentRevision);
    // Without moving them, the dead bytes would be nearly all of the 25 MiB written.
    expect(store.values.deadBytes).toBeLessThan(2 * 1024 * 1024);
    for (let round = 0; round < rounds; round++) expect(read(store, `stays-${round}`).equals(valueOf('stays', round))).toBe(true);
    for (const key of churn) expect(read(store, key).equals(valueOf(key, rounds - 1))).toBe(true);

    // Writes after the move land in slabs of their own and read back as well.
    for (const key of churn) put(store, key, valueOf(key, rounds));
    for (const key of churn) expect(read(store, key).equals(valueOf(key, rounds))).toBe(true);
  });

  it('a slab emptied while copies still went to it is let go once they move on', () => {
    const slabs = new ValueSlabs();
    // 256 values of 1 KiB fill one slab; all are released before the next copy starts a new slab.
    const addresses = Array.from({ length: 256 }, () => slabs.store(Buffer.alloc(1024, 1)));
    for (const address of addresses) slabs.release(address, 1024);
    const next = slabs.store(Buffer.alloc(1024, 2));
    expect(slabs.deadBytes).toBe(0);
    expect(slabs.view(next, 1024).equals(Buffer.alloc(1024, 2))).toBe(true);
  });

  it('a view handed out keeps its bytes after its value is released and the slab let go', () => {
    const slabs = new ValueSlabs();
    const address = slabs.store(Buffer.alloc(1000, 7));
    const view = slabs.view(address, 1000);
    slabs.release(address, 1000);
    for (let i = 0; i < 600; i++) slabs.store(Buffer.alloc(1000, 9));
    expect(view.equals(Buffer.alloc(1000, 7))).toBe(true);
  });
});
