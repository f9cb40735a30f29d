// Leases in the state backend: one record per lease (id → granted TTL, and the remaining TTL of its last
// checkpoint when --experimental-enable-lease-checkpoint-persist keeps one), written in the same batch as
// the entry that granted, checkpointed or revoked it. Attachments are not stored: the keyspace's records
// carry their lease.

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

/** A record without a checkpoint is the TTL alone, as records were before checkpoints were kept. */
export function stageLeaseGrant(backend: Backend, record: LeaseRecord): void {
  const ttl = int64Bytes(BigInt(record.ttl));
  const remaining = record.remainingTtl ?? 0;
  backend.put(leaseKey(record.id), remaining > 0 ? Buffer.concat([ttl, int64Bytes(BigInt(remaining))]) : ttl);
}

export function stageLeaseRevoke(backend: Backend, id: LeaseId): void {
  backend.del(leaseKey(id));
}

export async function loadLeaseRecords(backend: Backend): Promise<LeaseRecord[]> {
  const records: LeaseRecord[] = [];
  for await (const [key, value] of backend.scan(Bucket.Lease)) {
    const remainingTtl = value.length >= 16 ? Number(readInt64(value.subarray(8, 16))) : 0;
    records.push({ id: readInt64(key), ttl: Number(readInt64(value.subarray(0, 8))), ...(remainingTtl > 0 ? { remainingTtl } : {}) });
  }
  return records;
}
