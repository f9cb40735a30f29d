import { describe, expect, it } from 'vitest';
import { etcdErrorOf } from '../../support/etcd-error.js';
import {
  CompareResult,
  CompareTarget,
  EventType,
  KvApplier,
  MvccStore,
  SortOrder,
  SortTarget,
  WatchHub,
  checkPutRequest,
  checkTxnRequest,
  prefixEnd,
  type MvccEvent,
  type RequestOp,
} from '../../../src/mvcc/index.js';

const b = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const s = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

function fresh(leases: bigint[] = []): { store: MvccStore; kv: KvApplier } {
  const store = new MvccStore();
  const known = new Set(leases);
  const kv = new KvApplier(store, { exists: (id) => known.has(id), attach: () => {}, detach: () => {} });
  return { store, kv };
}


const put = (key: string, value = 'v'): RequestOp => ({ requestPut: { key: b(key), value: b(value) } });
const del = (key: string, end?: string): RequestOp => ({ requestDeleteRange: { key: b(key), rangeEnd: end === undefined ? undefined : b(end) } });

describe('revisions', () => {
  it('a new store is at revision 1 and each effective write adds exactly one', () => {
    const { store, kv } = fresh();
    expect(store.currentRevision).toBe(1);
    kv.put({ key: b('a'), value: b('1') });
    expect(store.currentRevision).toBe(2);
    kv.txn({ success: [put('b'), put('c'), del('a')] });
    expect(store.currentRevision).toBe(3);
  });

  it('reads, read-only txns and deletes of missing keys leave the revision alone', () => {
    const { store, kv } = fresh();
    kv.put({ key: b('a') });
    kv.range({ key: b('a') });
    kv.txn({ success: [{ requestRange: { key: b('a') } }] });
    expect(kv.deleteRange({ key: b('nope') }).deleted).toBe(0);
    expect(store.currentRevision).toBe(2);
  });

  it('version counts puts since creation; a delete resets it and a re-create gets a new create revision', () => {
    const { kv } = fresh();
    kv.put({ key: b('k'), value: b('1') }); // rev 2
    kv.put({ key: b('k'), value: b('1') }); // rev 3, same value still bumps
    let [k] = kv.range({ key: b('k') }).kvs;
    expect([k!.createRevision, k!.modRevision, k!.version]).toEqual([2, 3, 2]);
    kv.deleteRange({ key: b('k') }); // rev 4
    kv.put({ key: b('k'), value: b('2') }); // rev 5
    [k] = kv.range({ key: b('k') }).kvs;
    expect([k!.createRevision, k!.modRevision, k!.version]).toEqual([5, 5, 1]);
  });

  it('the writes of one txn share a revision and are reported in order', () => {
    const { store, kv } = fresh();
    const events: MvccEvent[] = [];
    const hub = new WatchHub(store);
    hub.watch({ key: b('\0'), rangeEnd: b('\0') }, { deliver: (d) => (events.push(...d.events), true), compacted: () => {} });
    kv.put({ key: b('z') });
    kv.txn({ success: [put('b'), put('a'), del('z')] });
    expect(events.slice(1).map((e) => [e.type, s(e.kv.key), e.kv.modRevision])).toEqual([
      [EventType.Put, 'b', 3],
      [EventType.Put, 'a', 3],
      [EventType.Delete, 'z', 3],
    ]);
    // A delete event holds only the key and the deletion revision.
    expect(events[3]!.kv).toMatchObject({ createRevision: 0, version: 0, value: new Uint8Array(0), lease: 0n });
  });
});

