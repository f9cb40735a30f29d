// The applier over a state machine and member registry, without a raft node, sockets or LevelDB (the
// state machine stages to a MemoryBackend): its layers in etcd's order (space alarm, then auth, then the
// backend) and its refusal of entries it does not know.
import { describe, expect, it } from 'vitest';
import { ConfChangeType } from '../../../src/raft/index.js';
import { Applier, UnknownRequestError } from '../../../src/server/apply/applier.js';
import { AlarmAction, type InternalRequest, type RequestBody } from '../../../src/server/internal-request.js';
import { MemberRegistry } from '../../../src/server/members.js';
import { AlarmType, StateMachine } from '../../../src/server/state-machine.js';
import { MemoryBackend } from '../../../src/storage/memory-backend.js';

const b = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const OPTIONS = { now: () => 0, minLeaseTtlSeconds: 2 };

async function setup(backend = new MemoryBackend()) {
  const sm = await StateMachine.open(backend, OPTIONS);
  const members = await MemberRegistry.load(backend);
  const changes: string[] = [];
  const applier = new Applier({
    stateMachine: () => sm,
    members,
    membersChanged: () => changes.push('members'),
    leaseRevoked: (id) => changes.push(`revoked ${id}`),
  });
  return { applier, sm, members, changes, backend };
}

const request = (body: RequestBody, auth?: InternalRequest['auth']): InternalRequest => ({ id: 1n, auth, body });

/** Entries 1 to 4: root (with the root role) and alice (with no role), then auth on. */
function enableAuthWithAlice(applier: Applier): void {
  applier.apply(request({ kind: 'user_add', name: 'root', hashedPassword: '', noPassword: true }), 1);
  applier.apply(request({ kind: 'user_grant_role', user: 'root', role: 'root' }), 2);
  applier.apply(request({ kind: 'user_add', name: 'alice', hashedPassword: '', noPassword: true }), 3);
  applier.apply(request({ kind: 'auth_enable' }), 4);
}

