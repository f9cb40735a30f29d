// The entry stream both the backend crash writer and the checking test apply: entry i is a pure function
// of i, so the test can rebuild the exact state any consistent index stands for.

import { KvApplier, type MvccStore } from '../../../src/mvcc/index.js';

const b = (s: string): Uint8Array => Buffer.from(s, 'latin1');

/**
 * Applies raft entry `index` to the keyspace, as a server's apply loop would. A compaction entry returns
 * the physical compaction it started in the background, for the caller to wait for or report.
 */
export function applyEntry(store: MvccStore, kv: KvApplier, index: number): Promise<void> | undefined {
  if (index % 97 === 0 && store.currentRevision - 20 > store.compactRevision) {
    return store.compact(store.currentRevision - 20);
  }
  if (index % 7 === 0) {
    kv.deleteRange({ key: b(`k${(index * 3) % 50}`) });
  } else if (index % 11 === 0) {
    kv.txn({ success: [{ requestPut: { key: b(`t${index % 5}`), value: b(`${index}`) } }, { requestPut: { key: b(`u${index % 5}`), value: b(`${index}`) } }] });
  } else {
    kv.put({ key: b(`k${index % 50}`), value: b(`value of entry ${index}`.repeat(1 + (index % 4))) });
  }
  return undefined;
}

/** What a client could see: the current keyspace and revisions. */
export function observable(store: MvccStore): unknown {
  const kvs = new KvApplier(store).range({ key: b('\0'), rangeEnd: b('\0') }).kvs;
  return {
    current: store.currentRevision,
    compacted: store.compactRevision,
    kvs: kvs.map((x) => [Buffer.from(x.key).toString('latin1'), Buffer.from(x.value).toString('latin1'), x.createRevision, x.modRevision, x.version]),
    hash: store.hashKv(0).hash,
  };
}
