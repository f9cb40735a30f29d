// etcdctl's output formats (-w simple|json|fields|table) for every response bargectl prints. Each format
// prints what etcdctl's does; a response a format cannot show fails as etcdctl's does (exit 4).

import { prefixEnd } from '../../mvcc/keys.js';
import type * as pb from '../../wire/messages.js';
import { ExitCode, fail, goPanic } from './errors.js';
import { goQuote } from '../../shared/go-strings.js';
import { hexId, humanBytes, int64Text, leaseHex } from './gofmt.js';
import * as J from './json.js';
import { renderTable } from './table.js';

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

const EVENT_TYPES = ['PUT', 'DELETE'];
const NEWLINE = Buffer.from('\n');
const ALARM_TYPES = ['NONE', 'NOSPACE', 'CORRUPT'];

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

const PERM_TYPES = ['READ', 'WRITE', 'READWRITE'];

// ---- tables shared by simple and table --------------------------------------------------------------

function memberRows(r: pb.MemberListResponse): string[][] {
  return r.members.map((m) => [
    hexId(m.ID),
    m.name ? 'started' : 'unstarted',
    m.name,
    m.peerURLs.join(','),
    m.clientURLs.join(','),
    String(m.isLearner),
  ]);
}

function statusRows(list: readonly EndpointResult<pb.StatusResponse>[]): string[][] {
  return list.map(({ ep, resp }) => [
    ep,
    hexId(resp.header?.member_id),
    resp.version ?? '',
    humanBytes(Number(int64Text(resp.dbSize))),
    String(int64Text(resp.leader) === int64Text(resp.header?.member_id)),
    String(Boolean(resp.isLearner)),
    int64Text(resp.raftTerm),
    int64Text(resp.raftIndex),
    int64Text(resp.raftAppliedIndex),
    ((resp.errors ?? []) as string[]).join(', '),
  ]);
}

const MEMBER_HEADER = ['ID', 'Status', 'Name', 'Peer Addrs', 'Client Addrs', 'Is Learner'];
const STATUS_HEADER = ['endpoint', 'ID', 'version', 'db size', 'is leader', 'is learner', 'raft term', 'raft index', 'raft applied index', 'errors'];

function healthRows(list: readonly EndpointHealth[]): string[][] {
  return list.map((h) => [h.ep, String(h.health), h.took, h.error]);
}

function hashRows(list: readonly EndpointResult<pb.HashKVResponse>[]): string[][] {
  return list.map(({ ep, resp }) => [ep, int64Text(resp.hash)]);
}

// ---- simple -------------------------------------------------------------------------------------

function hexBytes(bytes: Uint8Array): string {
  return [...bytes].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
}

export class SimpleDisplay extends Display {
  valueOnly = false;

  constructor(readonly isHex: boolean) {
    super('simple');
  }

  private kv(kv: Partial<pb.KeyValue>): void {
    // Each line with its newline in one write, as Go's Println does: a command run per watch event
    // shares stdout and must not land between a key and its newline.
    const line = (b: Uint8Array | undefined) => Buffer.concat([this.isHex ? Buffer.from(hexBytes(b ?? new Uint8Array())) : Buffer.from(b ?? []), NEWLINE]);
    if (!this.valueOnly) out(line(kv.key));
    out(line(kv.value));
  }

  private lines(rows: string[][]): void {
    for (const row of rows) out(`${row.join(', ')}\n`);
  }

  override put(r: pb.PutResponse): void {
    out('OK\n');
    if (r.prev_kv) this.kv(r.prev_kv);
  }

  override get(r: pb.RangeResponse): void {
    for (const kv of r.kvs ?? []) this.kv(kv);
  }

  override del(r: pb.DeleteRangeResponse): void {
    out(`${int64Text(r.deleted)}\n`);
    for (const kv of r.prev_kvs ?? []) this.kv(kv);
  }

  override txn(r: pb.TxnResponse): void {
    out(r.succeeded ? 'SUCCESS\n' : 'FAILURE\n');
    for (const op of r.responses ?? []) {
      out('\n');
      if (op.response_delete_range) this.del(op.response_delete_range);
      else if (op.response_put) this.put(op.response_put);
      else if (op.response_range) this.get(op.response_range);
      else out('unexpected response\n');
    }
  }

