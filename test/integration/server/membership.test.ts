// Membership with real processes and etcdctl: add a learner to a running cluster that has compacted its
// log (so the newcomer catches up by snapshot), promote it, remove a founding member (which then stops),
// and the cluster keeps serving with the new membership.

import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster, freePort, type ClusterMember } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';

let cluster: ProcessCluster;

beforeAll(async () => {
  cluster = await ProcessCluster.start(3, 'barge', ['--snapshot-count=100', '--experimental-snapshot-catchup-entries=10']);
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
});

const endpoint = (m: ClusterMember): string => m.clientUrl.replace('http://', '');

describe('membership changes on a running Barge cluster', () => {
  it('a learner added after the log was compacted catches up by snapshot, is promoted and serves', async () => {
    const client = new Etcd3({ hosts: cluster.members.map((m) => m.clientUrl) });
    try {
      for (let batch = 0; batch < 10; batch++) {
        await Promise.all(Array.from({ length: 50 }, (_, i) => client.put(`data/${batch}/${i}`).value(`${batch * 50 + i}`)));
      }
    } finally {
      client.close();
    }

    const newcomer: ClusterMember = {
      name: 'm4',
      clientUrl: `http://127.0.0.1:${await freePort()}`,
      peerUrl: `http://127.0.0.1:${await freePort()}`,
      dataDir: join(cluster.dir, 'm4'),
      log: '',
    };
    const added = cluster.etcdctl(['member', 'add', 'm4', '--learner', `--peer-urls=${newcomer.peerUrl}`]);
    expect(added.stdout).toMatch(/^Member\s+[0-9a-f]+ added to cluster\s+[0-9a-f]+/);
    expect(added.stdout).toContain('ETCD_INITIAL_CLUSTER_STATE="existing"');
    const id = /Member\s+([0-9a-f]+) added/.exec(added.stdout)![1]!;
    const founders = cluster.members.slice();
    // Not started yet, so not in sync: every member refuses to promote it (a follower asks the leader).
    for (const member of founders) {
      expect(cluster.etcdctl(['member', 'promote', id], [endpoint(member)]).stderr).toContain('etcdserver: can only promote a learner member which is in sync with leader');
    }
    cluster.members.push(newcomer);
    cluster.spawn(newcomer, 'existing');

    // Serializable reads are what a learner serves; wait until it holds everything.
    // A loaded machine may take a while to start it and send it the snapshot: bounded by time, not attempts.
    await until('the learner to hold all 500 keys', () =>
      cluster.etcdctl(['get', '--prefix', 'data/', '--keys-only', '--consistency=s', '-w', 'json'], [endpoint(newcomer)]).stdout.includes('"count":500'),
    { timeoutMs: 60_000, pollMs: 250 }).catch((error: unknown) => {
      throw new Error(`${String(error)}\nlearner log:\n${newcomer.log.slice(-3000)}`);
    });
    // The log comes through a pipe this process reads between its (blocking) etcdctl calls.
    await until('the learner to log its snapshot install', () => newcomer.log.includes('installing snapshot'), { timeoutMs: 10_000, pollMs: 100 });
    expect(cluster.etcdctl(['put', 'from-learner', 'x'], [endpoint(newcomer)]).stderr).toContain('etcdserver: rpc not supported for learner');

    let promoted = { stdout: '', stderr: '', status: -1 };
    for (let attempt = 0; attempt < 20 && promoted.status !== 0; attempt++) {
      promoted = cluster.etcdctl(['member', 'promote', id], founders.map(endpoint));
      if (promoted.status !== 0) await new Promise((r) => setTimeout(r, 250));
    }
    expect(promoted.stdout).toMatch(new RegExp(`^Member\\s+${id} promoted in cluster\\s+${/cluster\s+([0-9a-f]+)/.exec(added.stdout)![1]}\\n$`));
    expect(cluster.etcdctl(['put', 'via-m4', 'ok'], [endpoint(newcomer)]).stdout).toBe('OK\n');
    const list = cluster.etcdctl(['member', 'list']).stdout;
    expect(list).toMatch(new RegExp(`^${id}, started, m4, ${newcomer.peerUrl}, ${newcomer.clientUrl}, false$`, 'm'));
  }, 150_000);

  it('an unknown member cannot be removed or promoted, and a voter cannot be promoted', () => {
    expect(cluster.etcdctl(['member', 'remove', 'abcdef']).stderr).toContain('etcdserver: member not found');
    const m1 = cluster.etcdctl(['member', 'list']).stdout.split('\n').find((l) => l.includes(', m1,'))!.split(',')[0]!;
    expect(cluster.etcdctl(['member', 'promote', m1]).stderr).toContain('etcdserver: can only promote a learner member');
  });

  it('a removed member stops, and the rest keep serving', async () => {
    const m1 = cluster.members[0]!;
    const id = cluster.etcdctl(['member', 'list']).stdout.split('\n').find((l) => l.includes(', m1,'))!.split(',')[0]!;
    const rest = cluster.members.slice(1).map(endpoint);
    const removed = cluster.etcdctl(['member', 'remove', id], rest);
    expect(removed.stdout, removed.stderr).toMatch(new RegExp(`^Member\\s+${id} removed from cluster`));
    const exited = await new Promise<boolean>((resolve) => {
      if (m1.process!.exitCode !== null) resolve(true);
      m1.process!.once('exit', () => resolve(true));
      setTimeout(() => resolve(false), 10_000);
    });
    expect(exited).toBe(true);
    expect(cluster.etcdctl(['member', 'list'], rest).stdout).not.toContain(', m1,');
    const put = cluster.etcdctl(['put', 'after-removal', 'ok'], rest);
    expect(put.stdout, put.stderr).toBe('OK\n');
  }, 30_000);
});
