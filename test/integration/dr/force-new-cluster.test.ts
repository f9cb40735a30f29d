// etcd's disaster recovery runbook with real processes and etcdctl: a 3-member cluster loses two members
// for good, the third is restarted with --force-new-cluster and serves alone with all its data, then a new
// member is added back with `member add` and a fresh data dir, and catches up.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster, type ClusterMember } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';

let cluster: ProcessCluster;
/** Members started with --force-new-cluster on their next spawn. */
const forced = new Set<string>();

beforeAll(async () => {
  cluster = await ProcessCluster.start(3, 'barge', [], undefined, { memberFlags: (m) => (forced.has(m.name) ? ['--force-new-cluster'] : []), startTimeoutMs: 90_000 });
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

const endpoint = (m: ClusterMember): string => m.clientUrl.replace('http://', '');

function keyCount(member: ClusterMember): number {
  const out = cluster.etcdctl(['get', '--prefix', 'dr/', '--keys-only', '--consistency=s', '-w', 'json'], [endpoint(member)]).stdout;
  return out ? ((JSON.parse(out) as { count?: number }).count ?? 0) : -1;
}

describe('--force-new-cluster after a quorum loss', () => {
  it('the survivor becomes a one-member cluster with all its data, and a member added back catches up', async () => {
    for (let i = 0; i < 60; i++) expect(cluster.etcdctl(['put', `dr/${i}`, `v${i}`]).status).toBe(0);
    expect(cluster.etcdctl(['del', 'dr/59']).stdout).toBe('1\n');
    const [survivor, lost1, lost2] = cluster.members as [ClusterMember, ClusterMember, ClusterMember];
    await until('the survivor applied every write', () => keyCount(survivor) === 59, { timeoutMs: 20_000, pollMs: 200 });
    const before = JSON.parse(cluster.etcdctl(['endpoint', 'status', '-w', 'json'], [endpoint(survivor)]).stdout) as { Status: { header: { revision: number; cluster_id: number } } }[];
    const revision = before[0]!.Status.header.revision;

    await cluster.kill(lost1);
    await cluster.kill(lost2);
    // Without a quorum the survivor cannot serve a linearizable read.
    expect(cluster.etcdctl(['get', 'dr/1'], [endpoint(survivor)]).status).not.toBe(0);

    await cluster.kill(survivor);
    cluster.members.splice(1, 2);
    forced.add(survivor.name);
    cluster.spawn(survivor);
    await cluster.waitHealthy(30_000);
    // The log reaches the pipe a moment after the member serves.
    await until('the survivor logged its forced restart', () => survivor.log.includes('forcing restart member'), { timeoutMs: 10_000 });

    const list = cluster.etcdctl(['member', 'list']).stdout.trim().split('\n');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatch(new RegExp(`^[0-9a-f]+, started, ${survivor.name}, ${survivor.peerUrl}, ${survivor.clientUrl}, false$`));
    expect(cluster.etcdctl(['get', 'dr/7', '--print-value-only']).stdout).toBe('v7\n');
    expect(keyCount(survivor)).toBe(59);
    const after = JSON.parse(cluster.etcdctl(['endpoint', 'status', '-w', 'json']).stdout) as { Status: { header: { revision: number; cluster_id: number } } }[];
    expect(after[0]!.Status.header.revision).toBe(revision);
    expect(String(after[0]!.Status.header.cluster_id)).toBe(String(before[0]!.Status.header.cluster_id));
    expect(cluster.etcdctl(['put', 'dr/after', 'alone']).stdout).toBe('OK\n');

    // A later restart without the flag keeps the one-member cluster.
    await cluster.kill(survivor);
    forced.delete(survivor.name);
    cluster.spawn(survivor);
    await cluster.waitHealthy(30_000);
    expect(cluster.etcdctl(['member', 'list']).stdout.trim().split('\n')).toHaveLength(1);

    const newcomer = await cluster.newMember('m4');
    const added = cluster.etcdctl(['member', 'add', 'm4', `--peer-urls=${newcomer.peerUrl}`]);
    expect(added.stdout).toMatch(/^Member\s+[0-9a-f]+ added to cluster/);
    cluster.members.push(newcomer);
    cluster.spawn(newcomer, 'existing');
    await until('the new member holds every key', () => keyCount(newcomer) === 60, { timeoutMs: 30_000, pollMs: 250 });
    await cluster.waitHealthy(30_000);
    expect(cluster.etcdctl(['put', 'dr/via-m4', 'ok'], [endpoint(newcomer)]).stdout).toBe('OK\n');
    expect(cluster.etcdctl(['get', 'dr/via-m4', '--print-value-only'], [endpoint(survivor)]).stdout).toBe('ok\n');
    expect(cluster.etcdctl(['member', 'list']).stdout).toMatch(new RegExp(`, started, m4, ${newcomer.peerUrl}, ${newcomer.clientUrl}, false$`, 'm'));
  }, 180_000);
});
