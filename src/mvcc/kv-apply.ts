// etcd's KV semantics over the keyspace: request checks done before a request is proposed (empty key,
// too many txn ops, duplicate keys, ignore_* misuse), and applying Range, Put, DeleteRange and Txn as
// etcd's applier does. Whatever can make an applied request fail is checked before it changes anything.

import { Errors } from '../etcd-errors.js';
import type { RevisionRecord } from './key-index.js';
import { keyString, rangeBounds } from './keys.js';
import { toKeyValue, type MvccStore, type WriteTxn } from './kv-store.js';
import {
  CompareResult,
  CompareTarget,
  SortOrder,
  SortTarget,
  type Compare,
  type DeleteRangeRequest,
  type DeleteRangeResponse,
  type PutRequest,
  type PutResponse,
  type RangeRequest,
  type RangeResponse,
  type RequestOp,
  type ResponseOp,
  type TxnRequest,
  type TxnResponse,
} from './requests.js';
import type { KeyValue } from './types.js';

/** What the keyspace needs of the lease layer, so it stays independent of it. */
export interface LeaseAttachments {
  exists(id: bigint): boolean;
  attach(id: bigint, key: string): void;
  detach(id: bigint, key: string): void;
}

const EMPTY = new Uint8Array(0);

// ---- checks before proposing (etcd's v3rpc checks) ------------------------------------------------

export function checkRangeRequest(r: RangeRequest): void {
  if (r.key.length === 0) throw Errors.emptyKey();
}

export function checkPutRequest(r: PutRequest): void {
  if (r.key.length === 0) throw Errors.emptyKey();
  if (r.ignoreValue && (r.value?.length ?? 0) !== 0) throw Errors.valueProvided();
  if (r.ignoreLease && (r.lease ?? 0n) !== 0n) throw Errors.leaseProvided();
}

export function checkDeleteRangeRequest(r: DeleteRangeRequest): void {
  if (r.key.length === 0) throw Errors.emptyKey();
}

export function checkTxnRequest(r: TxnRequest, maxTxnOps: number): void {
  const compares = r.compare ?? [];
  const success = r.success ?? [];
  const failure = r.failure ?? [];
  if (compares.length > maxTxnOps || success.length > maxTxnOps || failure.length > maxTxnOps) throw Errors.tooManyOps();
  for (const c of compares) if (c.key.length === 0) throw Errors.emptyKey();
  for (const op of [...success, ...failure]) checkRequestOp(op, maxTxnOps);
  checkDuplicateKeys(success);
  checkDuplicateKeys(failure);
}

function checkRequestOp(op: RequestOp, maxTxnOps: number): void {
  if (op.requestRange) checkRangeRequest(op.requestRange);
  else if (op.requestPut) checkPutRequest(op.requestPut);
  else if (op.requestDeleteRange) checkDeleteRangeRequest(op.requestDeleteRange);
  else if (op.requestTxn) checkTxnRequest(op.requestTxn, maxTxnOps);
  else throw Errors.keyNotFound();
}

interface Interval {
  readonly start: string;
  /** undefined: the single key `start`. */
  readonly end: string | undefined;
}

function intersectsPoint(intervals: readonly Interval[], key: string): boolean {
  // A delete range is taken literally here, as etcd does: a `\0` end makes an empty interval.
  return intervals.some((iv) => (iv.end === undefined ? iv.start === key : iv.start <= key && key < iv.end));
}

/**
 * etcd's rule: within one branch (nested txns included) a key may be put once and not also fall in a
 * deleted range; the then- and else-branches of a nested txn exclude each other, so they may share keys.
 */
function checkDuplicateKeys(ops: readonly RequestOp[]): { puts: Set<string>; deletes: Interval[] } {
  const deletes: Interval[] = [];
  for (const op of ops) {
    const d = op.requestDeleteRange;
    if (d) deletes.push({ start: keyString(d.key), end: d.rangeEnd && d.rangeEnd.length > 0 ? keyString(d.rangeEnd) : undefined });
  }
  const puts = new Set<string>();
  const addPut = (key: string): void => {
    if (puts.has(key) || intersectsPoint(deletes, key)) throw Errors.duplicateKey();
    puts.add(key);
  };
  for (const op of ops) {
    if (!op.requestTxn) continue;
    const then = checkDuplicateKeys(op.requestTxn.success ?? []);
    const otherwise = checkDuplicateKeys(op.requestTxn.failure ?? []);
    for (const key of then.puts) addPut(key);
    for (const key of otherwise.puts) {
      if (puts.has(key) && then.puts.has(key)) continue;
      addPut(key);
    }
    deletes.push(...then.deletes, ...otherwise.deletes);
  }
  for (const op of ops) if (op.requestPut) addPut(keyString(op.requestPut.key));
  return { puts, deletes };
}

