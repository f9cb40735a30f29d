// The KV service's responses (Range, Put, DeleteRange, Txn) encoded by hand: sized first, then written
// into one buffer. protobufjs's writer allocated an operation object per field and a state per nested
// message, and copied the whole message again on finish(); these responses go out on every read and
// write. The bytes are protobufjs's own (fields in number order, proto3 zero values left out, 64-bit
// numbers as its LongBits writes them), which a property test holds them to.

import Long from 'long';
import { BufferWriter, varintSize } from '../wire/buffer-writer.js';
import type * as pb from '../wire/messages.js';

type Int64 = pb.Int64Init;

/** Tags: (field number << 3) | wire type (0 varint, 2 length-delimited); every one fits a byte. */
const VARINT = 0;
const DELIMITED = 2;
const tag = (field: number, wireType: number): number => (field << 3) | wireType;

/** The two 32-bit halves of the last 64-bit number split, as unsigned (protobufjs's LongBits). */
let lo = 0;
let hi = 0;

/** Splits `value` into lo and hi: two's complement for a negative number, a decimal string as Long reads it. */
function split(value: Int64): void {
  if (typeof value === 'object') {
    lo = value.low >>> 0;
    hi = value.high >>> 0;
    return;
  }
  if (typeof value === 'string') {
    split(Long.fromString(value));
    return;
  }
  const negative = value < 0;
  const magnitude = negative ? -value : value;
  lo = magnitude >>> 0;
  hi = ((magnitude - lo) / 4294967296) >>> 0;
  if (!negative) return;
  lo = ~lo >>> 0;
  hi = ~hi >>> 0;
  if (++lo > 4294967295) {
    lo = 0;
    if (++hi > 4294967295) hi = 0;
  }
}

/** A number that is written as it is (every revision, count and version), rather than split. */
const isPlain = (value: Int64): value is number => typeof value === 'number' && value >= 0 && value <= Number.MAX_SAFE_INTEGER && Number.isInteger(value);

/** proto3 leaves a 64-bit field out when it is zero (protobufjs: a Long with both halves 0, or the number 0). */
function isSet(value: Int64 | null | undefined): value is Int64 {
  return value !== null && value !== undefined && (typeof value === 'object' ? value.low !== 0 || value.high !== 0 : value !== 0);
}

function int64Size(value: Int64): number {
  if (isPlain(value)) return varintSize(value);
  split(value);
  const part1 = ((lo >>> 28) | (hi << 4)) >>> 0;
  const part2 = hi >>> 24;
  if (part2 !== 0) return part2 < 128 ? 9 : 10;
  if (part1 !== 0) return part1 < 16384 ? (part1 < 128 ? 5 : 6) : part1 < 2097152 ? 7 : 8;
  return lo < 16384 ? (lo < 128 ? 1 : 2) : lo < 2097152 ? 3 : 4;
}

const int64FieldSize = (value: Int64 | null | undefined): number => (isSet(value) ? 1 + int64Size(value) : 0);
const bytesFieldSize = (value: Uint8Array | null | undefined): number => (value && value.length > 0 ? 1 + varintSize(value.length) + value.length : 0);
const boolFieldSize = (value: boolean | null | undefined): number => (value !== null && value !== undefined && value !== false ? 2 : 0);
const messageFieldSize = (size: number): number => 1 + varintSize(size) + size;

