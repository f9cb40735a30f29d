// The requests a committed entry carries (bargepb.InternalRequest), decoded from the wire once into a
// discriminated union that the applier switches on, so nothing past here handles protobuf objects.

import type { AlarmType } from './state-machine.js';
import type { DeleteRangeRequest, PutRequest, TxnRequest } from '../mvcc/index.js';
import type { PermissionType } from '../auth/index.js';
import { EMPTY_BYTES } from '../raft/index.js';
import { deleteRangeRequestFromPb, putRequestFromPb, toBigInt, toNumber, toUint64, txnRequestFromPb, uint64, type Pb } from '../wire/convert.js';
import { messageType } from '../wire/proto.js';

const InternalRequestType = messageType('bargepb.InternalRequest');

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
  | { readonly kind: 'lease_revoke'; readonly id: bigint };

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

export function decodeInternalRequest(data: Uint8Array): InternalRequest {
  const pb = InternalRequestType.decode(data) as Pb;
  const auth = pb.auth ? { username: String(pb.auth.username ?? ''), revision: toNumber(pb.auth.revision) } : undefined;
  return { id: toUint64(pb.id), auth, body: bodyFromPb(pb) };
}

/** Encodes a proposal: `body` is the InternalRequest message without its id. */
export function encodeInternalRequest(id: bigint, body: Pb): Uint8Array {
  return InternalRequestType.encode({ ...body, id: uint64(id) }).finish();
}

/** A write request body (put, delete range, txn) as the mvcc layer takes it, for checks before proposing. */
export function kvRequestFromPb(body: Pb): KvRequest | undefined {
  if (body.put) return { kind: 'put', put: putRequestFromPb(body.put) };
  if (body.delete_range) return { kind: 'delete_range', deleteRange: deleteRangeRequestFromPb(body.delete_range) };
  if (body.txn) return { kind: 'txn', txn: txnRequestFromPb(body.txn) };
  return undefined;
}

function memberFromPb(m: Pb): MemberAttributes {
  return { id: toUint64(m.id), name: String(m.name ?? ''), peerUrls: [...(m.peer_urls ?? [])], clientUrls: [...(m.client_urls ?? [])] };
}

/** A decoded bytes field as a Uint8Array (protobufjs leaves an unset one as an empty array). */
function bytesOf(value: Uint8Array | number[] | null | undefined): Uint8Array {
  if (value instanceof Uint8Array) return value;
  return value && value.length > 0 ? Uint8Array.from(value) : EMPTY_BYTES;
}

function bodyFromPb(pb: Pb): RequestBody {
  const name = String(pb.request ?? '');
  const r: Pb = pb[name] ?? {};
  switch (name) {
    case 'put':
      return { kind: 'put', put: putRequestFromPb(r) };
    case 'delete_range':
      return { kind: 'delete_range', deleteRange: deleteRangeRequestFromPb(r) };
    case 'txn':
      return { kind: 'txn', txn: txnRequestFromPb(r) };
    case 'compaction':
      return { kind: 'compaction', revision: toNumber(r.revision) };
    case 'lease_grant':
      return { kind: 'lease_grant', id: toBigInt(r.ID), ttl: toNumber(r.TTL) };
    case 'lease_revoke':
      return { kind: 'lease_revoke', id: toBigInt(r.ID) };
    case 'publish':
    case 'update_member':
      return { kind: name, member: memberFromPb(r) };
    case 'alarm':
      return { kind: 'alarm', action: (r.action ?? 0) as AlarmAction, memberId: toUint64(r.memberID), alarm: (r.alarm ?? 0) as AlarmType };
    case 'auth_enable':
    case 'auth_disable':
      return { kind: name };
    case 'authenticate':
      return { kind: 'authenticate', name: String(r.name ?? ''), simpleToken: String(r.simple_token ?? '') };
    case 'user_add':
      return { kind: 'user_add', name: String(r.name ?? ''), hashedPassword: String(r.hashedPassword ?? ''), noPassword: r.options?.no_password === true };
    case 'user_delete':
      return { kind: 'user_delete', name: String(r.name ?? '') };
    case 'user_change_password':
      return { kind: 'user_change_password', name: String(r.name ?? ''), hashedPassword: String(r.hashedPassword ?? '') };
    case 'user_grant_role':
      return { kind: 'user_grant_role', user: String(r.user ?? ''), role: String(r.role ?? '') };
    case 'user_revoke_role':
      return { kind: 'user_revoke_role', name: String(r.name ?? ''), role: String(r.role ?? '') };
    case 'role_add':
      return { kind: 'role_add', name: String(r.name ?? '') };
    case 'role_delete':
      return { kind: 'role_delete', role: String(r.role ?? '') };
    case 'role_grant_permission': {
      const perm: Pb = r.perm ?? {};
      return {
        kind: 'role_grant_permission',
        name: String(r.name ?? ''),
        permType: (perm.permType ?? 0) as PermissionType,
        key: bytesOf(perm.key),
        rangeEnd: bytesOf(perm.range_end),
      };
    }
    case 'role_revoke_permission':
      return { kind: 'role_revoke_permission', role: String(r.role ?? ''), key: bytesOf(r.key), rangeEnd: bytesOf(r.range_end) };
    default:
      return { kind: 'unknown', name: name || '(none)' };
  }
}
