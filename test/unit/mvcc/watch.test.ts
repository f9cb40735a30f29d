import { describe, expect, it } from 'vitest';
import { EventType, KvApplier, MvccStore, WatchHub, fragmentEvents, type MvccEvent, type WatchDelivery } from '../../../src/mvcc/index.js';

const b = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};

function recorder(full = () => false) {
  const deliveries: WatchDelivery[] = [];
  let compactedAt: number | undefined;
  return {
    deliveries,
    get compactedAt() {
      return compactedAt;
    },
    sink: { deliver: (d: WatchDelivery) => (deliveries.push(d), !full()), compacted: (rev: number) => (compactedAt = rev) },
  };
}

describe('watch', () => {
  it('live events carry their write\'s revision; catch-up batches the store\'s', async () => {
    const store = new MvccStore();
    const kv = new KvApplier(store);
    const hub = new WatchHub(store);
    for (let i = 0; i < 3; i++) kv.put({ key: b('k'), value: b(`${i}`) }); // revisions 2..4
    const past = recorder();
    hub.watch({ key: b('k'), startRevision: 2 }, past.sink);
    await settle();
    expect(past.deliveries).toHaveLength(1);
    expect(past.deliveries[0]!.revision).toBe(4);
    expect(past.deliveries[0]!.events.map((e) => e.kv.modRevision)).toEqual([2, 3, 4]);
    kv.put({ key: b('k'), value: b('live') });
    expect(past.deliveries[1]!.revision).toBe(5);
  });

  it('a watcher whose receiver is full stops getting events without holding up others, then catches up in order', async () => {
    const store = new MvccStore();
    const kv = new KvApplier(store);
    const hub = new WatchHub(store);
    let full = true;
    const slow = recorder(() => full);
    const fast = recorder();
    const slowWatcher = hub.watch({ key: b('a'), rangeEnd: b('z') }, slow.sink);
    hub.watch({ key: b('a'), rangeEnd: b('z') }, fast.sink);
    for (let i = 0; i < 50; i++) kv.put({ key: b(`k${i % 5}`), value: b(`${i}`) });
    expect(fast.deliveries).toHaveLength(50);
    expect(slow.deliveries).toHaveLength(1);
    expect(hub.isSynced(slowWatcher)).toBe(false);

    full = false;
    hub.resume(slowWatcher);
    await settle();
    const revisions = slow.deliveries.flatMap((d) => d.events.map((e) => e.kv.modRevision));
    expect(revisions).toEqual(Array.from({ length: 50 }, (_, i) => i + 2));
    expect(hub.isSynced(slowWatcher)).toBe(true);
  });

  it('a start revision below the compact revision ends the watch with the compact revision', async () => {
    const store = new MvccStore();
    const kv = new KvApplier(store);
    const hub = new WatchHub(store);
    for (let i = 0; i < 5; i++) kv.put({ key: b('k') });
    await store.compact(4);
    const early = recorder();
    const atCompaction = recorder();
    hub.watch({ key: b('k'), startRevision: 3 }, early.sink);
    hub.watch({ key: b('k'), startRevision: 4 }, atCompaction.sink);
    await settle();
    expect(early.compactedAt).toBe(4);
    expect(early.deliveries).toEqual([]);
    expect(atCompaction.compactedAt).toBeUndefined();
    expect(atCompaction.deliveries[0]!.events.map((e) => e.kv.modRevision)).toEqual([4, 5, 6]);
    expect(hub.watcherCount).toBe(1);
  });

  it('filters drop puts or deletes; prev_kv carries the value before', () => {
    const store = new MvccStore();
    const kv = new KvApplier(store);
    const hub = new WatchHub(store);
    const noPut = recorder();
    const withPrev = recorder();
    hub.watch({ key: b('k'), noPut: true }, noPut.sink);
    hub.watch({ key: b('k'), prevKv: true, noDelete: true }, withPrev.sink);
    kv.put({ key: b('k'), value: b('1') });
    kv.put({ key: b('k'), value: b('2') });
    kv.deleteRange({ key: b('k') });
    expect(noPut.deliveries.flatMap((d) => d.events.map((e) => e.type))).toEqual([EventType.Delete]);
    const events = withPrev.deliveries.flatMap((d) => d.events);
    expect(events.map((e) => [Buffer.from(e.kv.value).toString(), e.prevKv && Buffer.from(e.prevKv.value).toString()])).toEqual([
      ['1', undefined],
      ['2', '1'],
    ]);
  });

  it('a watch starting in the future waits for that revision', () => {
    const store = new MvccStore();
    const kv = new KvApplier(store);
    const hub = new WatchHub(store);
    const future = recorder();
    hub.watch({ key: b('k'), startRevision: 4 }, future.sink);
    for (let i = 0; i < 4; i++) kv.put({ key: b('k') });
    expect(future.deliveries.map((d) => d.revision)).toEqual([4, 5]);
  });

  it('fragments split between events, never inside one', () => {
    const event = (size: number): MvccEvent => ({
      type: EventType.Put,
      kv: { key: b('k'), value: new Uint8Array(size), createRevision: 1, modRevision: 1, version: 1, lease: 0n },
    });
    const pieces = fragmentEvents([event(600), event(600), event(2000), event(10)], 1000, (e) => e.kv.value.length);
    expect(pieces.map((p) => p.map((e) => e.kv.value.length))).toEqual([[600], [600], [2000], [10]]);
    expect(fragmentEvents([event(100), event(100)], 1000, (e) => e.kv.value.length)).toHaveLength(1);
  });
});