class Out extends BufferWriter {
  int64Field(field: number, value: Int64 | null | undefined): void {
    if (!isSet(value)) return;
    this.buf[this.pos++] = tag(field, VARINT);
    if (isPlain(value)) {
      this.varint(value);
      return;
    }
    split(value);
    while (hi !== 0) {
      this.buf[this.pos++] = (lo & 127) | 128;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    while (lo > 127) {
      this.buf[this.pos++] = (lo & 127) | 128;
      lo >>>= 7;
    }
    this.buf[this.pos++] = lo;
  }

  bytesField(field: number, value: Uint8Array | null | undefined): void {
    if (!value || value.length === 0) return;
    this.buf[this.pos++] = tag(field, DELIMITED);
    this.varint(value.length);
    this.raw(value);
  }

  boolField(field: number, value: boolean | null | undefined): void {
    if (value === null || value === undefined || value === false) return;
    this.buf[this.pos++] = tag(field, VARINT);
    this.buf[this.pos++] = 1;
  }

  /** A nested message's tag and length; its fields follow. */
  messageStart(field: number, size: number): void {
    this.buf[this.pos++] = tag(field, DELIMITED);
    this.varint(size);
  }
}

// ---- sizes (of the message's fields, without its own tag and length) --------------------------------

function headerSize(h: pb.ResponseHeaderInit): number {
  return int64FieldSize(h.cluster_id) + int64FieldSize(h.member_id) + int64FieldSize(h.revision) + int64FieldSize(h.raft_term);
}

function keyValueSize(kv: pb.KeyValueInit): number {
  return (
    bytesFieldSize(kv.key) + int64FieldSize(kv.create_revision) + int64FieldSize(kv.mod_revision) + int64FieldSize(kv.version) + bytesFieldSize(kv.value) + int64FieldSize(kv.lease)
  );
}

function keyValuesSize(kvs: readonly pb.KeyValueInit[] | null | undefined): number {
  let size = 0;
  for (const kv of kvs ?? []) size += messageFieldSize(keyValueSize(kv));
  return size;
}

const headerFieldSize = (h: pb.ResponseHeaderInit | null | undefined): number => (h ? messageFieldSize(headerSize(h)) : 0);

function rangeSize(r: pb.RangeResponseInit): number {
  return headerFieldSize(r.header) + keyValuesSize(r.kvs) + boolFieldSize(r.more) + int64FieldSize(r.count);
}

function putSize(r: pb.PutResponseInit): number {
  return headerFieldSize(r.header) + (r.prev_kv ? messageFieldSize(keyValueSize(r.prev_kv)) : 0);
}

function deleteRangeSize(r: pb.DeleteRangeResponseInit): number {
  return headerFieldSize(r.header) + int64FieldSize(r.deleted) + keyValuesSize(r.prev_kvs);
}

/** A message field that is set: its tag, length and fields. */
function optionalMessageSize<M>(message: M | null | undefined, size: (message: M) => number): number {
  return message ? messageFieldSize(size(message)) : 0;
}

function responseOpSize(op: pb.ResponseOpInit): number {
  return (
    optionalMessageSize(op.response_range, rangeSize) +
    optionalMessageSize(op.response_put, putSize) +
    optionalMessageSize(op.response_delete_range, deleteRangeSize) +
    optionalMessageSize(op.response_txn, txnSize)
  );
}

function txnSize(r: pb.TxnResponseInit): number {
  let size = headerFieldSize(r.header) + boolFieldSize(r.succeeded);
  for (const op of r.responses ?? []) size += messageFieldSize(responseOpSize(op));
  return size;
}

// ---- writing (each nested message's size is worked out again as it is written: they are shallow) ------

function writeHeader(out: Out, h: pb.ResponseHeaderInit | null | undefined): void {
  if (!h) return;
  out.messageStart(1, headerSize(h));
  out.int64Field(1, h.cluster_id);
  out.int64Field(2, h.member_id);
  out.int64Field(3, h.revision);
  out.int64Field(4, h.raft_term);
}

function writeKeyValue(out: Out, field: number, kv: pb.KeyValueInit): void {
  out.messageStart(field, keyValueSize(kv));
  out.bytesField(1, kv.key);
  out.int64Field(2, kv.create_revision);
  out.int64Field(3, kv.mod_revision);
  out.int64Field(4, kv.version);
  out.bytesField(5, kv.value);
  out.int64Field(6, kv.lease);
}

function writeRange(out: Out, r: pb.RangeResponseInit): void {
  writeHeader(out, r.header);
  for (const kv of r.kvs ?? []) writeKeyValue(out, 2, kv);
  out.boolField(3, r.more);
  out.int64Field(4, r.count);
}

function writePut(out: Out, r: pb.PutResponseInit): void {
  writeHeader(out, r.header);
  if (r.prev_kv) writeKeyValue(out, 2, r.prev_kv);
}

function writeDeleteRange(out: Out, r: pb.DeleteRangeResponseInit): void {
  writeHeader(out, r.header);
  out.int64Field(2, r.deleted);
  for (const kv of r.prev_kvs ?? []) writeKeyValue(out, 3, kv);
}

function writeOptionalMessage<M>(out: Out, field: number, message: M | null | undefined, size: (message: M) => number, write: (out: Out, message: M) => void): void {
  if (!message) return;
  out.messageStart(field, size(message));
  write(out, message);
}

function writeResponseOp(out: Out, op: pb.ResponseOpInit): void {
  writeOptionalMessage(out, 1, op.response_range, rangeSize, writeRange);
  writeOptionalMessage(out, 2, op.response_put, putSize, writePut);
  writeOptionalMessage(out, 3, op.response_delete_range, deleteRangeSize, writeDeleteRange);
  writeOptionalMessage(out, 4, op.response_txn, txnSize, writeTxn);
}

function writeTxn(out: Out, r: pb.TxnResponseInit): void {
  writeHeader(out, r.header);
  out.boolField(2, r.succeeded);
  for (const op of r.responses ?? []) {
    out.messageStart(3, responseOpSize(op));
    writeResponseOp(out, op);
  }
}

function encoder<M>(size: (message: M) => number, write: (out: Out, message: M) => void): (message: M) => Buffer {
  return (message) => {
    const out = new Out(Buffer.allocUnsafe(size(message)));
    write(out, message);
    return out.buf;
  };
}

export const encodeRangeResponse = encoder(rangeSize, writeRange);
export const encodePutResponse = encoder(putSize, writePut);
export const encodeDeleteRangeResponse = encoder(deleteRangeSize, writeDeleteRange);
export const encodeTxnResponse = encoder(txnSize, writeTxn);

/** The KV service's response serializers for grpc-js, by method (Compact's, a header alone, stays protobufjs's). */
export const kvResponseSerializers = {
  Range: encodeRangeResponse,
  Put: encodePutResponse,
  DeleteRange: encodeDeleteRangeResponse,
  Txn: encodeTxnResponse,
} as const;
