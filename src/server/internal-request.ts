// The requests a committed entry carries (bargepb.InternalRequest), decoded from the wire once into a
// discriminated union that the applier switches on, so nothing past here handles protobuf objects.

import type { AlarmType } from './state-machine.js';
import type { DeleteRangeRequest, PutRequest, TxnRequest } from '../mvcc/index.js';
import type { PermissionType } from '../auth/index.js';
import { deleteRangeRequestFromPb, putRequestFromPb, toBigInt, toNumber, toUint64, txnRequestFromPb, uint64 } from '../wire/convert.js';
import type * as pb from '../wire/messages.js';
import { messageType } from '../wire/proto.js';
import { FieldReader } from './field-reader.js';
import { uint64VarintLength, varintLength, writeUint64Varint, writeVarint } from '../shared/varint.js';

const InternalRequestType = messageType('bargepb.InternalRequest');
const NO_BYTES = Buffer.alloc(0);

export interface MemberAttributes {
  readonly id: bigint;
  readonly name: string;
  readonly peerUrls: readonly string[];
  readonly clientUrls: readonly string[];
}

/** etcd's AlarmRequest actions. */
export enum AlarmAction {
  Get = 0,
  Activate = 1,
  Deactivate = 2,
}

export type KvRequest =
  | { readonly kind: 'put'; readonly put: PutRequest }
  | { readonly kind: 'delete_range'; readonly deleteRange: DeleteRangeRequest }
  | { readonly kind: 'txn'; readonly txn: TxnRequest }
  | { readonly kind: 'compaction'; readonly revision: number };

export type LeaseRequest =
  | { readonly kind: 'lease_grant'; readonly id: bigint; readonly ttl: number }
  | { readonly kind: 'lease_revoke'; readonly id: bigint }
  | { readonly kind: 'lease_checkpoint'; readonly checkpoints: readonly { readonly id: bigint; readonly remainingTtl: number }[] };

export type ClusterRequest =
  | { readonly kind: 'publish'; readonly member: MemberAttributes }
  | { readonly kind: 'update_member'; readonly member: MemberAttributes }
  | { readonly kind: 'alarm'; readonly action: AlarmAction; readonly memberId: bigint; readonly alarm: AlarmType };

export type AuthRequest =
  | { readonly kind: 'auth_enable' }
  | { readonly kind: 'auth_disable' }
  | { readonly kind: 'authenticate'; readonly name: string; readonly simpleToken: string }
  | { readonly kind: 'user_add'; readonly name: string; readonly hashedPassword: string; readonly noPassword: boolean }
  | { readonly kind: 'user_delete'; readonly name: string }
  | { readonly kind: 'user_change_password'; readonly name: string; readonly hashedPassword: string }
  | { readonly kind: 'user_grant_role'; readonly user: string; readonly role: string }
  | { readonly kind: 'user_revoke_role'; readonly name: string; readonly role: string }
  | { readonly kind: 'role_add'; readonly name: string }
  | { readonly kind: 'role_delete'; readonly role: string }
  | { readonly kind: 'role_grant_permission'; readonly name: string; readonly permType: PermissionType; readonly key: Uint8Array; readonly rangeEnd: Uint8Array }
  | { readonly kind: 'role_revoke_permission'; readonly role: string; readonly key: Uint8Array; readonly rangeEnd: Uint8Array };

/** A oneof this member does not know (none set, or a newer member's): applying it is fatal. */
export interface UnknownRequest {
  readonly kind: 'unknown';
  readonly name: string;
}

export type RequestBody = KvRequest | LeaseRequest | ClusterRequest | AuthRequest | UnknownRequest;

export interface InternalRequest {
  readonly id: bigint;
  /** Who proposed it, checked against the auth state as of the entry; absent for the member's own work. */
  readonly auth?: { readonly username: string; readonly revision: number };
  readonly body: RequestBody;
}

const AUTH_KINDS: ReadonlySet<string> = new Set([
  'auth_enable',
  'auth_disable',
  'authenticate',
  'user_add',
  'user_delete',
  'user_change_password',
  'user_grant_role',
  'user_revoke_role',
  'role_add',
  'role_delete',
  'role_grant_permission',
  'role_revoke_permission',
]);

