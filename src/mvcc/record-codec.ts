// How a keyspace record sits in the backend: the key is its revision (main, sub as big-endian u64), so
// the backend's key order is revision order and a restart rebuilds the index in one scan.
//   value: flags (u8, bit 0 = tombstone) | create revision (u64) | version (u64) | lease (i64)
//          | key length (u32) | key | value

import { keptLease, type RevisionRecord } from './key-index.js';

const FIXED_BYTES = 1 + 8 + 8 + 8 + 4;

/**
 * A revision, version or length (a safe integer) as a big-endian u64, from its two 32-bit halves: through a
 * BigInt it cost two allocations, on every record written.
 */
function writeUint64(out: Buffer, value: number, offset: number): void {
  out.writeUInt32BE(Math.floor(value / 0x1_0000_0000), offset);
  out.writeUInt32BE(value >>> 0, offset + 4);
}

export function revisionKey(main: number, sub: number): Uint8Array {
  const out = Buffer.allocUnsafe(16);
  writeUint64(out, main, 0);
  writeUint64(out, sub, 8);
  return out;
}

export function encodeRecord(record: RevisionRecord): Uint8Array {
  const keyLength = record.key.length;
  const out = Buffer.allocUnsafe(FIXED_BYTES + keyLength + record.value.length);
  out.writeUInt8(record.tombstone ? 1 : 0, 0);
  writeUint64(out, record.createRevision, 1);
  writeUint64(out, record.version, 9);
  out.writeBigInt64BE(record.lease, 17);
  out.writeUInt32BE(keyLength, 25);
  out.write(record.key, FIXED_BYTES, 'latin1');
  out.set(record.value, FIXED_BYTES + keyLength);
  return out;
}

export function decodeRecord(revision: Uint8Array, bytes: Uint8Array): RevisionRecord {
  const rev = Buffer.from(revision.buffer, revision.byteOffset, revision.byteLength);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (rev.length !== 16 || buf.length < FIXED_BYTES) throw new Error('corrupt keyspace record');
  const keyLength = buf.readUInt32BE(25);
  if (buf.length < FIXED_BYTES + keyLength) throw new Error('corrupt keyspace record: key runs past the end');
  return {
    main: Number(rev.readBigUInt64BE(0)),
    sub: Number(rev.readBigUInt64BE(8)),
    tombstone: (buf.readUInt8(0) & 1) === 1,
    createRevision: Number(buf.readBigUInt64BE(1)),
    version: Number(buf.readBigUInt64BE(9)),
    lease: keptLease(buf.readBigInt64BE(17)),
    key: buf.toString('latin1', FIXED_BYTES, FIXED_BYTES + keyLength),
    // A view: the keyspace copies it into its own storage.
    value: buf.subarray(FIXED_BYTES + keyLength),
  };
}
