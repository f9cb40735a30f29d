// The keys Barge's state layers keep in the backend that the etcd mapping reads and writes besides the
// keyspace (mvcc/record-codec) and leases: the auth bucket's layout (auth/store), the meta keys of
// compaction and alarms (mvcc/kv-store, server/state-machine) and the member record's JSON
// (server/members). They are mirrored here so the mapping stays outside those layers; the migration tests
// round-trip real data through them, so a change on either side shows.

import { Bucket, bucketKey, metaKey } from '../backend.js';

export const BargeAuthKey = {
  enabled: bucketKey(Bucket.Auth, Buffer.from('m/enabled')),
  revision: bucketKey(Bucket.Auth, Buffer.from('m/revision')),
  userPrefix: 'u/',
  rolePrefix: 'r/',
} as const;

export const BargeMetaKey = {
  consistentIndex: metaKey('consistent_index'),
  compactRevision: metaKey('compact_revision'),
  alarms: metaKey('alarms'),
} as const;

/** A member as Barge stores it (by 8-byte id), or the mark of a removed one. */
export type BargeMemberRecord = { name: string; peerUrls: readonly string[]; clientUrls: readonly string[]; isLearner: boolean } | { removed: true };

/** The alarms list as Barge stores it under its meta key. */
export type BargeAlarmRecord = { memberId: string; alarm: number }[];
