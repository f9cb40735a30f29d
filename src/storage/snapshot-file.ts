// A whole-state snapshot as a file, what Maintenance.Snapshot streams and `snapshot save` keeps: etcd's
// own format, a bbolt database holding etcd 3.4's buckets, then the SHA-256 of the database (so etcdctl's
// save, status and restore take it, and a real etcd starts from it). Files in Barge's earlier format (a
// magic header, records framed as key length | value length | key | value, an end mark, zero padding to
// 512 bytes, the SHA-256 of all that) are still read, so snapshots saved before keep restoring.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { StateBackend } from './backend.js';
import { readBoltFile } from './bbolt/reader.js';
import { writeBoltFile } from './bbolt/writer.js';
import { CorruptSnapshotError } from './errors.js';
import { checkedDatabase, etcdDatabaseOf, snapshotFileStatus, snapshotStatusOf, type SnapshotStatus } from './etcd-db/etcd-snapshot.js';
import { bargeRecordsOf } from './etcd-db/from-etcd-db.js';
import { etcdBucketsOf } from './etcd-db/to-etcd-db.js';

const MAGIC = Buffer.from('BARGESNP', 'latin1');
const FORMAT_VERSION = 1;
const END_MARK = 0xffffffff;
const ALIGN = 512;
const HASH_BYTES = 32;

/** The snapshot's database in chunks of `chunkBytes`, then its 32-byte SHA-256 as the last chunk. */
export async function* snapshotFileChunks(backend: StateBackend, chunkBytes = 1024 * 1024): AsyncGenerator<Uint8Array> {
  const db = await etcdDatabaseOf(backend.dump());
  for (let at = 0; at < db.length; at += chunkBytes) yield db.subarray(at, at + chunkBytes);
  yield createHash('sha256').update(db).digest();
}

function isBargeFormat(bytes: Buffer): boolean {
  return bytes.subarray(0, MAGIC.length).equals(MAGIC);
}

/** Reads and checks a snapshot file of either format; returns Barge's backend records in key order. */
export async function readSnapshotFile(path: string): Promise<[Uint8Array, Uint8Array][]> {
  const bytes = await readFile(path);
  if (isBargeFormat(bytes)) return readBargeSnapshot(path, bytes);
  const db = checkedDatabase(bytes); // etcdctl restore's own errors for a missing or wrong hash
  try {
    return bargeRecordsOf(readBoltFile(db).buckets);
  } catch (err) {
    throw new CorruptSnapshotError(path, err instanceof Error ? err.message : String(err));
  }
}

/** What `etcdctl snapshot status` reports for the file (for Barge's earlier format: for its etcd equivalent). */
export async function readSnapshotStatus(path: string): Promise<SnapshotStatus> {
  const bytes = await readFile(path);
  if (!isBargeFormat(bytes)) return snapshotFileStatus(bytes);
  return snapshotStatusOf(readBoltFile(writeBoltFile(await etcdBucketsOf(readBargeSnapshot(path, bytes)))));
}

function readBargeSnapshot(path: string, bytes: Buffer): [Uint8Array, Uint8Array][] {
  const corrupt = (detail: string): CorruptSnapshotError => new CorruptSnapshotError(path, detail);
  if (bytes.length < MAGIC.length + 4 + HASH_BYTES || (bytes.length - HASH_BYTES) % ALIGN !== 0) throw corrupt('unexpected size');
  const payload = bytes.subarray(0, bytes.length - HASH_BYTES);
  if (!createHash('sha256').update(payload).digest().equals(bytes.subarray(bytes.length - HASH_BYTES))) throw corrupt('SHA-256 mismatch');
  if (payload.readUInt32BE(MAGIC.length) !== FORMAT_VERSION) throw corrupt(`unsupported format version ${payload.readUInt32BE(MAGIC.length)}`);
  const records: [Uint8Array, Uint8Array][] = [];
  let at = MAGIC.length + 4;
  for (;;) {
    if (at + 4 > payload.length) throw corrupt('no end mark');
    const keyLength = payload.readUInt32BE(at);
    if (keyLength === END_MARK) return records;
    if (at + 8 > payload.length) throw corrupt('record header runs past the end');
    const valueLength = payload.readUInt32BE(at + 4);
    const keyAt = at + 8;
    const end = keyAt + keyLength + valueLength;
    if (end > payload.length) throw corrupt('record runs past the end');
    records.push([payload.subarray(keyAt, keyAt + keyLength), payload.subarray(keyAt + keyLength, end)]);
    at = end;
  }
}