describe('the applier', () => {
  it('applies writes and lease requests to the state machine', async () => {
    const { applier, sm, changes } = await setup();
    applier.apply(request({ kind: 'lease_grant', id: 5n, ttl: 10 }), 1);
    applier.apply(request({ kind: 'put', put: { key: b('k'), value: b('v'), lease: 5n } }), 2);
    expect(sm.kv.range({ key: b('k') }).count).toBe(1);
    applier.apply(request({ kind: 'lease_revoke', id: 5n }), 3);
    expect(sm.kv.range({ key: b('k') }).count).toBe(0);
    expect(changes).toEqual(['revoked 5']);
  });

  it('refuses writes that grow the database while NOSPACE is raised, but still deletes', async () => {
    const { applier, sm } = await setup();
    applier.apply(request({ kind: 'put', put: { key: b('a'), value: b('1') } }), 1);
    applier.apply(request({ kind: 'alarm', action: AlarmAction.Activate, memberId: 9n, alarm: AlarmType.NoSpace }), 2);
    expect(() => applier.apply(request({ kind: 'put', put: { key: b('b'), value: b('2') } }), 3)).toThrow('etcdserver: mvcc: database space exceeded');
    expect(() => applier.apply(request({ kind: 'txn', txn: { success: [{ requestPut: { key: b('c'), value: b('3') } }] } }), 4)).toThrow('database space exceeded');
    applier.apply(request({ kind: 'delete_range', deleteRange: { key: b('a') } }), 5);
    expect(sm.kv.range({ key: b('a') }).count).toBe(0);
    const listed = applier.apply(request({ kind: 'alarm', action: AlarmAction.Get, memberId: 0n, alarm: AlarmType.None }), 6);
    expect(listed.result).toEqual([{ memberId: 9n, alarm: AlarmType.NoSpace }]);
  });

  it('caps before it checks auth, as etcd wraps its auth applier in the quota one', async () => {
    const { applier, sm } = await setup();
    enableAuthWithAlice(applier);
    applier.apply(request({ kind: 'alarm', action: AlarmAction.Activate, memberId: 9n, alarm: AlarmType.NoSpace }), 5);
    // alice may not write at all, but the space alarm answers first.
    const put = request({ kind: 'put', put: { key: b('x'), value: b('1') } }, { username: 'alice', revision: sm.auth.revision });
    expect(() => applier.apply(put, 6)).toThrow('etcdserver: mvcc: database space exceeded');
    applier.apply(request({ kind: 'alarm', action: AlarmAction.Deactivate, memberId: 9n, alarm: AlarmType.NoSpace }), 7);
    expect(() => applier.apply(put, 8)).toThrow('etcdserver: permission denied');
  });

  it('stages what it applies to the backend: a state machine reopened on it after the commit has it', async () => {
    const { applier, sm, backend } = await setup();
    applier.apply(request({ kind: 'lease_grant', id: 5n, ttl: 10 }), 1);
    applier.apply(request({ kind: 'put', put: { key: b('k'), value: b('v'), lease: 5n } }), 2);
    applier.applyConfChange({ type: ConfChangeType.AddNode, nodeId: 7n, context: new Uint8Array() }, { name: 'm7', peerUrls: ['http://a:2380'], clientUrls: [] });
    expect((await StateMachine.open(backend, OPTIONS)).kv.range({ key: b('k') }).count).toBe(0);
    await sm.commit(3);
    const reopened = await setup(backend);
    expect(reopened.sm.kv.range({ key: b('k') }).kvs[0]?.lease).toBe(5n);
    expect(reopened.sm.leaseKeys(5n)).toEqual([b('k')]);
    expect(reopened.members.get(7n)).toMatchObject({ name: 'm7', isLearner: false });
    expect(backend.consistentIndex).toBe(3);
  });

  it('checks a client request against the auth state before applying it', async () => {
    const { applier, sm } = await setup();
    enableAuthWithAlice(applier);
    const alice = { username: 'alice', revision: sm.auth.revision };
    expect(() => applier.apply(request({ kind: 'put', put: { key: b('x'), value: b('1') } }, alice), 5)).toThrow('etcdserver: permission denied');
    expect(() => applier.apply(request({ kind: 'role_add', name: 'r' }, alice), 6)).toThrow('etcdserver: permission denied');
    applier.apply(request({ kind: 'put', put: { key: b('x'), value: b('1') } }, { username: 'root', revision: sm.auth.revision }), 7);
    expect(sm.kv.range({ key: b('x') }).count).toBe(1);
  });

  it('keeps the member registry by conf changes and member updates', async () => {
    const { applier, members, changes } = await setup();
    applier.applyConfChange({ type: ConfChangeType.AddLearnerNode, nodeId: 7n, context: new Uint8Array() }, { name: '', peerUrls: ['http://a:2380'], clientUrls: [] });
    expect(members.get(7n)).toMatchObject({ isLearner: true, peerUrls: ['http://a:2380'] });
    applier.apply(request({ kind: 'publish', member: { id: 7n, name: 'm7', peerUrls: [], clientUrls: ['http://a:2379'] } }), 2);
    expect(members.get(7n)).toMatchObject({ name: 'm7', clientUrls: ['http://a:2379'] });
    expect(() => applier.apply(request({ kind: 'update_member', member: { id: 8n, name: '', peerUrls: [], clientUrls: [] } }), 3)).toThrow('etcdserver: member not found');
    applier.applyConfChange({ type: ConfChangeType.RemoveNode, nodeId: 7n, context: new Uint8Array() }, undefined);
    expect(members.get(7n)).toBeUndefined();
    expect(changes).toEqual(['members', 'members']);
  });

  it('stops on a request it does not know, rather than answer it with nothing', async () => {
    const { applier } = await setup();
    expect(() => applier.apply(request({ kind: 'unknown', name: 'cluster_version_set' }), 1)).toThrow(UnknownRequestError);
    expect(() => applier.applyConfChange({ type: 9 as ConfChangeType, nodeId: 1n, context: new Uint8Array() }, undefined)).toThrow(UnknownRequestError);
  });
});
