export { MvccStore, WriteTxn, toKeyValue } from './kv-store.js';
export type { RangeResult, KvHash, WriteListener } from './kv-store.js';
export { KvApplier, checkRangeRequest, checkPutRequest, checkDeleteRangeRequest, checkTxnRequest } from './kv-apply.js';
export type { LeaseAttachments } from './kv-apply.js';
export { WatchHub, Watcher, eventSize, fragmentEvents } from './watch.js';
export type { WatchOptions, WatchDelivery, WatchSink } from './watch.js';
export { prefixEnd, keyString, keyBytes, rangeBounds } from './keys.js';
export * from './requests.js';
export * from './types.js';