// ---- applying ---------------------------------------------------------------------------------------

export class KvApplier {
  constructor(
    private readonly store: MvccStore,
    private readonly leases?: LeaseAttachments,
  ) {}

  /** A read outside any write (linearizable or serializable Range). */
  range(r: RangeRequest): RangeResponse {
    return rangeAt(this.store, r, this.store.readRevision(r.revision ?? 0));
  }

  put(r: PutRequest): PutResponse {
    return this.inWrite((txn) => {
      this.checkPut(txn, r);
      return this.applyPut(txn, r);
    });
  }

  deleteRange(r: DeleteRangeRequest): DeleteRangeResponse {
    return this.inWrite((txn) => this.applyDeleteRange(txn, r));
  }

  txn(r: TxnRequest): TxnResponse {
    return this.inWrite((txn) => {
      const succeeded = (r.compare ?? []).every((c) => compareHolds(txn, c));
      const ops = (succeeded ? r.success : r.failure) ?? [];
      this.checkOps(txn, ops);
      return { succeeded, responses: this.applyOps(txn, ops) };
    });
  }

  private inWrite<T>(body: (txn: WriteTxn) => T): T {
    const txn = this.store.write();
    const result = body(txn);
    txn.end();
    return result;
  }

  /** Walks the branch that will run (nested compares decided on the current state) checking what could fail. */
  private checkOps(txn: WriteTxn, ops: readonly RequestOp[]): void {
    for (const op of ops) {
      if (op.requestPut) this.checkPut(txn, op.requestPut);
      else if (op.requestRange) checkReadRevision(txn, op.requestRange.revision ?? 0);
      else if (op.requestTxn) {
        const nested = op.requestTxn;
        const succeeded = (nested.compare ?? []).every((c) => compareHolds(txn, c));
        this.checkOps(txn, (succeeded ? nested.success : nested.failure) ?? []);
      }
    }
  }

  private checkPut(txn: WriteTxn, r: PutRequest): void {
    let lease = r.lease ?? 0n;
    if (r.ignoreValue || r.ignoreLease) {
      const existing = txn.get(keyString(r.key));
      if (existing === undefined) throw Errors.keyNotFound();
      if (r.ignoreLease) lease = existing.lease;
    }
    if (lease !== 0n && !(this.leases?.exists(lease) ?? false)) throw Errors.leaseNotFound();
  }

  private applyOps(txn: WriteTxn, ops: readonly RequestOp[]): ResponseOp[] {
    return ops.map((op): ResponseOp => {
      if (op.requestRange) {
        const r = op.requestRange;
        return { responseRange: rangeAt(txn.store, r, checkReadRevision(txn, r.revision ?? 0)) };
      }
      if (op.requestPut) return { responsePut: this.applyPut(txn, op.requestPut) };
      if (op.requestDeleteRange) return { responseDeleteRange: this.applyDeleteRange(txn, op.requestDeleteRange) };
      const nested = op.requestTxn!;
      const succeeded = (nested.compare ?? []).every((c) => compareHolds(txn, c));
      return { responseTxn: { succeeded, responses: this.applyOps(txn, (succeeded ? nested.success : nested.failure) ?? []) } };
    });
  }

  private applyPut(txn: WriteTxn, r: PutRequest): PutResponse {
    const key = keyString(r.key);
    let value = r.value ?? EMPTY;
    let lease = r.lease ?? 0n;
    if (r.ignoreValue || r.ignoreLease) {
      // checkPut made sure it exists.
      const existing = txn.get(key)!;
      if (r.ignoreValue) value = existing.value;
      if (r.ignoreLease) lease = existing.lease;
    }
    // What the put replaced is read after it, by id (still in the table): one lookup of the key, not three.
    const previous = txn.put(key, value, lease);
    const table = txn.store.table;
    const previousLease = previous === undefined ? 0n : table.lease(previous);
    if (previousLease !== 0n && previousLease !== lease) this.leases?.detach(previousLease, key);
    if (lease !== 0n) this.leases?.attach(lease, key);
    return r.prevKv && previous !== undefined ? { prevKv: toKeyValue(table.record(previous)) } : {};
  }

  private applyDeleteRange(txn: WriteTxn, r: DeleteRangeRequest): DeleteRangeResponse {
    const deleted = txn.deleteRange(rangeBounds({ key: r.key, end: r.rangeEnd }));
    for (const record of deleted) if (record.lease !== 0n) this.leases?.detach(record.lease, record.key);
    return { deleted: deleted.length, prevKvs: r.prevKv ? deleted.map(toKeyValue) : [] };
  }
}