describe('watchers moving to a replacement store', () => {
  it('continue from where they were, without a gap or a repeat, or learn they were compacted', async () => {
    const writes = (kv: KvApplier, from: number, to: number) => {
      for (let i = from; i < to; i++) kv.put({ key: b(`k${i % 3}`), value: b(`${i}`) });
    };
    const old = new MvccStore();
    writes(new KvApplier(old), 0, 5);
    const hub = new WatchHub(old);
    const live = recorder();
    const behind = recorder();
    hub.watch({ key: b('k'), rangeEnd: b('l') }, live.sink);
    writes(new KvApplier(old), 5, 8); // revisions 7..9 seen live

    // The replacement holds the same history and more, as a snapshot from the leader would.
    const replacement = new MvccStore();
    const kv = new KvApplier(replacement);
    writes(kv, 0, 12);
    hub.adopt(replacement);
    await settle();
    kv.put({ key: b('k0'), value: b('after') });
    const revisions = live.deliveries.flatMap((d) => d.events.map((e) => e.kv.modRevision));
    expect(revisions).toEqual([7, 8, 9, 10, 11, 12, 13, 14]);

    await replacement.compact(12);
    const second = new MvccStore();
    writes(new KvApplier(second), 0, 20);
    await second.compact(18);
    hub.watch({ key: b('k'), rangeEnd: b('l'), startRevision: 13 }, behind.sink);
    hub.adopt(second);
    await settle();
    expect(behind.compactedAt).toBe(18);
  });

  it('a watcher ahead of the replacement (its stream resumed past what the snapshot holds) waits for its revision, seeing nothing twice', async () => {
    const writes = (kv: KvApplier, from: number, to: number) => {
      for (let i = from; i < to; i++) kv.put({ key: b(`k${i % 3}`), value: b(`${i}`) });
    };
    // A replaced member, fresh at revision 1: a client resumes there at revision 11, having seen 2..10 elsewhere.
    const fresh = new MvccStore();
    const hub = new WatchHub(fresh);
    const resumed = recorder();
    hub.watch({ key: b('k'), rangeEnd: b('l'), startRevision: 11 }, resumed.sink);
    // The snapshot it installs holds revisions up to 6 only; the log brings 7 and on again.
    const replacement = new MvccStore();
    const kv = new KvApplier(replacement);
    writes(kv, 0, 5);
    hub.adopt(replacement);
    await settle();
    writes(kv, 5, 12);
    const revisions = resumed.deliveries.flatMap((d) => d.events.map((e) => e.kv.modRevision));
    expect(revisions).toEqual([11, 12, 13]);
  });
});
