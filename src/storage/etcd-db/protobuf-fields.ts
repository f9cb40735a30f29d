// Hand-written protobuf for the few etcd messages stored in its database that Barge's proto set lacks
// or whose exact bytes matter (etcd's hash covers them): fields in number order, zero values left out,
// as gogoproto marshals them.

import type Long from 'long';
import protobuf from 'protobufjs';

const VARINT = 0;
const BYTES = 2;

export type FieldValue = bigint | number | Uint8Array;

/** Encodes `fields` (field number → value; integers as varints, bytes length-delimited), skipping zeros. */
export function encodeFields(fields: readonly (readonly [number, FieldValue])[]): Buffer {
  const writer = protobuf.Writer.create();
  for (const [field, value] of fields) {
    if (value instanceof Uint8Array) {
      if (value.length > 0) writer.uint32((field << 3) | BYTES).bytes(value);
    } else if (value !== 0 && value !== 0n) {
      // int64 and uint64 share the varint of the two's-complement 64-bit value.
      writer.uint32((field << 3) | VARINT).uint64(BigInt.asUintN(64, BigInt(value)).toString());
    }
  }
  return Buffer.from(writer.finish());
}

/** Decodes varint (as unsigned 64-bit) and bytes fields by number (a repeated field keeps its last value). */
export function decodeFields(bytes: Uint8Array): Map<number, bigint | Buffer> {
  const reader = protobuf.Reader.create(bytes);
  const fields = new Map<number, bigint | Buffer>();
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    if ((tag & 7) === VARINT) fields.set(field, unsigned64(reader));
    else if ((tag & 7) === BYTES) fields.set(field, Buffer.from(reader.bytes()));
    else reader.skipType(tag & 7);
  }
  return fields;
}

/** A varint field as a signed 64-bit integer (asUintN gives it back as unsigned). */
export function intField(fields: Map<number, bigint | Buffer>, field: number): bigint {
  const value = fields.get(field);
  return typeof value === 'bigint' ? BigInt.asIntN(64, value) : 0n;
}

export function bytesField(fields: Map<number, bigint | Buffer>, field: number): Buffer {
  const value = fields.get(field);
  return Buffer.isBuffer(value) ? value : Buffer.alloc(0);
}

/** protobufjs reads a 64-bit varint as a Long when the long package is present, else as a number. */
function unsigned64(reader: protobuf.Reader): bigint {
  const value = reader.uint64() as Long | number;
  return typeof value === 'number' ? BigInt(value) : BigInt(value.toUnsigned().toString());
}
