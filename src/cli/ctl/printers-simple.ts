// etcdctl's default output format (-w simple): the lines a person reads, keys and values as raw bytes.

import { prefixEnd } from '../../mvcc/keys.js';
import type * as pb from '../../wire/messages.js';
import { hexId, int64Text, leaseHex } from './gofmt.js';
import { ALARM_TYPES, Display, EVENT_TYPES, out, type EndpointHealth, type EndpointResult } from './printers.js';
import { hashRows, memberRows, statusRows } from './printers-rows.js';

const NEWLINE = Buffer.from('\n');

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
