// etcdctl -w fields: one `"Name" : value` line per field, Go-quoted strings, for scripts.

import { goQuote } from '../../shared/go-strings.js';
import type * as pb from '../../wire/messages.js';
import { goPanic } from './errors.js';
import { int64Text } from './gofmt.js';
import { ALARM_TYPES, Display, EVENT_TYPES, out, type EndpointHealth, type EndpointResult } from './printers.js';

const PERM_TYPES = ['READ', 'WRITE', 'READWRITE'];

function line(name: string, value: string): void {
  out(`"${name}" : ${value}\n`);
}

export class FieldsDisplay extends Display {
  constructor() {
    super('fields');
  }

  private hdr(h: Partial<pb.ResponseHeader> | null | undefined): void {
    if (!h) goPanic('runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x0]');
    line('ClusterID', int64Text(h.cluster_id));
    line('MemberID', int64Text(h.member_id));
    line('Revision', int64Text(h.revision));
    line('RaftTerm', int64Text(h.raft_term));
  }

  private kv(prefix: string, kv: Partial<pb.KeyValue>): void {
    line(`${prefix}Key`, goQuote(kv.key ?? ''));
    line(`${prefix}CreateRevision`, int64Text(kv.create_revision));
    line(`${prefix}ModRevision`, int64Text(kv.mod_revision));
    line(`${prefix}Version`, int64Text(kv.version));
    line(`${prefix}Value`, goQuote(kv.value ?? ''));
    line(`${prefix}Lease`, int64Text(kv.lease));
  }

  override del(r: pb.DeleteRangeResponse): void {
    this.hdr(r.header);
    line('Deleted', int64Text(r.deleted));
    for (const kv of r.prev_kvs ?? []) this.kv('Prev', kv);
  }

  override get(r: pb.RangeResponse): void {
    this.hdr(r.header);
    for (const kv of r.kvs ?? []) this.kv('', kv);
    line('More', String(Boolean(r.more)));
    line('Count', int64Text(r.count));
  }

  override put(r: pb.PutResponse): void {
    this.hdr(r.header);
    if (r.prev_kv) this.kv('Prev', r.prev_kv);
  }

  override txn(r: pb.TxnResponse): void {
    this.hdr(r.header);
    line('Succeeded', String(Boolean(r.succeeded)));
    for (const op of r.responses ?? []) {
      if (op.response_delete_range) this.del(op.response_delete_range);
      else if (op.response_put) this.put(op.response_put);
      else if (op.response_range) this.get(op.response_range);
    }
  }

  override watch(r: pb.WatchResponse): void {
    this.hdr(r.header ?? {});
    for (const e of r.events ?? []) {
      line('Type', EVENT_TYPES[e.type ?? 0]!);
      if (e.prev_kv) this.kv('Prev', e.prev_kv);
      this.kv('', e.kv ?? {});
    }
  }

  override grant(r: pb.LeaseGrantResponse): void {
    this.lease(r);
  }

  private lease(r: pb.LeaseGrantResponse | pb.LeaseKeepAliveResponse): void {
    this.hdr(r.header);
    line('ID', int64Text(r.ID));
    line('TTL', int64Text(r.TTL));
  }

  override revoke(_id: bigint, r: pb.LeaseRevokeResponse): void {
    this.hdr(r.header);
  }

  override keepAlive(r: pb.LeaseKeepAliveResponse): void {
    this.lease(r);
  }

  override timeToLive(r: pb.LeaseTimeToLiveResponse): void {
    this.hdr(r.header);
    line('ID', int64Text(r.ID));
    line('TTL', int64Text(r.TTL));
    line('GrantedTTL', int64Text(r.grantedTTL));
    for (const k of r.keys ?? []) line('Key', goQuote(k));
  }

  override leases(r: pb.LeaseLeasesResponse): void {
    this.hdr(r.header);
    for (const l of r.leases ?? []) line('ID', int64Text(l.ID));
  }

