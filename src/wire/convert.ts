// Between protobufjs message objects (int64 as Long, snake_case names as in the .proto files) and the
// keyspace's own request and response shapes (revisions as numbers, lease and member ids as bigint).

import Long from 'long';
import type {
  Compare,
  DeleteRangeRequest,
  DeleteRangeResponse,
  KeyValue,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  RequestOp,
  ResponseOp,
  TxnRequest,
  TxnResponse,
} from '../mvcc/index.js';
import type * as pb from './messages.js';

/** What protobufjs hands out for 64-bit fields. */
export type Int64 = Long | number | string | null | undefined;

const EMPTY = new Uint8Array(0);

export function toNumber(value: Int64): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  return value.toNumber();
}

// Conversions go through the two 32-bit halves, not decimal strings: they run on every request and
// response (ids in headers, request ids, lease ids), and string round trips showed in profiles.

/** A signed int64 (lease ids); an unsigned Long keeps its unsigned value. */
export function toBigInt(value: Int64): bigint {
  if (value === null || value === undefined) return 0n;
  if (typeof value === 'number') return BigInt(value);
  if (typeof value === 'string') return BigInt(value);
  const high = value.unsigned ? value.high >>> 0 : value.high;
  return (BigInt(high) << 32n) | BigInt(value.low >>> 0);
}

/** An unsigned uint64 (member and cluster ids). */
export function toUint64(value: Int64): bigint {
  return BigInt.asUintN(64, toBigInt(value));
}

function longOf(value: bigint, unsigned: boolean): Long {
  return Long.fromBits(Number(value & 0xffffffffn) | 0, Number((value >> 32n) & 0xffffffffn) | 0, unsigned);
}

export function int64(value: bigint): Long {
  return longOf(value, false);
}

export function uint64(value: bigint): Long {
  return longOf(value, true);
}

function bytes(value: Uint8Array | null | undefined): Uint8Array {
  return value ?? EMPTY;
}

/** A non-empty byte field, or undefined. */
function optionalBytes(value: Uint8Array | null | undefined): Uint8Array | undefined {
  return value && value.length > 0 ? value : undefined;
}

// ---- requests -------------------------------------------------------------------------------------

export function rangeRequestFromPb(r: pb.RangeRequest): RangeRequest {
  return {
    key: bytes(r.key),
    rangeEnd: optionalBytes(r.range_end),
    limit: toNumber(r.limit),
    revision: toNumber(r.revision),
    sortOrder: r.sort_order ?? 0,
    sortTarget: r.sort_target ?? 0,
    serializable: r.serializable === true,
    keysOnly: r.keys_only === true,
    countOnly: r.count_only === true,
    minModRevision: toNumber(r.min_mod_revision),
    maxModRevision: toNumber(r.max_mod_revision),
    minCreateRevision: toNumber(r.min_create_revision),
    maxCreateRevision: toNumber(r.max_create_revision),
  };
}

export function putRequestFromPb(r: pb.PutRequest): PutRequest {
  return {
    key: bytes(r.key),
    value: bytes(r.value),
    lease: toBigInt(r.lease),
    prevKv: r.prev_kv === true,
    ignoreValue: r.ignore_value === true,
    ignoreLease: r.ignore_lease === true,
  };
}

export function deleteRangeRequestFromPb(r: pb.DeleteRangeRequest): DeleteRangeRequest {
  return { key: bytes(r.key), rangeEnd: optionalBytes(r.range_end), prevKv: r.prev_kv === true };
}

function compareFromPb(c: pb.Compare): Compare {
  return {
    result: c.result ?? 0,
    target: c.target ?? 0,
    key: bytes(c.key),
    rangeEnd: optionalBytes(c.range_end),
    version: toNumber(c.version),
    createRevision: toNumber(c.create_revision),
    modRevision: toNumber(c.mod_revision),
    value: bytes(c.value),
    lease: toBigInt(c.lease),
  };
}

function requestOpFromPb(op: pb.RequestOp): RequestOp {
  if (op.request_range) return { requestRange: rangeRequestFromPb(op.request_range) };
  if (op.request_put) return { requestPut: putRequestFromPb(op.request_put) };
  if (op.request_delete_range) return { requestDeleteRange: deleteRangeRequestFromPb(op.request_delete_range) };
  if (op.request_txn) return { requestTxn: txnRequestFromPb(op.request_txn) };
  return {};
}

export function txnRequestFromPb(r: pb.TxnRequest): TxnRequest {
  return {
    compare: (r.compare ?? []).map(compareFromPb),
    success: (r.success ?? []).map(requestOpFromPb),
    failure: (r.failure ?? []).map(requestOpFromPb),
  };
}

// ---- responses ------------------------------------------------------------------------------------

export function keyValueToPb(kv: KeyValue): pb.KeyValueInit {
  return {
    key: kv.key,
    create_revision: kv.createRevision,
    mod_revision: kv.modRevision,
    version: kv.version,
    value: kv.value,
    lease: kv.lease === 0n ? 0 : int64(kv.lease),
  };
}

export function rangeResponseToPb(r: RangeResponse, header: pb.ResponseHeaderInit): pb.RangeResponseInit {
  return { header, kvs: r.kvs.map(keyValueToPb), more: r.more, count: r.count };
}

export function putResponseToPb(r: PutResponse, header: pb.ResponseHeaderInit): pb.PutResponseInit {
  return { header, prev_kv: r.prevKv ? keyValueToPb(r.prevKv) : undefined };
}

export function deleteRangeResponseToPb(r: DeleteRangeResponse, header: pb.ResponseHeaderInit): pb.DeleteRangeResponseInit {
  return { header, deleted: r.deleted, prev_kvs: r.prevKvs.map(keyValueToPb) };
}

/** Nested headers inside a txn carry only the revision, as etcd's do. */
export function txnResponseToPb(r: TxnResponse, header: pb.ResponseHeaderInit): pb.TxnResponseInit {
  const nested = { revision: header.revision };
  const op = (o: ResponseOp): pb.ResponseOpInit => {
    if (o.responseRange) return { response_range: rangeResponseToPb(o.responseRange, nested) };
    if (o.responsePut) return { response_put: putResponseToPb(o.responsePut, nested) };
    if (o.responseDeleteRange) return { response_delete_range: deleteRangeResponseToPb(o.responseDeleteRange, nested) };
    return { response_txn: txnResponseToPb(o.responseTxn!, nested) };
  };
  return { header, succeeded: r.succeeded, responses: r.responses.map(op) };
}