  override watch(r: pb.WatchResponse): void {
    for (const e of r.events ?? []) {
      out(`${EVENT_TYPES[e.type ?? 0]}\n`);
      if (e.prev_kv) this.kv(e.prev_kv);
      this.kv(e.kv ?? {});
    }
  }

  override grant(r: pb.LeaseGrantResponse): void {
    out(`lease ${leaseHex(r.ID)} granted with TTL(${int64Text(r.TTL)}s)\n`);
  }

  override revoke(id: bigint): void {
    out(`lease ${leaseHex(id)} revoked\n`);
  }

  override keepAlive(r: pb.LeaseKeepAliveResponse): void {
    out(`lease ${leaseHex(r.ID)} keepalived with TTL(${int64Text(r.TTL)})\n`);
  }

  override timeToLive(r: pb.LeaseTimeToLiveResponse, keys: boolean): void {
    if (int64Text(r.grantedTTL) === '0' && int64Text(r.TTL) === '-1') {
      out(`lease ${leaseHex(r.ID)} already expired\n`);
      return;
    }
    let text = `lease ${leaseHex(r.ID)} granted with TTL(${int64Text(r.grantedTTL)}s), remaining(${int64Text(r.TTL)}s)`;
    if (keys) text += `, attached keys([${((r.keys ?? []) as Uint8Array[]).map((k) => Buffer.from(k).toString('latin1')).join(' ')}])`;
    out(Buffer.from(`${text}\n`, 'latin1'));
  }

  override leases(r: pb.LeaseLeasesResponse): void {
    const leases = r.leases;
    out(`found ${leases.length} leases\n`);
    for (const l of leases) out(`${leaseHex(l.ID)}\n`);
  }

  override alarm(r: pb.AlarmResponse): void {
    for (const a of r.alarms ?? []) {
      const memberId = int64Text(a.memberID);
      out(`${memberId !== '0' ? `memberID:${memberId} ` : ''}${a.alarm ? `alarm:${ALARM_TYPES[a.alarm] ?? a.alarm} ` : ''}\n`);
    }
  }

  override memberAdd(r: pb.MemberAddResponse): void {
    out(`Member ${hexId(r.member?.ID).padStart(16)} added to cluster ${hexId(r.header?.cluster_id).padStart(16)}\n`);
  }

  override memberRemove(id: bigint, r: pb.MemberRemoveResponse): void {
    out(`Member ${hexId(id).padStart(16)} removed from cluster ${hexId(r.header?.cluster_id).padStart(16)}\n`);
  }

  override memberUpdate(id: bigint, r: pb.MemberUpdateResponse): void {
    out(`Member ${hexId(id).padStart(16)} updated in cluster ${hexId(r.header?.cluster_id).padStart(16)}\n`);
  }

  override memberPromote(id: bigint, r: pb.MemberPromoteResponse): void {
    out(`Member ${hexId(id).padStart(16)} promoted in cluster ${hexId(r.header?.cluster_id).padStart(16)}\n`);
  }

  override memberList(r: pb.MemberListResponse): void {
    this.lines(memberRows(r));
  }

  override endpointHealth(list: readonly EndpointHealth[]): void {
    for (const h of list) {
      process.stderr.write(h.error === '' ? `${h.ep} is healthy: successfully committed proposal: took = ${h.took}\n` : `${h.ep} is unhealthy: failed to commit proposal: ${h.error}`);
    }
  }

  override endpointStatus(list: readonly EndpointResult<pb.StatusResponse>[]): void {
    this.lines(statusRows(list));
  }

  override endpointHashKV(list: readonly EndpointResult<pb.HashKVResponse>[]): void {
    this.lines(hashRows(list));
  }

  override moveLeader(leader: bigint, target: bigint): void {
    out(`Leadership transferred from ${hexId(leader)} to ${hexId(target)}\n`);
  }

