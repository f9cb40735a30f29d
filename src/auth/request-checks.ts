// What a key-value request needs permission for, as etcd 3.4 checks it: a range read needs read on its
// keys; a put needs write on its key (read too with prev_kv, and write on every key already attached to
// the lease it names); a delete needs write on its range (read too with prev_kv); a transaction needs read
// on every compare and whatever each of its operations needs, nested ones included; revoking a lease
// needs write on every key attached to it.

import type { DeleteRangeRequest, PutRequest, RangeRequest, TxnRequest, RequestOp } from '../mvcc/index.js';
import type { AuthInfo, AuthStore } from './store.js';

const EMPTY = new Uint8Array(0);

/** The keys attached to a lease (none for an unknown one). */
export type LeaseKeys = (lease: bigint) => readonly Uint8Array[];

export function checkRange(store: AuthStore, info: AuthInfo, request: RangeRequest): void {
  store.checkRead(info, request.key, request.rangeEnd ?? EMPTY);
}

export function checkPut(store: AuthStore, info: AuthInfo, request: PutRequest, leaseKeys: LeaseKeys): void {
  store.checkWrite(info, request.key);
  if (request.prevKv) store.checkRead(info, request.key);
  if (request.lease !== undefined && request.lease !== 0n) {
    for (const key of leaseKeys(request.lease)) store.checkWrite(info, key);
  }
}

export function checkDeleteRange(store: AuthStore, info: AuthInfo, request: DeleteRangeRequest): void {
  if (request.prevKv) store.checkRead(info, request.key, request.rangeEnd ?? EMPTY);
  store.checkWrite(info, request.key, request.rangeEnd ?? EMPTY);
}

export function checkTxn(store: AuthStore, info: AuthInfo, request: TxnRequest, leaseKeys: LeaseKeys): void {
  for (const compare of request.compare ?? []) store.checkRead(info, compare.key, compare.rangeEnd ?? EMPTY);
  const ops = (list: readonly RequestOp[] | undefined): void => {
    for (const op of list ?? []) {
      if (op.requestRange) checkRange(store, info, op.requestRange);
      else if (op.requestPut) checkPut(store, info, op.requestPut, leaseKeys);
      else if (op.requestDeleteRange) checkDeleteRange(store, info, op.requestDeleteRange);
      else if (op.requestTxn) checkTxn(store, info, op.requestTxn, leaseKeys);
    }
  };
  ops(request.success);
  ops(request.failure);
}

export function checkLeaseRevoke(store: AuthStore, info: AuthInfo, lease: bigint, leaseKeys: LeaseKeys): void {
  for (const key of leaseKeys(lease)) store.checkWrite(info, key);
}
