// The buckets of an etcd 3.4 database → Barge's backend records holding the same state (the inverse of
// to-etcd-db). A pending compaction (scheduled past finished) becomes Barge's compaction revision: Barge
// finishes it when it opens the backend, as etcd does when it restores.

import { keptLease } from '../../mvcc/key-index.js';
import { encodeRecord, revisionKey } from '../../mvcc/record-codec.js';
import { Bucket, bucketKey, encodeUint } from '../backend.js';
import type { BoltBucket } from '../bbolt/page-layout.js';
import { BargeAuthKey, BargeMetaKey, type BargeAlarmRecord, type BargeMemberRecord } from './barge-state-keys.js';
import { AuthKey, EtcdBucket, MetaKey, decodeRevision } from './etcd-buckets.js';
import { decodeAlarm, decodeKeyValue, decodeLease, decodeMember } from './etcd-records.js';

type BackendRecord = [Uint8Array, Uint8Array];

function int64Bytes(value: bigint): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigInt64BE(value);
  return out;
}

const convert: { [name: string]: (entries: BoltBucket['entries'], out: BackendRecord[]) => void } = {
  [EtcdBucket.Key]: (entries, out) => {
    for (const [key, value] of entries) {
      const { main, sub, tombstone } = decodeRevision(key);
      const kv = decodeKeyValue(value);
      const record = encodeRecord({
        main,
        sub,
        tombstone,
        key: kv.key.toString('latin1'),
        value: tombstone ? Buffer.alloc(0) : kv.value,
        createRevision: tombstone ? 0 : kv.createRevision,
        version: tombstone ? 0 : kv.version,
        lease: keptLease(tombstone ? 0n : kv.lease),
      });
      out.push([bucketKey(Bucket.Keyspace, revisionKey(main, sub)), record]);
    }
  },
  [EtcdBucket.Lease]: (entries, out) => {
    for (const [, value] of entries) {
      const lease = decodeLease(value);
      out.push([bucketKey(Bucket.Lease, int64Bytes(lease.id)), int64Bytes(BigInt(lease.ttl))]);
    }
  },
  [EtcdBucket.Auth]: (entries, out) => {
    for (const [key, value] of entries) {
      if (key.toString() === AuthKey.Enabled) out.push([BargeAuthKey.enabled, Buffer.of(value[0] === 1 ? 1 : 0)]);
      else if (key.toString() === AuthKey.Revision) out.push([BargeAuthKey.revision, value]);
    }
  },
  [EtcdBucket.AuthUsers]: (entries, out) => {
    for (const [name, value] of entries) out.push([bucketKey(Bucket.Auth, Buffer.concat([Buffer.from(BargeAuthKey.userPrefix), name])), value]);
  },
  [EtcdBucket.AuthRoles]: (entries, out) => {
    for (const [name, value] of entries) out.push([bucketKey(Bucket.Auth, Buffer.concat([Buffer.from(BargeAuthKey.rolePrefix), name])), value]);
  },
  [EtcdBucket.Members]: (entries, out) => {
    for (const [hexId, value] of entries) {
      const { id, name, peerUrls, clientUrls, isLearner } = decodeMember(hexId.toString(), value);
      out.push(memberRecord(id, { name, peerUrls, clientUrls, isLearner }));
    }
  },
  [EtcdBucket.MembersRemoved]: (entries, out) => {
    for (const [hexId] of entries) out.push(memberRecord(BigInt(`0x${hexId.toString()}`), { removed: true }));
  },
  [EtcdBucket.Alarm]: (entries, out) => {
    if (entries.length === 0) return;
    const alarms: BargeAlarmRecord = entries.map(([key]) => decodeAlarm(key)).map((a) => ({ memberId: a.memberId.toString(), alarm: a.alarm }));
    out.push([BargeMetaKey.alarms, Buffer.from(JSON.stringify(alarms))]);
  },
  [EtcdBucket.Meta]: (entries, out) => {
    const value = (name: string): Buffer | undefined => entries.find(([key]) => key.toString() === name)?.[1];
    const consistentIndex = value(MetaKey.ConsistentIndex);
    if (consistentIndex) out.push([BargeMetaKey.consistentIndex, consistentIndex]);
    const compacted = value(MetaKey.ScheduledCompact) ?? value(MetaKey.FinishedCompact);
    if (compacted) out.push([BargeMetaKey.compactRevision, encodeUint(decodeRevision(compacted).main)]);
  },
};

function memberRecord(id: bigint, record: BargeMemberRecord): BackendRecord {
  const key = Buffer.alloc(8);
  key.writeBigUInt64BE(id);
  return [bucketKey(Bucket.Members, key), Buffer.from(JSON.stringify(record))];
}

/** Barge's records for `buckets`; buckets etcd has and Barge does not (cluster version) are skipped. */
export function bargeRecordsOf(buckets: readonly BoltBucket[]): BackendRecord[] {
  const out: BackendRecord[] = [];
  for (const bucket of buckets) convert[bucket.name.toString()]?.(bucket.entries, out);
  return out.sort(([a], [b]) => Buffer.compare(a, b));
}