  override roleAdd(role: string): void {
    out(`Role ${role} created\n`);
  }

  override roleGet(role: string, r: pb.AuthRoleGetResponse): void {
    out(`Role ${role}\n`);
    const perms = r.perm;
    // A key alone, or a range: open ended when it ends at "\0", and named a prefix when it is one.
    const show = (p: pb.Permission) => {
      const key = p.key;
      const end = p.range_end;
      if (end.length === 0) return out(Buffer.concat([Buffer.from('\t'), key, Buffer.from('\n')]));
      const open = end.length === 1 && end[0] === 0;
      const parts = [Buffer.from('\t['), key, Buffer.from(', '), open ? Buffer.from('<open ended>') : Buffer.concat([end, Buffer.from(')')])];
      if (Buffer.from(prefixEnd(key)).equals(end)) parts.push(Buffer.from(' (prefix '), key, Buffer.from(')'));
      parts.push(Buffer.from('\n'));
      out(Buffer.concat(parts));
    };
    out('KV Read:\n');
    for (const p of perms) if (p.permType === 0 || p.permType === 2) show(p);
    out('KV Write:\n');
    for (const p of perms) if (p.permType === 1 || p.permType === 2) show(p);
  }

  override roleDelete(role: string): void {
    out(`Role ${role} deleted\n`);
  }

  override roleList(r: pb.AuthRoleListResponse): void {
    for (const role of r.roles ?? []) out(`${role}\n`);
  }

  override roleGrantPermission(role: string): void {
    out(`Role ${role} updated\n`);
  }

  override roleRevokePermission(role: string, key: Buffer, end: Buffer): void {
    const text = (...parts: (string | Buffer)[]) => out(Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))));
    if (end.length === 0) text('Permission of key ', key, ` is revoked from role ${role}\n`);
    else if (end.length === 1 && end[0] === 0) text('Permission of range [', key, `, <open ended> is revoked from role ${role}\n`);
    else text('Permission of range [', key, ', ', end, `) is revoked from role ${role}\n`);
  }

  override userAdd(user: string): void {
    out(`User ${user} created\n`);
  }

  override userGet(user: string, r: pb.AuthUserGetResponse): void {
    out(`User: ${user}\nRoles:${((r.roles ?? []) as string[]).map((role) => ` ${role}`).join('')}\n`);
  }

  override userList(r: pb.AuthUserListResponse): void {
    for (const user of r.users ?? []) out(`${user}\n`);
  }

  override userChangePassword(): void {
    out('Password updated\n');
  }

  override userGrantRole(user: string, role: string): void {
    out(`Role ${role} is granted to user ${user}\n`);
  }

  override userRevokeRole(user: string, role: string): void {
    out(`Role ${role} is revoked from user ${user}\n`);
  }

  override userDelete(user: string): void {
    out(`User ${user} deleted\n`);
  }
}

// ---- json ---------------------------------------------------------------------------------------

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

// ---- fields -------------------------------------------------------------------------------------

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

// ---- table --------------------------------------------------------------------------------------

export class TableDisplay extends Display {
  constructor() {
    super('table');
  }

  override memberList(r: pb.MemberListResponse): void {
    out(renderTable(MEMBER_HEADER, memberRows(r)));
  }

  override endpointHealth(list: readonly EndpointHealth[]): void {
    out(renderTable(['endpoint', 'health', 'took', 'error'], healthRows(list)));
  }

  override endpointStatus(list: readonly EndpointResult<pb.StatusResponse>[]): void {
    out(renderTable(STATUS_HEADER, statusRows(list)));
  }

  override endpointHashKV(list: readonly EndpointResult<pb.HashKVResponse>[]): void {
    out(renderTable(['endpoint', 'hash'], hashRows(list)));
  }
}

export function newDisplay(format: string, isHex: boolean): Display | undefined {
  switch (format) {
    case 'simple':
      return new SimpleDisplay(isHex);
    case 'json':
      return new JsonDisplay();
    case 'fields':
      return new FieldsDisplay();
    case 'table':
      return new TableDisplay();
    default:
      return undefined;
  }
}
