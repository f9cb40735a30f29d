// An etcd 3.4 snapshot file: the bbolt database, then (as `etcdctl snapshot save` leaves it) the SHA-256
// of the database. etcdctl tells the two apart by size: a database is whole pages, so a size ≡ 32 (mod 512)
// means a trailing hash.

import { createHash } from 'node:crypto';
import { readBoltFile, type BoltFile } from '../bbolt/reader.js';
import { writeBoltFile } from '../bbolt/writer.js';
import { crc32c } from './crc32c.js';
import { EtcdBucket, decodeRevision } from './etcd-buckets.js';
import { etcdBucketsOf } from './to-etcd-db.js';

const HASH_BYTES = 32;
const ALIGN = 512;

/** An etcd database holding the state of Barge's backend `records`. */
export async function etcdDatabaseOf(records: AsyncIterable<[Uint8Array, Uint8Array]>): Promise<Buffer> {
  return writeBoltFile(await etcdBucketsOf(records));
}

function hasIntegrityHash(file: Buffer): boolean {
  return file.length % ALIGN === HASH_BYTES;
}

/**
 * The database of a snapshot file after checking its trailing hash, with etcdctl restore's errors for a
 * missing or wrong one.
 */
export function checkedDatabase(file: Buffer): Buffer {
  if (!hasIntegrityHash(file)) throw new Error('snapshot missing hash but --skip-hash-check=false');
  const db = file.subarray(0, file.length - HASH_BYTES);
  const expected = file.subarray(file.length - HASH_BYTES);
  const actual = createHash('sha256').update(db).digest();
  if (!actual.equals(expected)) throw new Error(`expected sha256 [${[...expected].join(' ')}], got [${[...actual].join(' ')}]`);
  return db;
}

/** What `etcdctl snapshot status` reports. */
export interface SnapshotStatus {
  readonly hash: number;
  readonly revision: number;
  readonly totalKey: number;
  readonly totalSize: number;
}

/**
 * As etcdctl computes it: CRC-32C over every bucket's name then each of its keys and values in order,
 * the main revision of the key bucket's last key, the number of keys in all buckets, and the database's
 * size in pages.
 */
export function snapshotStatusOf(db: BoltFile): SnapshotStatus {
  let hash = 0;
  let revision = 0;
  let totalKey = 0;
  for (const bucket of db.buckets) {
    hash = crc32c(bucket.name, hash);
    const entries: (readonly [Buffer, Buffer])[] = [...bucket.entries, ...bucket.buckets.map((b) => [b.name, Buffer.alloc(0)] as const)];
    entries.sort(([a], [b]) => Buffer.compare(a, b));
    for (const [key, value] of entries) {
      hash = crc32c(value, crc32c(key, hash));
      totalKey++;
    }
    const last = entries.at(-1);
    if (bucket.name.toString() === EtcdBucket.Key && last) revision = decodeRevision(last[0]).main;
  }
  return { hash, revision, totalKey, totalSize: Number(db.meta.pgid) * db.meta.pageSize };
}

/** The status of a snapshot file (hash trailer or not: etcdctl status does not check it). */
export function snapshotFileStatus(file: Buffer): SnapshotStatus {
  return snapshotStatusOf(readBoltFile(hasIntegrityHash(file) ? file.subarray(0, file.length - HASH_BYTES) : file));
}
