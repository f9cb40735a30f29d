// Watchers that see the same records through the same filters get the very same delivery, so the API
// encodes it once for all of them (a fan-out's cost), live and when catching up together.

import { describe, expect, it } from 'vitest';
import { KvApplier, MvccStore, WatchHub, type WatchDelivery, type WatchOptions, type Watcher } from '../../../src/mvcc/index.js';

const b = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** `count` watchers alike; each one's deliveries (the watchers themselves in `watchers`, if given). */
function watchAll(hub: WatchHub, options: WatchOptions, count: number, full = () => false, watchers: Watcher[] = []): WatchDelivery[][] {
  return Array.from({ length: count }, () => {
    const deliveries: WatchDelivery[] = [];
    watchers.push(hub.watch(options, { deliver: (d) => (deliveries.push(d), !full()), compacted: () => undefined }));
    return deliveries;
  });
}

describe('shared watch deliveries', () => {
  it('one events array per write for the watchers of a key with the same filters, another for other filters', () => {
    const store = new MvccStore();
    const kv = new KvApplier(store);
    const hub = new WatchHub(store);
    const plain = watchAll(hub, { key: b('k') }, 50);
    const prefix = watchAll(hub, { key: b('k'), rangeEnd: b('l') }, 50);
    const withPrev = watchAll(hub, { key: b('k'), prevKv: true }, 3);
    kv.put({ key: b('k'), value: b('1') });
    kv.put({ key: b('k'), value: b('2') });

    for (const write of [0, 1]) {
      const first = plain[0]![write]!;
      for (const deliveries of [...plain, ...prefix]) expect(deliveries[write]!.events).toBe(first.events);
      for (const deliveries of withPrev) expect(deliveries[write]!.events).toBe(withPrev[0]![write]!.events);
      expect(withPrev[0]![write]!.events).not.toBe(first.events);
    }
    expect(withPrev[0]![1]!.events[0]!.prevKv?.value).toEqual(b('1'));
    expect(plain[0]![1]!.events[0]!.prevKv).toBeUndefined();
  });

  it('a write to several keys gives each watcher only its keys, shared among watchers of the same range', () => {
    const store = new MvccStore();
    const kv = new KvApplier(store);
    const hub = new WatchHub(store);
    const onA = watchAll(hub, { key: b('a'), rangeEnd: b('b') }, 5);
    const onAll = watchAll(hub, { key: b('a'), rangeEnd: b('z') }, 5);
    const onB = watchAll(hub, { key: b('b1') }, 5);
    kv.txn({ success: [{ requestPut: { key: b('a1'), value: b('x') } }, { requestPut: { key: b('b1'), value: b('y') } }] });

    const keys = (d: WatchDelivery): string[] => d.events.map((e) => Buffer.from(e.kv.key).toString('latin1'));
    expect(keys(onA[0]![0]!)).toEqual(['a1']);
    expect(keys(onAll[0]![0]!)).toEqual(['a1', 'b1']);
    expect(keys(onB[0]![0]!)).toEqual(['b1']);
    for (const group of [onA, onAll, onB]) for (const deliveries of group) expect(deliveries[0]!.events).toBe(group[0]![0]!.events);
  });

  it('watchers held back together catch up together, with one events array, in order and complete', async () => {
    const store = new MvccStore();
    const kv = new KvApplier(store);
    const hub = new WatchHub(store);
    let full = true;
    const watchers: Watcher[] = [];
    const slow = watchAll(hub, { key: b('k') }, 20, () => full, watchers);
    for (let i = 0; i < 10; i++) kv.put({ key: b('k'), value: b(`${i}`) });
    expect(slow.every((d) => d.length === 1)).toBe(true);

    full = false;
    // As a drained stream does: every watcher resumes from the same revision.
    for (const watcher of watchers) hub.resume(watcher);
    await settle();
    for (let i = 0; i < slow.length; i++) {
      expect(slow[i]!.flatMap((d) => d.events.map((e) => e.kv.modRevision))).toEqual(Array.from({ length: 10 }, (_, r) => r + 2));
      expect(slow[i]![1]!.events).toBe(slow[0]![1]!.events);
    }
  });

  it('a range whose watchers all left, by cancel or by falling behind, is matched no more, and serves a newcomer', async () => {
    const store = new MvccStore();
    const kv = new KvApplier(store);
    const hub = new WatchHub(store);
    const range = { key: b('a'), rangeEnd: b('b') };
    let full = true;
    const watchers: Watcher[] = [];
    const [cancelled, fallen] = [watchAll(hub, range, 1, () => false, watchers)[0]!, watchAll(hub, range, 1, () => full, watchers)[0]!];
    expect(hub.watcherCount).toBe(2);
    hub.cancel(watchers[0]!);
    kv.put({ key: b('a1'), value: b('1') });
    kv.put({ key: b('a1'), value: b('2') });
    expect(cancelled).toHaveLength(0);
    expect(fallen).toHaveLength(1);
    expect(hub.isSynced(watchers[1]!)).toBe(false);

    const [newcomer] = watchAll(hub, range, 1);
    kv.put({ key: b('a2'), value: b('3') });
    kv.put({ key: b('c'), value: b('outside') });
    expect(newcomer!.flatMap((d) => d.events.map((e) => e.kv.modRevision))).toEqual([4]);
    full = false;
    hub.resume(watchers[1]!);
    await settle();
    expect(fallen.flatMap((d) => d.events.map((e) => e.kv.modRevision))).toEqual([2, 3, 4]);
    expect(hub.watcherCount).toBe(2);
  });
});
