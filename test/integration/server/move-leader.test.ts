// `etcdctl move-leader` as etcd's operations guide uses it: sent to the leader of a fresh 3-member cluster
// right after a burst of writes, leadership moves to the follower named, even one that fell behind (it
// catches up within the request timeout); naming the leader itself succeeds at once, as with etcd (the
// leader may have changed since the operator looked); only a member that is not a voter is refused.

import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster, type ClusterMember } from '../../support/process-cluster.js';

let cluster: ProcessCluster;

beforeAll(async () => {
  cluster = await ProcessCluster.start(3, 'barge', [], undefined, { startTimeoutMs: 90_000 });
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

const endpoint = (m: ClusterMember): string => m.clientUrl.replace('http://', '');

function memberIds(): Map<string, string> {
  const lines = cluster.etcdctl(['member', 'list']).stdout.trim().split('\n');
  return new Map(lines.map((l) => l.split(', ')).map(([id, , name]) => [name!, id!]));
}

describe('etcdctl move-leader', () => {
  it('moves leadership to a follower right after a burst of writes', async () => {
    const client = new Etcd3({ hosts: cluster.members.map((m) => m.clientUrl) });
    try {
      await Promise.all(Array.from({ length: 300 }, (_, i) => client.put(`burst/${i}`).value('x'.repeat(512))));
    } finally {
      client.close();
    }
    const leader = cluster.leader();
    const follower = cluster.members.find((m) => m !== leader)!;
    const target = memberIds().get(follower.name)!;
    const moved = cluster.etcdctl(['move-leader', target], [endpoint(leader)]);
    expect(moved.stderr).toBe('');
    expect(moved.stdout).toMatch(new RegExp(`^Leadership transferred from [0-9a-f]+ to ${target}\\n$`));
    expect(cluster.leader()).toBe(follower);
  }, 120_000);

  it('moves leadership to a follower that was paused through a burst of writes', async () => {
    const leader = cluster.leader();
    const lagging = cluster.members.find((m) => m !== leader)!;
    lagging.process!.kill('SIGSTOP');
    const client = new Etcd3({ hosts: [leader.clientUrl] });
    try {
      await Promise.all(Array.from({ length: 300 }, (_, i) => client.put(`lag/${i}`).value('y'.repeat(512))));
    } finally {
      client.close();
      lagging.process!.kill('SIGCONT');
    }
    const target = memberIds().get(lagging.name)!;
    const moved = cluster.etcdctl(['move-leader', target], [endpoint(cluster.leader())]);
    expect(moved.stdout + moved.stderr).toMatch(new RegExp(`^Leadership transferred from [0-9a-f]+ to ${target}\n$`));
    expect(cluster.leader()).toBe(lagging);
  }, 120_000);

  it('naming the leader itself succeeds and changes nothing, as with etcd', () => {
    const leader = cluster.leader();
    const id = memberIds().get(leader.name)!;
    const moved = cluster.etcdctl(['move-leader', id], [endpoint(leader)]);
    expect(moved.stdout).toBe(`Leadership transferred from ${id} to ${id}\n`);
    expect(cluster.leader()).toBe(leader);
  });

  it('refuses a transferee that is not a member', () => {
    const leader = cluster.leader();
    expect(cluster.etcdctl(['move-leader', 'abcdef'], [endpoint(leader)]).stderr).toContain('etcdserver: bad leader transferee');
  });
});
