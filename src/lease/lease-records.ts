// Leases in the state backend: one record per lease (id → granted TTL), written in the same batch as the
// entry that granted or revoked it. Attachments are not stored: the keyspace's records carry their lease.

import { Bucket, bucketKey, type Backend } from '../storage/backend.js';
import type { LeaseId, LeaseRecord } from './lessor.js';

/** The id and the TTL are both 8 bytes big-endian, so records scan in id order (ids are positive). */
function int64Bytes(value: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, value);
  return bytes;
}

function readInt64(bytes: Uint8Array): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigInt64(0);
}

function leaseKey(id: LeaseId): Uint8Array {
  return bucketKey(Bucket.Lease, int64Bytes(id));
}

export function stageLeaseGrant(backend: Backend, record: LeaseRecord): void {
  backend.put(leaseKey(record.id), int64Bytes(BigInt(record.ttl)));
}

export function stageLeaseRevoke(backend: Backend, id: LeaseId): void {
  backend.del(leaseKey(id));
}

export async function loadLeaseRecords(backend: Backend): Promise<LeaseRecord[]> {
  const records: LeaseRecord[] = [];
  for await (const [key, value] of backend.scan(Bucket.Lease)) {
    records.push({ id: readInt64(key), ttl: Number(readInt64(value)) });
  }
  return records;
}