export function isAuthRequest(body: RequestBody): body is AuthRequest {
  return AUTH_KINDS.has(body.kind);
}

/** Decodes an entry's request: a put field by field (see decodePut), anything else through protobufjs. */
export function decodeInternalRequest(data: Uint8Array): InternalRequest {
  try {
    const put = decodePut(data);
    if (put) return put;
  } catch {
    // Not a well-formed put: protobufjs decodes it, or says what is wrong with it.
  }
  return decodeWithProtobufjs(data);
}

// Wire tags, (field number << 3) | wire type (0 varint, 2 bytes), of bargepb.InternalRequest's id, put and
// auth, and of the fields of etcdserverpb.PutRequest and bargepb.AuthHeader.
const REQUEST_ID = (1 << 3) | 0;
const REQUEST_PUT = (2 << 3) | 2;
const REQUEST_AUTH = (30 << 3) | 2;
/** The oneof's requests are fields 2 to 23. */
const LAST_REQUEST_FIELD = 23;
const PUT_KEY = (1 << 3) | 2;
const PUT_VALUE = (2 << 3) | 2;
const PUT_LEASE = (3 << 3) | 0;
const PUT_PREV_KV = (4 << 3) | 0;
const PUT_IGNORE_VALUE = (5 << 3) | 0;
const PUT_IGNORE_LEASE = (6 << 3) | 0;
const AUTH_USERNAME = (1 << 3) | 2;
const AUTH_REVISION = (2 << 3) | 0;

/**
 * A put request read field by field, the request nearly every entry carries, which every member decodes
 * as it applies: protobufjs built three objects and three Longs for it, converted again after. Undefined
 * when the entry carries another request. Unknown fields are skipped, as protobufjs skips them.
 */
function decodePut(data: Uint8Array): InternalRequest | undefined {
  const r = new FieldReader(data, 0, data.length);
  let id = 0n;
  let put: PutRequest | undefined;
  let auth: InternalRequest['auth'];
  while (r.more()) {
    const tag = r.uint();
    if (tag === REQUEST_ID) id = r.uint64();
    else if (tag === REQUEST_PUT) put = readPut(r.nested(r.length()));
    else if (tag === REQUEST_AUTH) auth = readAuth(r.nested(r.length()));
    else if (tag >>> 3 <= LAST_REQUEST_FIELD || tag >>> 3 === 30) return undefined;
    else r.skip(tag);
  }
  return put ? { id, auth, body: { kind: 'put', put } } : undefined;
}

function readPut(r: FieldReader): PutRequest {
  let key: Uint8Array = NO_BYTES;
  let value: Uint8Array = NO_BYTES;
  let lease = 0n;
  let prevKv = false;
  let ignoreValue = false;
  let ignoreLease = false;
  while (r.more()) {
    const tag = r.uint();
    if (tag === PUT_KEY) key = r.bytesField();
    else if (tag === PUT_VALUE) value = r.bytesField();
    else if (tag === PUT_LEASE) lease = r.int64();
    else if (tag === PUT_PREV_KV) prevKv = r.uint() !== 0;
    else if (tag === PUT_IGNORE_VALUE) ignoreValue = r.uint() !== 0;
    else if (tag === PUT_IGNORE_LEASE) ignoreLease = r.uint() !== 0;
    else r.skip(tag);
  }
  return { key, value, lease, prevKv, ignoreValue, ignoreLease };
}

function readAuth(r: FieldReader): { username: string; revision: number } {
  let username = '';
  let revision = 0;
  while (r.more()) {
    const tag = r.uint();
    if (tag === AUTH_USERNAME) username = r.text();
    else if (tag === AUTH_REVISION) revision = r.uint();
    else r.skip(tag);
  }
  return { username, revision };
}

/** Exported for tests: the reference decoding the put path is held to. */
export function decodeWithProtobufjs(data: Uint8Array): InternalRequest {
  const decoded = InternalRequestType.decode(data);
  const auth = decoded.auth ? { username: decoded.auth.username, revision: toNumber(decoded.auth.revision) } : undefined;
  return { id: toUint64(decoded.id), auth, body: bodyFromPb(decoded) };
}