  override memberList(r: pb.MemberListResponse): void {
    this.hdr(r.header);
    for (const m of r.members ?? []) {
      line('ID', int64Text(m.ID));
      line('Name', goQuote(m.name ?? ''));
      for (const u of m.peerURLs ?? []) line('PeerURL', goQuote(u));
      for (const u of m.clientURLs ?? []) line('ClientURL', goQuote(u));
      line('IsLearner', String(Boolean(m.isLearner)));
      out('\n');
    }
  }

  override endpointHealth(list: readonly EndpointHealth[]): void {
    for (const h of list) {
      line('Endpoint', goQuote(h.ep));
      line('Health', String(h.health));
      line('Took', h.took);
      line('Error', h.error);
      out('\n');
    }
  }

  override endpointStatus(list: readonly EndpointResult<pb.StatusResponse>[]): void {
    for (const { ep, resp } of list) {
      this.hdr(resp.header);
      line('Version', goQuote(resp.version ?? ''));
      line('DBSize', int64Text(resp.dbSize));
      line('Leader', int64Text(resp.leader));
      line('IsLearner', String(Boolean(resp.isLearner)));
      line('RaftIndex', int64Text(resp.raftIndex));
      line('RaftTerm', int64Text(resp.raftTerm));
      line('RaftAppliedIndex', int64Text(resp.raftAppliedIndex));
      line('Errors', `[${((resp.errors ?? []) as string[]).join(' ')}]`);
      line('Endpoint', goQuote(ep));
      out('\n');
    }
  }

  override endpointHashKV(list: readonly EndpointResult<pb.HashKVResponse>[]): void {
    for (const { ep, resp } of list) {
      this.hdr(resp.header);
      line('Endpoint', goQuote(ep));
      line('Hash', int64Text(resp.hash));
      out('\n');
    }
  }

  override alarm(r: pb.AlarmResponse): void {
    this.hdr(r.header);
    for (const a of r.alarms ?? []) {
      line('MemberID', int64Text(a.memberID));
      line('AlarmType', ALARM_TYPES[a.alarm ?? 0] ?? String(a.alarm));
      out('\n');
    }
  }

  // User and role changes print their header alone; `user get` and `user list` are not supported.
  override roleAdd(_role: string, r: pb.AuthRoleAddResponse): void { this.hdr(r.header); }
  override roleDelete(_role: string, r: pb.AuthRoleDeleteResponse): void { this.hdr(r.header); }
  override roleGrantPermission(_role: string, r: pb.AuthRoleGrantPermissionResponse): void { this.hdr(r.header); }
  override roleRevokePermission(_role: string, _key: Buffer, _end: Buffer, r: pb.AuthRoleRevokePermissionResponse): void { this.hdr(r.header); }
  override userAdd(_user: string, r: pb.AuthUserAddResponse): void { this.hdr(r.header); }
  override userChangePassword(r: pb.AuthUserChangePasswordResponse): void { this.hdr(r.header); }
  override userGrantRole(_user: string, _role: string, r: pb.AuthUserGrantRoleResponse): void { this.hdr(r.header); }
  override userRevokeRole(_user: string, _role: string, r: pb.AuthUserRevokeRoleResponse): void { this.hdr(r.header); }
  override userDelete(_user: string, r: pb.AuthUserDeleteResponse): void { this.hdr(r.header); }

  override roleGet(_role: string, r: pb.AuthRoleGetResponse): void {
    this.hdr(r.header);
    for (const p of r.perm ?? []) {
      out(`"PermType" :  ${PERM_TYPES[p.permType ?? 0] ?? String(p.permType)}\n`);
      line('Key', goQuote(p.key ?? ''));
      line('RangeEnd', goQuote(p.range_end ?? ''));
    }
  }

  override roleList(r: pb.AuthRoleListResponse): void {
    this.hdr(r.header);
    out(`"Roles" :${((r.roles ?? []) as string[]).map((role) => ` ${goQuote(role)}`).join('')}\n`);
  }
}