/** A Range inside a txn: bounded by what the txn can see (its own writes included). */
function checkReadRevision(txn: WriteTxn, requested: number): number {
  if (requested <= 0) return txn.readRevision;
  if (requested > txn.readRevision) throw Errors.futureRev();
  if (requested < txn.store.compactRevision) throw Errors.compacted();
  return requested;
}

function rangeAt(store: MvccStore, r: RangeRequest, revision: number): RangeResponse {
  const sortOrder = r.sortOrder ?? SortOrder.None;
  const sortTarget = r.sortTarget ?? SortTarget.Key;
  const filtered =
    (r.minModRevision ?? 0) !== 0 ||
    (r.maxModRevision ?? 0) !== 0 ||
    (r.minCreateRevision ?? 0) !== 0 ||
    (r.maxCreateRevision ?? 0) !== 0;
  const limit = r.limit ?? 0;
  // Sorting or filtering needs the whole range first; otherwise read one past the limit to learn `more`.
  const readLimit = sortOrder !== SortOrder.None || filtered || limit <= 0 ? 0 : limit + 1;
  const bounds = rangeBounds({ key: r.key, end: r.rangeEnd });
  const { records, count } = store.range(bounds, revision, readLimit);
  let kept = filtered ? records.filter((record) => passesFilters(record, r)) : records;
  kept = sortRecords(kept, sortOrder, sortTarget);
  let more = false;
  if (limit > 0 && kept.length > limit) {
    kept = kept.slice(0, limit);
    more = true;
  }
  if (r.countOnly) return { kvs: [], more, count };
  const kvs = kept.map((record): KeyValue => {
    const kv = toKeyValue(record);
    return r.keysOnly ? { ...kv, value: EMPTY } : kv;
  });
  return { kvs, more, count };
}

function passesFilters(record: RevisionRecord, r: RangeRequest): boolean {
  const { minModRevision = 0, maxModRevision = 0, minCreateRevision = 0, maxCreateRevision = 0 } = r;
  if (minModRevision !== 0 && record.main < minModRevision) return false;
  if (maxModRevision !== 0 && record.main > maxModRevision) return false;
  if (minCreateRevision !== 0 && record.createRevision < minCreateRevision) return false;
  if (maxCreateRevision !== 0 && record.createRevision > maxCreateRevision) return false;
  return true;
}

function sortRecords(records: RevisionRecord[], order: SortOrder, target: SortTarget): RevisionRecord[] {
  // Key order ascending is the natural order; a non-key target with no order means ascending (etcd).
  const effectiveOrder = order === SortOrder.None && target !== SortTarget.Key ? SortOrder.Ascend : order;
  if (effectiveOrder === SortOrder.None || (effectiveOrder === SortOrder.Ascend && target === SortTarget.Key)) return records;
  const compare = (a: RevisionRecord, b: RevisionRecord): number => {
    switch (target) {
      case SortTarget.Key:
        return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
      case SortTarget.Version:
        return a.version - b.version;
      case SortTarget.Create:
        return a.createRevision - b.createRevision;
      case SortTarget.Mod:
        return a.main - b.main;
      case SortTarget.Value:
        return Buffer.compare(a.value, b.value);
    }
  };
  const sorted = [...records].sort(compare);
  return effectiveOrder === SortOrder.Descend ? sorted.reverse() : sorted;
}

function compareHolds(txn: WriteTxn, c: Compare): boolean {
  const { records } = txn.range(rangeBounds({ key: c.key, end: c.rangeEnd }));
  if (records.length === 0) return c.target !== CompareTarget.Value && compareOne(undefined, c);
  return records.every((record) => compareOne(record, c));
}

function compareOne(record: RevisionRecord | undefined, c: Compare): boolean {
  let order: number;
  switch (c.target) {
    case CompareTarget.Value:
      order = Buffer.compare(record?.value ?? EMPTY, c.value ?? EMPTY);
      break;
    case CompareTarget.Create:
      order = Math.sign((record?.createRevision ?? 0) - (c.createRevision ?? 0));
      break;
    case CompareTarget.Mod:
      order = Math.sign((record?.main ?? 0) - (c.modRevision ?? 0));
      break;
    case CompareTarget.Version:
      order = Math.sign((record?.version ?? 0) - (c.version ?? 0));
      break;
    case CompareTarget.Lease: {
      const mine = record?.lease ?? 0n;
      const theirs = c.lease ?? 0n;
      order = mine < theirs ? -1 : mine > theirs ? 1 : 0;
      break;
    }
    default:
      return false;
  }
  switch (c.result) {
    case CompareResult.Equal:
      return order === 0;
    case CompareResult.NotEqual:
      return order !== 0;
    case CompareResult.Greater:
      return order > 0;
    case CompareResult.Less:
      return order < 0;
    default:
      return false;
  }
}