/** What a proposal carries: one request of bargepb.InternalRequest's oneof, and who sent it; the proposer adds the id. */
export type Proposal = Omit<pb.InternalRequestInit, 'id'>;

/** Encodes a proposal (one request of the oneof, and who sent it) under its id. */
export function encodeInternalRequest(id: bigint, body: Proposal): Uint8Array {
  return body.put ? encodePut(id, body.put, body.auth) : encodeWithProtobufjs(id, body);
}

/** Exported for tests: the reference encoding the put path's decodes the same as. */
export function encodeWithProtobufjs(id: bigint, body: Proposal): Uint8Array {
  return InternalRequestType.encode({ ...body, id: uint64(id) }).finish();
}

/**
 * A put written field by field into one buffer sized first: protobufjs's writer made an object per field
 * and per nested message, and copied the result. Fields at their proto3 default are left out, as
 * protobufjs leaves out those a decoded request does not carry; the auth header is there whenever the
 * caller gave one, even empty, as protobufjs writes it.
 */
function encodePut(id: bigint, put: pb.PutRequestInit, auth: pb.AuthHeaderInit | null | undefined): Uint8Array {
  const key = put.key ?? NO_BYTES;
  const value = put.value ?? NO_BYTES;
  const lease = put.lease == null ? 0n : toBigInt(put.lease);
  const putLength =
    bytesFieldLength(key) +
    bytesFieldLength(value) +
    (lease === 0n ? 0 : 1 + uint64VarintLength(lease)) +
    (put.prev_kv ? 2 : 0) +
    (put.ignore_value ? 2 : 0) +
    (put.ignore_lease ? 2 : 0);
  const username = auth?.username ?? '';
  const usernameLength = Buffer.byteLength(username, 'utf8');
  const revision = auth?.revision == null ? 0n : toBigInt(auth.revision);
  const authLength = (usernameLength === 0 ? 0 : 1 + varintLength(usernameLength) + usernameLength) + (revision === 0n ? 0 : 1 + uint64VarintLength(revision));
  const out = Buffer.allocUnsafe(
    1 + uint64VarintLength(id) + 1 + varintLength(putLength) + putLength + (auth ? varintLength(REQUEST_AUTH) + varintLength(authLength) + authLength : 0),
  );
  out[0] = REQUEST_ID;
  let at = writeUint64Varint(out, 1, id);
  out[at++] = REQUEST_PUT;
  at = writeVarint(out, at, putLength);
  at = writeBytesField(out, at, PUT_KEY, key);
  at = writeBytesField(out, at, PUT_VALUE, value);
  if (lease !== 0n) {
    out[at++] = PUT_LEASE;
    at = writeUint64Varint(out, at, lease);
  }
  if (put.prev_kv) {
    out[at++] = PUT_PREV_KV;
    out[at++] = 1;
  }
  if (put.ignore_value) {
    out[at++] = PUT_IGNORE_VALUE;
    out[at++] = 1;
  }
  if (put.ignore_lease) {
    out[at++] = PUT_IGNORE_LEASE;
    out[at++] = 1;
  }
  if (!auth) return out;
  at = writeVarint(out, writeVarint(out, at, REQUEST_AUTH), authLength);
  if (usernameLength > 0) {
    out[at++] = AUTH_USERNAME;
    at = writeVarint(out, at, usernameLength);
    at += out.write(username, at, 'utf8');
  }
  if (revision !== 0n) {
    out[at++] = AUTH_REVISION;
    writeUint64Varint(out, at, revision);
  }
  return out;
}

function bytesFieldLength(bytes: Uint8Array): number {
  return bytes.length === 0 ? 0 : 1 + varintLength(bytes.length) + bytes.length;
}

function writeBytesField(out: Buffer, at: number, tag: number, bytes: Uint8Array): number {
  if (bytes.length === 0) return at;
  out[at] = tag;
  const start = writeVarint(out, at + 1, bytes.length);
  out.set(bytes, start);
  return start + bytes.length;
}

/** A KV write as the API received it. */
export type KvWrite = { readonly put: pb.PutRequest } | { readonly delete_range: pb.DeleteRangeRequest } | { readonly txn: pb.TxnRequest };

