// Barge's backend records → the buckets of an etcd 3.4 database holding the same state: the keyspace
// with its history, leases, auth, members, alarms, the compaction revision and the consistent index.
// What only Barge keeps (its member and cluster ids) has no etcd bucket and is left out.

import { decodeRecord } from '../../mvcc/record-codec.js';
import { Bucket, decodeUint } from '../backend.js';
import type { BoltBucket } from '../bbolt/page-layout.js';
import { BargeAuthKey, BargeMetaKey, type BargeAlarmRecord, type BargeMemberRecord } from './barge-state-keys.js';
import {
  ALL_ETCD_BUCKETS,
  AuthKey,
  CLUSTER_VERSION,
  CLUSTER_VERSION_KEY,
  EtcdBucket,
  MetaKey,
  REMOVED_MEMBER_VALUE,
  encodeRevision,
  type EtcdBucketName,
} from './etcd-buckets.js';
import { encodeAlarm, encodeKeyValue, encodeLease, encodeMember } from './etcd-records.js';

type Entries = [Buffer, Buffer][];

export async function etcdBucketsOf(records: AsyncIterable<[Uint8Array, Uint8Array]> | Iterable<[Uint8Array, Uint8Array]>): Promise<BoltBucket[]> {
  const buckets = new Map<EtcdBucketName, Entries>(ALL_ETCD_BUCKETS.map((name) => [name, []]));
  const put = (bucket: EtcdBucketName, key: Buffer | string, value: Buffer | string): void => {
    buckets.get(bucket)!.push([Buffer.from(key), Buffer.from(value)]);
  };
  put(EtcdBucket.Cluster, CLUSTER_VERSION_KEY, CLUSTER_VERSION);
  for await (const [rawKey, rawValue] of records) {
    const key = Buffer.from(rawKey);
    const value = Buffer.from(rawValue);
    const inner = key.subarray(1);
    switch (key[0]) {
      case Bucket.Keyspace: {
        const record = decodeRecord(inner, value);
        const revision = encodeRevision({ main: record.main, sub: record.sub, tombstone: record.tombstone });
        const name = Buffer.from(record.key, 'latin1');
        const kv = record.tombstone
          ? { key: name, createRevision: 0, modRevision: 0, version: 0, value: Buffer.alloc(0), lease: 0n }
          : { key: name, createRevision: record.createRevision, modRevision: record.main, version: record.version, value: Buffer.from(record.value), lease: record.lease };
        put(EtcdBucket.Key, revision, encodeKeyValue(kv));
        break;
      }
      case Bucket.Lease:
        put(EtcdBucket.Lease, inner, encodeLease({ id: inner.readBigInt64BE(), ttl: Number(value.readBigInt64BE()) }));
        break;
      case Bucket.Auth:
        putAuth(put, key, value);
        break;
      case Bucket.Members:
        putMember(put, inner.readBigUInt64BE(), JSON.parse(value.toString('utf8')) as BargeMemberRecord);
        break;
      case Bucket.Meta:
        putMeta(put, key, value);
        break;
    }
  }
  return [...buckets].map(([name, entries]) => ({ name: Buffer.from(name), entries, buckets: [] }));
}

type Put = (bucket: EtcdBucketName, key: Buffer | string, value: Buffer | string) => void;

function putAuth(put: Put, key: Buffer, value: Buffer): void {
  const name = key.subarray(1).toString('utf8');
  if (key.equals(BargeAuthKey.enabled)) put(EtcdBucket.Auth, AuthKey.Enabled, Buffer.of(value[0] === 1 ? 1 : 0));
  else if (key.equals(BargeAuthKey.revision)) put(EtcdBucket.Auth, AuthKey.Revision, value);
  else if (name.startsWith(BargeAuthKey.userPrefix)) put(EtcdBucket.AuthUsers, name.slice(BargeAuthKey.userPrefix.length), value);
  else if (name.startsWith(BargeAuthKey.rolePrefix)) put(EtcdBucket.AuthRoles, name.slice(BargeAuthKey.rolePrefix.length), value);
}

function putMember(put: Put, id: bigint, record: BargeMemberRecord): void {
  if ('removed' in record) put(EtcdBucket.MembersRemoved, id.toString(16), REMOVED_MEMBER_VALUE);
  else put(EtcdBucket.Members, id.toString(16), encodeMember({ id, ...record }));
}

function putMeta(put: Put, key: Buffer, value: Buffer): void {
  // Both keep the consistent index as 8 bytes big-endian.
  if (key.equals(BargeMetaKey.consistentIndex)) {
    put(EtcdBucket.Meta, MetaKey.ConsistentIndex, value);
  } else if (key.equals(BargeMetaKey.compactRevision)) {
    const revision = encodeRevision({ main: decodeUint(value), sub: 0, tombstone: false });
    put(EtcdBucket.Meta, MetaKey.ScheduledCompact, revision);
    put(EtcdBucket.Meta, MetaKey.FinishedCompact, revision);
  } else if (key.equals(BargeMetaKey.alarms)) {
    for (const alarm of JSON.parse(value.toString('utf8')) as BargeAlarmRecord) {
      put(EtcdBucket.Alarm, encodeAlarm({ memberId: BigInt(alarm.memberId), alarm: alarm.alarm }), Buffer.alloc(0));
    }
  }
}
