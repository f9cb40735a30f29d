// --strict-reconfig-check, etcd's default: with a follower of three down, a member add and the removal of a
// member that is up would leave no quorum to spare, and are refused with etcd's error (compared with a
// real etcd 3.4); removing the member that is down is allowed. With --strict-reconfig-check=false the add
// goes through, as on etcd.

import { afterEach, describe, expect, it } from 'vitest';
import { ProcessCluster, freePort, type ClusterMember, type Implementation } from '../../support/process-cluster.js';

let cluster: ProcessCluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

function memberIds(c: ProcessCluster, endpoints: readonly string[]): Map<string, string> {
  const lines = c.etcdctl(['member', 'list'], endpoints).stdout.trim().split('\n');
  return new Map(lines.map((l) => l.split(', ')).map(([id, , name]) => [name!, id!]));
}

interface OneDown {
  readonly cluster: ProcessCluster;
  /** The two members up: the leader and a follower. */
  readonly live: readonly ClusterMember[];
  readonly dead: ClusterMember;
}

/** A three-member cluster with a follower killed; the leader and the other follower keep serving. */
async function oneDown(implementation: Implementation, flags: readonly string[] = []): Promise<OneDown> {
  const c = await ProcessCluster.start(3, implementation, flags, undefined, { startTimeoutMs: 90_000 });
  cluster = c;
  const leader = c.leader();
  const [dead, follower] = c.members.filter((m) => m !== leader) as [ClusterMember, ClusterMember];
  await c.kill(dead);
  return { cluster: c, live: [leader, follower], dead };
}

const endpointsOf = (members: readonly ClusterMember[]): string[] => members.map((m) => m.clientUrl.replace('http://', ''));

/** What etcdctl answers, with one member down, to an add, the removal of the live follower and of the dead one. */
async function reconfigurations({ cluster: c, live, dead }: OneDown): Promise<{ add: string; removeLive: string; removeDead: string }> {
  const ids = memberIds(c, endpointsOf(live));
  const add = c.etcdctl(['member', 'add', 'm4', `--peer-urls=http://127.0.0.1:${await freePort()}`], endpointsOf(live));
  const removeLive = c.etcdctl(['member', 'remove', ids.get(live[1]!.name)!], endpointsOf(live));
  const removeDead = c.etcdctl(['member', 'remove', ids.get(dead.name)!], endpointsOf(live));
  // The last line: etcdctl may log a retry warning (with a time stamp) before its error. Ids are printed
  // space-padded to 16 digits.
  const text = (r: { stdout: string; stderr: string }): string =>
    `${r.stdout}${r.stderr}`.trim().split('\n').at(-1)!.replace(/ +[0-9a-f]{6,16}\b/g, ' <id>');
  return { add: text(add), removeLive: text(removeLive), removeDead: text(removeDead) };
}

describe('--strict-reconfig-check', () => {
  let etcd: { add: string; removeLive: string; removeDead: string };

  it('on a real etcd 3.4 (the reference)', async () => {
    etcd = await reconfigurations(await oneDown('etcd'));
    expect(etcd.add).toBe('Error: etcdserver: unhealthy cluster');
    expect(etcd.removeLive).toBe('Error: etcdserver: unhealthy cluster');
    expect(etcd.removeDead).toBe('Member <id> removed from cluster <id>');
  }, 150_000);

  it('Barge refuses and allows the same changes with the same answers', async () => {
    const barge = await reconfigurations(await oneDown('barge'));
    expect(barge).toEqual(etcd);
  }, 150_000);

  it('=false: the add that costs the spare member goes through', async () => {
    const { cluster: c, live } = await oneDown('barge', ['--strict-reconfig-check=false']);
    const add = c.etcdctl(['member', 'add', 'm4', `--peer-urls=http://127.0.0.1:${await freePort()}`], endpointsOf(live));
    expect(add.stderr).toBe('');
    expect(add.stdout).toMatch(/^Member +[0-9a-f]+ added to cluster +[0-9a-f]+/);
  }, 150_000);
});
