// etcdctl's -w json: Go's encoding/json of the client's structs. Protobuf messages carry `omitempty` on
// every field, 64-bit integers print as numbers, bytes as base64; the client's own wrappers differ
// (lease responses inline the header, watch responses use Go field names and keep zero values).

import type * as pb from '../../wire/messages.js';
import type { Int64 } from '../../wire/convert.js';
import { jsonString } from '../../shared/go-strings.js';
import { int64Text } from './gofmt.js';

type Field = readonly [string, string | undefined];

/** A JSON object from already-encoded values; undefined values are left out. */
export function obj(fields: readonly Field[]): string {
  return `{${fields.filter(([, v]) => v !== undefined).map(([k, v]) => `${jsonString(k)}:${v}`).join(',')}}`;
}

export function arr(items: readonly string[]): string {
  return `[${items.join(',')}]`;
}

/** An integer field; with omitEmpty, left out when zero. */
export function int(value: Int64, omitEmpty = true): string | undefined {
  const text = int64Text(value);
  return omitEmpty && text === '0' ? undefined : text;
}

export function bool(value: unknown, omitEmpty = true): string | undefined {
  return omitEmpty && !value ? undefined : String(Boolean(value));
}

export function str(value: string | null | undefined, omitEmpty = true): string | undefined {
  return omitEmpty && !value ? undefined : jsonString(value ?? '');
}

export function bytes(value: Uint8Array | null | undefined, omitEmpty = true): string | undefined {
  if (omitEmpty && (!value || value.length === 0)) return undefined;
  return jsonString(Buffer.from(value ?? []).toString('base64'));
}

/** A repeated protobuf field (omitempty: left out when empty). */
export function list<T>(items: readonly T[] | null | undefined, encode: (item: T) => string): string | undefined {
  return items && items.length > 0 ? arr(items.map(encode)) : undefined;
}

export function headerFields(h: pb.ResponseHeader | null | undefined): Field[] {
  if (!h) return [];
  return [
    ['cluster_id', int(h.cluster_id)],
    ['member_id', int(h.member_id)],
    ['revision', int(h.revision)],
    ['raft_term', int(h.raft_term)],
  ];
}

export function header(h: pb.ResponseHeader | null | undefined): string | undefined {
  return h ? obj(headerFields(h)) : undefined;
}

export function keyValue(kv: pb.KeyValue): string {
  return obj([
    ['key', bytes(kv.key)],
    ['create_revision', int(kv.create_revision)],
    ['mod_revision', int(kv.mod_revision)],
    ['version', int(kv.version)],
    ['value', bytes(kv.value)],
    ['lease', int(kv.lease)],
  ]);
}

function optionalKv(kv: pb.KeyValue | null | undefined): string | undefined {
  return kv ? keyValue(kv) : undefined;
}

export function rangeResponse(r: pb.RangeResponse): string {
  return obj([['header', header(r.header)], ['kvs', list(r.kvs, keyValue)], ['more', bool(r.more)], ['count', int(r.count)]]);
}

export function putResponse(r: pb.PutResponse): string {
  return obj([['header', header(r.header)], ['prev_kv', optionalKv(r.prev_kv)]]);
}

export function deleteResponse(r: pb.DeleteRangeResponse): string {
  return obj([['header', header(r.header)], ['deleted', int(r.deleted)], ['prev_kvs', list(r.prev_kvs, keyValue)]]);
}

function responseOp(op: pb.ResponseOp): string {
  let inner: string | undefined;
  if (op.response_range) inner = obj([['ResponseRange', rangeResponse(op.response_range)]]);
  else if (op.response_put) inner = obj([['ResponsePut', putResponse(op.response_put)]]);
  else if (op.response_delete_range) inner = obj([['ResponseDeleteRange', deleteResponse(op.response_delete_range)]]);
  else if (op.response_txn) inner = obj([['ResponseTxn', txnResponse(op.response_txn)]]);
  return obj([['Response', inner]]);
}

export function txnResponse(r: pb.TxnResponse): string {
  return obj([['header', header(r.header)], ['succeeded', bool(r.succeeded)], ['responses', list(r.responses, responseOp)]]);
}

export function event(e: pb.Event): string {
  return obj([['type', int(e.type)], ['kv', optionalKv(e.kv)], ['prev_kv', optionalKv(e.prev_kv)]]);
}

export function member(m: pb.Member): string {
  const strings = (xs: readonly string[]) => list(xs, (x) => jsonString(x));
  return obj([
    ['ID', int(m.ID)],
    ['name', str(m.name)],
    ['peerURLs', strings(m.peerURLs)],
    ['clientURLs', strings(m.clientURLs)],
    ['isLearner', bool(m.isLearner)],
  ]);
}

/** MemberList/Add/Remove/Update/Promote responses. */
export type MemberResponse = Pick<pb.MemberAddResponse, 'header' | 'members'> & { readonly member?: pb.Member | null };

export function memberResponse(r: MemberResponse): string {
  return obj([['header', header(r.header)], ['member', r.member ? member(r.member) : undefined], ['members', list(r.members, member)]]);
}

export function statusResponse(r: pb.StatusResponse): string {
  return obj([
    ['header', header(r.header)],
    ['version', str(r.version)],
    ['dbSize', int(r.dbSize)],
    ['leader', int(r.leader)],
    ['raftIndex', int(r.raftIndex)],
    ['raftTerm', int(r.raftTerm)],
    ['raftAppliedIndex', int(r.raftAppliedIndex)],
    ['errors', list(r.errors, (x) => jsonString(x))],
    ['dbSizeInUse', int(r.dbSizeInUse)],
    ['isLearner', bool(r.isLearner)],
  ]);
}

export function hashKVResponse(r: pb.HashKVResponse): string {
  return obj([['header', header(r.header)], ['hash', int(r.hash)], ['compact_revision', int(r.compact_revision)]]);
}

export function alarmResponse(r: pb.AlarmResponse): string {
  const alarm = (a: pb.AlarmMember) => obj([['memberID', int(a.memberID)], ['alarm', int(a.alarm)]]);
  return obj([['header', header(r.header)], ['alarms', list(r.alarms, alarm)]]);
}

/** Responses that are just a header (LeaseRevoke, MoveLeader, ...). */
export function headerOnly(r: { readonly header: pb.ResponseHeader | null }): string {
  return obj([['header', header(r.header)]]);
}

function permission(p: pb.Permission): string {
  return obj([['permType', int(p.permType)], ['key', bytes(p.key)], ['range_end', bytes(p.range_end)]]);
}

export function roleGetResponse(r: pb.AuthRoleGetResponse): string {
  return obj([['header', header(r.header)], ['perm', list(r.perm, permission)]]);
}

/** UserGet's roles, UserList's users, RoleList's roles. */
export function namesResponse(r: { readonly header: pb.ResponseHeader | null }, field: 'roles' | 'users', names: readonly string[]): string {
  return obj([['header', header(r.header)], [field, list(names, (x) => jsonString(x))]]);
}
