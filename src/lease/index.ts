export { Lessor, MAX_LEASE_TTL_SECONDS } from './lessor.js';
export type { Lease, LeaseId, LeaseRecord, LeaseTimeToLive, LessorOptions } from './lessor.js';
export { loadLeaseRecords, stageLeaseGrant, stageLeaseRevoke } from './lease-records.js';