/** A write request body (put, delete range, txn) as the mvcc layer takes it, for checks before proposing. */
export function kvRequestFromPb(body: KvWrite): KvRequest {
  if ('put' in body) return { kind: 'put', put: putRequestFromPb(body.put) };
  if ('delete_range' in body) return { kind: 'delete_range', deleteRange: deleteRangeRequestFromPb(body.delete_range) };
  return { kind: 'txn', txn: txnRequestFromPb(body.txn) };
}

function memberFromPb(m: pb.MemberAttributes): MemberAttributes {
  return { id: toUint64(m.id), name: m.name, peerUrls: [...m.peer_urls], clientUrls: [...m.client_urls] };
}

function bodyFromPb(decoded: pb.InternalRequest): RequestBody {
  // `request` names the oneof member that is set (its field is then non-null).
  const name = decoded.request;
  switch (name) {
    case 'put':
      return { kind: 'put', put: putRequestFromPb(decoded.put!) };
    case 'delete_range':
      return { kind: 'delete_range', deleteRange: deleteRangeRequestFromPb(decoded.delete_range!) };
    case 'txn':
      return { kind: 'txn', txn: txnRequestFromPb(decoded.txn!) };
    case 'compaction':
      return { kind: 'compaction', revision: toNumber(decoded.compaction!.revision) };
    case 'lease_grant':
      return { kind: 'lease_grant', id: toBigInt(decoded.lease_grant!.ID), ttl: toNumber(decoded.lease_grant!.TTL) };
    case 'lease_revoke':
      return { kind: 'lease_revoke', id: toBigInt(decoded.lease_revoke!.ID) };
    case 'lease_checkpoint':
      return { kind: 'lease_checkpoint', checkpoints: decoded.lease_checkpoint!.checkpoints.map((c) => ({ id: toBigInt(c.ID), remainingTtl: toNumber(c.remaining_TTL) })) };
    case 'publish':
    case 'update_member':
      return { kind: name, member: memberFromPb(decoded[name]!) };
    case 'alarm': {
      const alarm = decoded.alarm!;
      return { kind: 'alarm', action: alarm.action as AlarmAction, memberId: toUint64(alarm.memberID), alarm: alarm.alarm as AlarmType };
    }
    case 'auth_enable':
    case 'auth_disable':
      return { kind: name };
    case 'authenticate':
      return { kind: 'authenticate', name: decoded.authenticate!.name, simpleToken: decoded.authenticate!.simple_token };
    case 'user_add': {
      const add = decoded.user_add!;
      return { kind: 'user_add', name: add.name, hashedPassword: add.hashedPassword, noPassword: add.options?.no_password === true };
    }
    case 'user_delete':
      return { kind: 'user_delete', name: decoded.user_delete!.name };
    case 'user_change_password':
      return { kind: 'user_change_password', name: decoded.user_change_password!.name, hashedPassword: decoded.user_change_password!.hashedPassword };
    case 'user_grant_role':
      return { kind: 'user_grant_role', user: decoded.user_grant_role!.user, role: decoded.user_grant_role!.role };
    case 'user_revoke_role':
      return { kind: 'user_revoke_role', name: decoded.user_revoke_role!.name, role: decoded.user_revoke_role!.role };
    case 'role_add':
      return { kind: 'role_add', name: decoded.role_add!.name };
    case 'role_delete':
      return { kind: 'role_delete', role: decoded.role_delete!.role };
    case 'role_grant_permission': {
      const grant = decoded.role_grant_permission!;
      const perm = grant.perm;
      return {
        kind: 'role_grant_permission',
        name: grant.name,
        permType: (perm?.permType ?? 0) as PermissionType,
        key: perm?.key ?? NO_BYTES,
        rangeEnd: perm?.range_end ?? NO_BYTES,
      };
    }
    case 'role_revoke_permission': {
      const revoke = decoded.role_revoke_permission!;
      return { kind: 'role_revoke_permission', role: revoke.role, key: revoke.key, rangeEnd: revoke.range_end };
    }
    default:
      // None set, or one only a newer member knows (decoding skips its field).
      return { kind: 'unknown', name: '(none)' };
  }
}
