// etcdctl -w json: each response as one line of the JSON Go's encoder makes of it (json.ts).

import type * as pb from '../../wire/messages.js';
import * as J from './json.js';
import { Display, out, type EndpointHealth, type EndpointResult } from './printers.js';

function jsonLine(text: string): void {
  out(`${text}\n`);
}

export class JsonDisplay extends Display {
  constructor() {
    super('json');
  }

  override put(r: pb.PutResponse): void { jsonLine(J.putResponse(r)); }
  override get(r: pb.RangeResponse): void { jsonLine(J.rangeResponse(r)); }
  override del(r: pb.DeleteRangeResponse): void { jsonLine(J.deleteResponse(r)); }
  override txn(r: pb.TxnResponse): void { jsonLine(J.txnResponse(r)); }

  override watch(r: pb.WatchResponse): void {
    const events = r.events;
    jsonLine(J.obj([
      ['Header', J.obj(J.headerFields(r.header))],
      ['Events', J.arr(events.map(J.event))],
      ['CompactRevision', J.int(r.compact_revision, false)],
      ['Canceled', J.bool(r.canceled, false)],
      ['Created', J.bool(r.created, false)],
    ]));
  }

  override grant(r: pb.LeaseGrantResponse): void {
    jsonLine(J.obj([...J.headerFields(r.header), ['ID', J.int(r.ID, false)], ['TTL', J.int(r.TTL, false)], ['Error', J.str(r.error, false)]]));
  }

  override revoke(_id: bigint, r: pb.LeaseRevokeResponse): void { jsonLine(J.headerOnly(r)); }

  override keepAlive(r: pb.LeaseKeepAliveResponse): void {
    jsonLine(J.obj([...J.headerFields(r.header), ['ID', J.int(r.ID, false)], ['TTL', J.int(r.TTL, false)]]));
  }

  override timeToLive(r: pb.LeaseTimeToLiveResponse): void {
    const keys = (r.keys ?? []) as Uint8Array[];
    jsonLine(J.obj([
      ...J.headerFields(r.header),
      ['id', J.int(r.ID, false)],
      ['ttl', J.int(r.TTL, false)],
      ['granted-ttl', J.int(r.grantedTTL, false)],
      ['keys', keys.length === 0 ? 'null' : J.arr(keys.map((k) => J.bytes(k, false)!))],
    ]));
  }

  override leases(r: pb.LeaseLeasesResponse): void {
    const leases = r.leases.map((l) => J.obj([['id', J.int(l.ID, false)]]));
    jsonLine(J.obj([...J.headerFields(r.header), ['leases', J.arr(leases)]]));
  }

  override memberAdd(r: pb.MemberAddResponse): void { jsonLine(J.memberResponse(r)); }
  override memberRemove(_id: bigint, r: pb.MemberRemoveResponse): void { jsonLine(J.memberResponse(r)); }
  override memberUpdate(_id: bigint, r: pb.MemberUpdateResponse): void { jsonLine(J.memberResponse(r)); }
  override memberPromote(_id: bigint, r: pb.MemberPromoteResponse): void { jsonLine(J.memberResponse(r)); }
  override memberList(r: pb.MemberListResponse): void { jsonLine(J.memberResponse(r)); }

  override endpointHealth(list: readonly EndpointHealth[]): void {
    jsonLine(J.arr(list.map((h) => J.obj([['endpoint', J.str(h.ep, false)], ['health', J.bool(h.health, false)], ['took', J.str(h.took, false)], ['error', J.str(h.error)]]))));
  }

  override endpointStatus(list: readonly EndpointResult<pb.StatusResponse>[]): void {
    jsonLine(J.arr(list.map(({ ep, resp }) => J.obj([['Endpoint', J.str(ep, false)], ['Status', J.statusResponse(resp)]]))));
  }

  override endpointHashKV(list: readonly EndpointResult<pb.HashKVResponse>[]): void {
    jsonLine(J.arr(list.map(({ ep, resp }) => J.obj([['Endpoint', J.str(ep, false)], ['HashKV', J.hashKVResponse(resp)]]))));
  }

  override moveLeader(_leader: bigint, _target: bigint, r: pb.MoveLeaderResponse): void { jsonLine(J.headerOnly(r)); }
  override alarm(r: pb.AlarmResponse): void { jsonLine(J.alarmResponse(r)); }

  override roleAdd(_role: string, r: pb.AuthRoleAddResponse): void { jsonLine(J.headerOnly(r)); }
  override roleGet(_role: string, r: pb.AuthRoleGetResponse): void { jsonLine(J.roleGetResponse(r)); }
  override roleDelete(_role: string, r: pb.AuthRoleDeleteResponse): void { jsonLine(J.headerOnly(r)); }
  override roleList(r: pb.AuthRoleListResponse): void { jsonLine(J.namesResponse(r, 'roles', r.roles)); }
  override roleGrantPermission(_role: string, r: pb.AuthRoleGrantPermissionResponse): void { jsonLine(J.headerOnly(r)); }
  override roleRevokePermission(_role: string, _key: Buffer, _end: Buffer, r: pb.AuthRoleRevokePermissionResponse): void { jsonLine(J.headerOnly(r)); }
  override userAdd(_user: string, r: pb.AuthUserAddResponse): void { jsonLine(J.headerOnly(r)); }
  override userGet(_user: string, r: pb.AuthUserGetResponse): void { jsonLine(J.namesResponse(r, 'roles', r.roles)); }
  override userList(r: pb.AuthUserListResponse): void { jsonLine(J.namesResponse(r, 'users', r.users)); }
  override userChangePassword(r: pb.AuthUserChangePasswordResponse): void { jsonLine(J.headerOnly(r)); }
  override userGrantRole(_user: string, _role: string, r: pb.AuthUserGrantRoleResponse): void { jsonLine(J.headerOnly(r)); }
  override userRevokeRole(_user: string, _role: string, r: pb.AuthUserRevokeRoleResponse): void { jsonLine(J.headerOnly(r)); }
  override userDelete(_user: string, r: pb.AuthUserDeleteResponse): void { jsonLine(J.headerOnly(r)); }
}