describe('range', () => {
  function abcd(): { store: MvccStore; kv: KvApplier } {
    const { store, kv } = fresh();
    for (const key of ['a', 'b', 'c', 'd']) kv.put({ key: b(key), value: b(`v-${key}`) });
    kv.put({ key: b('a'), value: b('v-a2') });
    return { store, kv };
  }

  it('count ignores the limit and more says the limit cut the result', () => {
    const r = abcd().kv.range({ key: b('a'), rangeEnd: b('\0'), limit: 1 });
    expect([r.kvs.length, r.more, r.count]).toEqual([1, true, 4]);
  });

  it('count is taken before the revision filters', () => {
    const r = abcd().kv.range({ key: b('a'), rangeEnd: b('z'), minModRevision: 6 });
    expect(r.kvs.map((kv) => s(kv.key))).toEqual(['a']);
    expect(r.count).toBe(4);
  });

  it('sorts by any target; a target other than the key with no order sorts ascending', () => {
    const { kv } = abcd();
    expect(kv.range({ key: b('a'), rangeEnd: b('z'), sortTarget: SortTarget.Mod }).kvs.map((x) => s(x.key))).toEqual(['b', 'c', 'd', 'a']);
    expect(
      kv.range({ key: b('a'), rangeEnd: b('z'), sortOrder: SortOrder.Descend, sortTarget: SortTarget.Key, limit: 2 }).kvs.map((x) => s(x.key)),
    ).toEqual(['d', 'c']);
  });

  it('keys_only drops values and count_only drops the kvs', () => {
    const { kv } = abcd();
    expect(kv.range({ key: b('b'), keysOnly: true }).kvs[0]).toMatchObject({ value: new Uint8Array(0), version: 1 });
    expect(kv.range({ key: b('a'), rangeEnd: b('z'), countOnly: true })).toEqual({ kvs: [], more: false, count: 4 });
  });

  it('reads the past down to the compact revision, and refuses the future and the compacted', async () => {
    const { kv } = abcd();
    const { store } = kv as unknown as { store: MvccStore };
    const compacted = store.compact(4); // reads see it at once; the physical part finishes below
    expect(kv.range({ key: b('a'), revision: 4 }).kvs.map((x) => s(x.value))).toEqual(['v-a']);
    expect(etcdErrorOf(() => kv.range({ key: b('a'), revision: 3 }))).toBe('etcdserver: mvcc: required revision has been compacted');
    expect(etcdErrorOf(() => kv.range({ key: b('a'), revision: 7 }))).toBe('etcdserver: mvcc: required revision is a future revision');
    expect(etcdErrorOf(() => store.compact(4))).toBe('etcdserver: mvcc: required revision has been compacted');
    expect(etcdErrorOf(() => store.compact(7))).toBe('etcdserver: mvcc: required revision is a future revision');
    await compacted;
  });

  it('prefix ends follow etcd: trailing 0xff bytes roll over, all-0xff means from the key on', () => {
    expect(s(prefixEnd(b('aa')))).toBe('ab');
    expect(s(prefixEnd(b('a\xff')))).toBe('b');
    expect(s(prefixEnd(b('\xff\xff')))).toBe('\0');
    const prefix = b('ab');
    prefixEnd(prefix);
    expect(s(prefix)).toBe('ab');
  });
});

describe('put', () => {
  it('prev_kv returns the replaced value; none for a new key', () => {
    const { kv } = fresh();
    expect(kv.put({ key: b('k'), value: b('1'), prevKv: true })).toEqual({});
    expect(s(kv.put({ key: b('k'), value: b('2'), prevKv: true }).prevKv!.value)).toBe('1');
  });

  it('ignore_value and ignore_lease keep what the key has, and need the key to exist', () => {
    const { kv } = fresh([7n]);
    expect(etcdErrorOf(() => kv.put({ key: b('k'), ignoreValue: true }))).toBe('etcdserver: key not found');
    kv.put({ key: b('k'), value: b('kept'), lease: 7n });
    kv.put({ key: b('k'), ignoreValue: true, ignoreLease: true });
    expect(kv.range({ key: b('k') }).kvs[0]).toMatchObject({ value: b('kept'), lease: 7n, version: 2 });
    expect(etcdErrorOf(() => checkPutRequest({ key: b('k'), value: b('x'), ignoreValue: true }))).toBe('etcdserver: value is provided');
    expect(etcdErrorOf(() => checkPutRequest({ key: b('k'), lease: 7n, ignoreLease: true }))).toBe('etcdserver: lease is provided');
    expect(etcdErrorOf(() => checkPutRequest({ key: b('') }))).toBe('etcdserver: key is not provided');
  });

  it('an unknown lease fails the put and changes nothing', () => {
    const { store, kv } = fresh();
    expect(etcdErrorOf(() => kv.put({ key: b('k'), lease: 99n }))).toBe('etcdserver: requested lease not found');
    expect(store.currentRevision).toBe(1);
  });
});

