// The values etcd 3.4 keeps in its buckets, as Barge reads and writes them:
//   key:     mvccpb.KeyValue (1 key, 2 create_revision, 3 mod_revision, 4 version, 5 value, 6 lease);
//            a tombstone holds only the key
//   lease:   leasepb.Lease (1 ID, 2 TTL, 3 RemainingTTL), keyed by the 8-byte big-endian id
//   alarm:   etcdserverpb.AlarmMember (1 memberID, 2 alarm) as the key, an empty value
//   members: the member as Go's encoding/json writes etcd's membership.Member, keyed by the hex id

import { bytesField, decodeFields, encodeFields, intField } from './protobuf-fields.js';

export interface EtcdKeyValue {
  readonly key: Buffer;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
  readonly value: Buffer;
  readonly lease: bigint;
}

export function encodeKeyValue(kv: EtcdKeyValue): Buffer {
  return encodeFields([
    [1, kv.key],
    [2, kv.createRevision],
    [3, kv.modRevision],
    [4, kv.version],
    [5, kv.value],
    [6, kv.lease],
  ]);
}

export function decodeKeyValue(bytes: Uint8Array): EtcdKeyValue {
  const fields = decodeFields(bytes);
  return {
    key: bytesField(fields, 1),
    createRevision: Number(intField(fields, 2)),
    modRevision: Number(intField(fields, 3)),
    version: Number(intField(fields, 4)),
    value: bytesField(fields, 5),
    lease: intField(fields, 6),
  };
}

export interface EtcdLease {
  readonly id: bigint;
  readonly ttl: number;
}

export function encodeLease(lease: EtcdLease): Buffer {
  return encodeFields([
    [1, lease.id],
    [2, lease.ttl],
  ]);
}

export function decodeLease(bytes: Uint8Array): EtcdLease {
  const fields = decodeFields(bytes);
  return { id: intField(fields, 1), ttl: Number(intField(fields, 2)) };
}

export interface EtcdAlarm {
  readonly memberId: bigint;
  readonly alarm: number;
}

export function encodeAlarm(alarm: EtcdAlarm): Buffer {
  return encodeFields([
    [1, alarm.memberId],
    [2, alarm.alarm],
  ]);
}

export function decodeAlarm(bytes: Uint8Array): EtcdAlarm {
  const fields = decodeFields(bytes);
  // memberID is a uint64: the varint read as signed wraps above 2^63.
  return { memberId: BigInt.asUintN(64, intField(fields, 1)), alarm: Number(intField(fields, 2)) };
}

export interface EtcdMember {
  readonly id: bigint;
  readonly name: string;
  readonly peerUrls: readonly string[];
  readonly clientUrls: readonly string[];
  readonly isLearner: boolean;
}

/** Field order and omitempty as etcd's Member struct (id, RaftAttributes, Attributes). */
export function encodeMember(member: EtcdMember): Buffer {
  let json = `{"id":${member.id},"peerURLs":${JSON.stringify(member.peerUrls)}`;
  if (member.isLearner) json += ',"isLearner":true';
  if (member.name !== '') json += `,"name":${JSON.stringify(member.name)}`;
  if (member.clientUrls.length > 0) json += `,"clientURLs":${JSON.stringify(member.clientUrls)}`;
  return Buffer.from(`${json}}`);
}

/** The id comes from the bucket key: JSON numbers above 2^53 lose precision. */
export function decodeMember(hexId: string, bytes: Uint8Array): EtcdMember {
  const parsed = JSON.parse(Buffer.from(bytes).toString('utf8')) as { peerURLs?: string[]; isLearner?: boolean; name?: string; clientURLs?: string[] };
  return { id: BigInt(`0x${hexId}`), name: parsed.name ?? '', peerUrls: parsed.peerURLs ?? [], clientUrls: parsed.clientURLs ?? [], isLearner: parsed.isLearner === true };
}
