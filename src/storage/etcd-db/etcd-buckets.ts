// The buckets of etcd 3.4's backend (mvcc/backend and its users), the fixed keys inside them, and how
// the key bucket names a revision: 8-byte big-endian main, '_', 8-byte big-endian sub, and a trailing
// 't' when the revision is a delete (a tombstone).

export const EtcdBucket = {
  Key: 'key',
  Meta: 'meta',
  Lease: 'lease',
  Alarm: 'alarm',
  Cluster: 'cluster',
  Members: 'members',
  MembersRemoved: 'members_removed',
  Auth: 'auth',
  AuthUsers: 'authUsers',
  AuthRoles: 'authRoles',
} as const;

export type EtcdBucketName = (typeof EtcdBucket)[keyof typeof EtcdBucket];

export const ALL_ETCD_BUCKETS: readonly EtcdBucketName[] = Object.values(EtcdBucket);

export const MetaKey = {
  ConsistentIndex: 'consistent_index',
  ScheduledCompact: 'scheduledCompactRev',
  FinishedCompact: 'finishedCompactRev',
} as const;

export const AuthKey = { Enabled: 'authEnabled', Revision: 'authRevision' } as const;

export const CLUSTER_VERSION_KEY = 'clusterVersion';
/** What etcd 3.4 stores as the cluster version (major.minor.0). */
export const CLUSTER_VERSION = '3.4.0';
/** The value etcd stores for a removed member. */
export const REMOVED_MEMBER_VALUE = 'removed';

const REVISION_BYTES = 17;
const TOMBSTONE_MARK = 0x74; // 't'

export interface Revision {
  readonly main: number;
  readonly sub: number;
  readonly tombstone: boolean;
}

export function encodeRevision(revision: Revision): Buffer {
  const out = Buffer.alloc(REVISION_BYTES + (revision.tombstone ? 1 : 0));
  out.writeBigUInt64BE(BigInt(revision.main), 0);
  out[8] = 0x5f; // '_'
  out.writeBigUInt64BE(BigInt(revision.sub), 9);
  if (revision.tombstone) out[REVISION_BYTES] = TOMBSTONE_MARK;
  return out;
}

export function decodeRevision(bytes: Buffer): Revision {
  const tombstone = bytes.length === REVISION_BYTES + 1 && bytes[REVISION_BYTES] === TOMBSTONE_MARK;
  if (bytes.length !== REVISION_BYTES + (tombstone ? 1 : 0)) throw new Error(`etcd db: revision key of ${bytes.length} bytes`);
  return { main: Number(bytes.readBigUInt64BE(0)), sub: Number(bytes.readBigUInt64BE(9)), tombstone };
}