describe('txn', () => {
  it('compares missing keys as zero, except on value, which is always false', () => {
    const { kv } = fresh();
    const cmp = (target: CompareTarget, result: CompareResult, field: object): boolean =>
      kv.txn({ compare: [{ key: b('missing'), target, result, ...field }] }).succeeded;
    expect(cmp(CompareTarget.Mod, CompareResult.Equal, { modRevision: 0 })).toBe(true);
    expect(cmp(CompareTarget.Create, CompareResult.Equal, { createRevision: 0 })).toBe(true);
    expect(cmp(CompareTarget.Version, CompareResult.Less, { version: 1 })).toBe(true);
    expect(cmp(CompareTarget.Value, CompareResult.NotEqual, { value: b('x') })).toBe(false);
  });

  it('a range compare needs every key in it to hold', () => {
    const { kv } = fresh();
    kv.txn({ success: [put('a', '1'), put('b', '2')] });
    const compare = (value: string) => [{ key: b('a'), rangeEnd: b('c'), target: CompareTarget.Value, result: CompareResult.Greater, value: b(value) }];
    expect(kv.txn({ compare: compare('0') }).succeeded).toBe(true);
    expect(kv.txn({ compare: compare('1') }).succeeded).toBe(false);
  });

  it('later ops see earlier writes; nested txns answer with their own responses', () => {
    const { store, kv } = fresh();
    const r = kv.txn({
      success: [
        put('a', 'new'),
        { requestRange: { key: b('a') } },
        { requestTxn: { compare: [{ key: b('a'), target: CompareTarget.Value, result: CompareResult.Equal, value: b('new') }], success: [put('b')] } },
      ],
    });
    expect(s(r.responses[1]!.responseRange!.kvs[0]!.value)).toBe('new');
    expect(r.responses[2]!.responseTxn!.succeeded).toBe(true);
    expect(store.currentRevision).toBe(2);
  });

  it('rejects what etcd rejects before proposing', () => {
    const check = (req: Parameters<typeof checkTxnRequest>[0]) => etcdErrorOf(() => checkTxnRequest(req, 3));
    expect(check({ success: [put('a'), put('b'), put('c'), put('d')] })).toBe('etcdserver: too many operations in txn request');
    expect(check({ success: [put('a'), put('a')] })).toBe('etcdserver: duplicate key given in txn request');
    expect(check({ success: [del('a', 'c'), put('b')] })).toBe('etcdserver: duplicate key given in txn request');
    expect(check({ success: [put('a'), { requestTxn: { success: [put('a')] } }] })).toBe('etcdserver: duplicate key given in txn request');
    expect(check({ success: [{}] })).toBe('etcdserver: key not found');
    expect(check({ compare: [{ key: b(''), target: CompareTarget.Mod, result: CompareResult.Equal }] })).toBe('etcdserver: key is not provided');
    // Allowed: deleting a key twice, and the same key in both branches of a nested txn.
    expect(check({ success: [del('a'), del('a')] })).toBeUndefined();
    expect(check({ success: [{ requestTxn: { success: [put('a')], failure: [put('a')] } }] })).toBeUndefined();
  });

  it('an apply-time failure leaves the store untouched', () => {
    const { store, kv } = fresh();
    expect(etcdErrorOf(() => kv.txn({ success: [put('a'), { requestPut: { key: b('b'), ignoreValue: true } }] }))).toBe('etcdserver: key not found');
    expect(store.currentRevision).toBe(1);
    expect(kv.range({ key: b('a') }).count).toBe(0);
  });
});

describe('compaction and hashes', () => {
  it('keeps each key\'s latest version at the compact revision and drops deleted keys', async () => {
    const { store, kv } = fresh();
    kv.put({ key: b('a'), value: b('1') }); // 2
    kv.put({ key: b('a'), value: b('2') }); // 3
    kv.put({ key: b('gone') }); // 4
    kv.deleteRange({ key: b('gone') }); // 5
    kv.put({ key: b('a'), value: b('3') }); // 6
    await store.compact(5);
    expect(kv.range({ key: b('a'), revision: 5 }).kvs.map((x) => s(x.value))).toEqual(['2']);
    expect(kv.range({ key: b('gone'), revision: 5 }).count).toBe(0);
    expect(kv.range({ key: b('\0'), rangeEnd: b('\0') }).count).toBe(1);
    await store.compact(6);
    expect(store.keyCount).toBe(1); // the tombstone of 'gone' is dropped once compaction passed it
  });

  it('two stores with the same writes hash alike, however far their compaction got', async () => {
    const writes = (kv: KvApplier) => {
      for (let i = 0; i < 50; i++) kv.put({ key: b(`k${i % 7}`), value: b(`${i}`) });
      kv.deleteRange({ key: b('k3') });
    };
    const one = fresh();
    const two = fresh();
    writes(one.kv);
    writes(two.kv);
    await one.store.compact(30);
    const twoCompacted = two.store.compact(30); // not waited for until the hashes are compared
    expect(two.store.hashKv(0)).toEqual(one.store.hashKv(0));
    await twoCompacted;
    const three = fresh();
    writes(three.kv);
    three.kv.put({ key: b('k1'), value: b('different') });
    expect(three.store.hashKv(one.store.currentRevision).hash).not.toBe(one.store.hashKv(0).hash);
  });
});
