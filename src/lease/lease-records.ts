// Leases in the state backend: one record per lease (id → granted TTL), written in the same batch as the
// entry that granted or revoked it. Attachments are not stored: the keyspace's records carry their lease.

import { Bucket, bucketKey, type StateBackend } from '../storage/backend.js';
import type { LeaseId, LeaseRecord } from './lessor.js';

function leaseKey(id: LeaseId): Uint8Array {
  const key = Buffer.alloc(8);
  key.writeBigInt64BE(id);
  return bucketKey(Bucket.Lease, key);
}

export function stageLeaseGrant(backend: StateBackend, record: LeaseRecord): void {
  const value = Buffer.alloc(8);
  value.writeBigUInt64BE(BigInt(record.ttl));
  backend.put(leaseKey(record.id), value);
}

export function stageLeaseRevoke(backend: StateBackend, id: LeaseId): void {
  backend.del(leaseKey(id));
}

export async function loadLeaseRecords(backend: StateBackend): Promise<LeaseRecord[]> {
  const records: LeaseRecord[] = [];
  for await (const [key, value] of backend.scan(Bucket.Lease)) {
    records.push({ id: Buffer.from(key).readBigInt64BE(), ttl: Number(Buffer.from(value).readBigUInt64BE()) });
  }
  return records;
}
