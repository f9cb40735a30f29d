// What every etcdctl output format (-w simple|json|fields|table) answers to: one method per response
// bargectl prints. A format prints what etcdctl's does (printers-<format>.ts); a response a format cannot
// show fails as etcdctl's does (exit 4), which is what the base class does for each.

import type * as pb from '../../wire/messages.js';
import { ExitCode, fail } from './errors.js';

export interface EndpointHealth {
  readonly ep: string;
  readonly health: boolean;
  readonly took: string;
  readonly error: string;
}

export interface EndpointResult<Response> {
  readonly ep: string;
  readonly resp: Response;
}

/** Everything printed to stdout goes through here, so raw bytes stay raw. */
export function out(chunk: string | Uint8Array): void {
  process.stdout.write(chunk);
}

/** etcd's Event.EventType and AlarmType names, by number. */
export const EVENT_TYPES = ['PUT', 'DELETE'];
export const ALARM_TYPES = ['NONE', 'NOSPACE', 'CORRUPT'];

export abstract class Display {
  constructor(readonly format: string) {}

  protected unsupported(): never {
    fail(ExitCode.BadFeature, `${this.format} not supported as output format`);
  }

  put(_r: pb.PutResponse): void { this.unsupported(); }
  get(_r: pb.RangeResponse): void { this.unsupported(); }
  del(_r: pb.DeleteRangeResponse): void { this.unsupported(); }
  txn(_r: pb.TxnResponse): void { this.unsupported(); }
  watch(_r: pb.WatchResponse): void { this.unsupported(); }
  grant(_r: pb.LeaseGrantResponse): void { this.unsupported(); }
  revoke(_id: bigint, _r: pb.LeaseRevokeResponse): void { this.unsupported(); }
  keepAlive(_r: pb.LeaseKeepAliveResponse): void { this.unsupported(); }
  timeToLive(_r: pb.LeaseTimeToLiveResponse, _keys: boolean): void { this.unsupported(); }
  leases(_r: pb.LeaseLeasesResponse): void { this.unsupported(); }
  memberAdd(_r: pb.MemberAddResponse): void { this.unsupported(); }
  memberRemove(_id: bigint, _r: pb.MemberRemoveResponse): void { this.unsupported(); }
  memberUpdate(_id: bigint, _r: pb.MemberUpdateResponse): void { this.unsupported(); }
  memberPromote(_id: bigint, _r: pb.MemberPromoteResponse): void { this.unsupported(); }
  memberList(_r: pb.MemberListResponse): void { this.unsupported(); }
  endpointHealth(_list: readonly EndpointHealth[]): void { this.unsupported(); }
  endpointStatus(_list: readonly EndpointResult<pb.StatusResponse>[]): void { this.unsupported(); }
  endpointHashKV(_list: readonly EndpointResult<pb.HashKVResponse>[]): void { this.unsupported(); }
  moveLeader(_leader: bigint, _target: bigint, _r: pb.MoveLeaderResponse): void { this.unsupported(); }
  alarm(_r: pb.AlarmResponse): void { this.unsupported(); }
  roleAdd(_role: string, _r: pb.AuthRoleAddResponse): void { this.unsupported(); }
  roleGet(_role: string, _r: pb.AuthRoleGetResponse): void { this.unsupported(); }
  roleDelete(_role: string, _r: pb.AuthRoleDeleteResponse): void { this.unsupported(); }
  roleList(_r: pb.AuthRoleListResponse): void { this.unsupported(); }
  roleGrantPermission(_role: string, _r: pb.AuthRoleGrantPermissionResponse): void { this.unsupported(); }
  roleRevokePermission(_role: string, _key: Buffer, _end: Buffer, _r: pb.AuthRoleRevokePermissionResponse): void { this.unsupported(); }
  userAdd(_user: string, _r: pb.AuthUserAddResponse): void { this.unsupported(); }
  userGet(_user: string, _r: pb.AuthUserGetResponse): void { this.unsupported(); }
  userList(_r: pb.AuthUserListResponse): void { this.unsupported(); }
  userChangePassword(_r: pb.AuthUserChangePasswordResponse): void { this.unsupported(); }
  userGrantRole(_user: string, _role: string, _r: pb.AuthUserGrantRoleResponse): void { this.unsupported(); }
  userRevokeRole(_user: string, _role: string, _r: pb.AuthUserRevokeRoleResponse): void { this.unsupported(); }
  userDelete(_user: string, _r: pb.AuthUserDeleteResponse): void { this.unsupported(); }
}
