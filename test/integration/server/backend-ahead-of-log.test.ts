// A member whose state backend is ahead of its raft log: what a member that installed a snapshot holds if it
// stops before the entries after the snapshot reach its log (the snapshot carries the leader's backend as
// it was when sent, newer than the snapshot's index). The member must start, take those entries again
// without applying them twice, and go on applying what comes after, as etcd's members do.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIdentity } from '../../../src/server/bootstrap.js';
import { StateDumps, installStateDump } from '../../../src/server/state-transfer.js';
import { StateBackend } from '../../../src/storage/backend.js';
import { dataDirLayout } from '../../../src/storage/data-dir.js';
import { RaftWal } from '../../../src/storage/wal/raft-wal.js';
import { ProcessCluster, type ClusterMember } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';

let cluster: ProcessCluster;
beforeAll(async () => {
  // Without the check a member can be added while one is down (etcd refuses it as an unhealthy cluster otherwise).
  cluster = await ProcessCluster.start(3, 'barge', ['--strict-reconfig-check=false']);
}, 90_000);
afterAll(() => cluster?.stop());

const backendPath = (member: ClusterMember): string => `${dataDirLayout(member.dataDir).snapDir}/db`;

async function walLastIndex(member: ClusterMember): Promise<number> {
  const { store } = await RaftWal.open(dataDirLayout(member.dataDir), { log: () => {} });
  try {
    return store.lastIndex();
  } finally {
    await store.close();
  }
}

/** Replaces `to`'s backend with `from`'s whole state (keeping `to`'s identity), as installing a snapshot does. */
async function copyState(from: ClusterMember, to: ClusterMember): Promise<number> {
  const source = await StateBackend.open(backendPath(from));
  const dump = await new StateDumps().dumpFor(source, { index: 0, term: 0, confState: { voters: [], learners: [] } });
  await source.close();
  const target = await StateBackend.open(backendPath(to));
  try {
    await installStateDump(target, dump, (await loadIdentity(target))!.memberId);
    return target.consistentIndex;
  } finally {
    await target.close();
  }
}

describe('a member whose state backend is ahead of its raft log', () => {
  it('starts, catches up without applying twice, and applies what comes after', async () => {
    const [m1, m2, m3] = cluster.members as [ClusterMember, ClusterMember, ClusterMember];
    const endpointOf = (m: ClusterMember): string => m.clientUrl.replace('http://', '');
    for (let i = 0; i < 10; i++) expect(cluster.etcdctl(['put', `before-${i}`, 'x']).status).toBe(0);
    await cluster.kill(m3, 'SIGTERM');
    for (let i = 0; i < 20; i++) expect(cluster.etcdctl(['put', `while-away-${i}`, `v${i}`], [endpointOf(m1), endpointOf(m2)]).status).toBe(0);
    // A membership change among the entries m3's log lacks and its new backend holds.
    const learner = await cluster.newMember('m4');
    const added = cluster.etcdctl(['member', 'add', 'm4', '--learner', `--peer-urls=${learner.peerUrl}`], [endpointOf(m1), endpointOf(m2)]);
    expect(added.status, added.stderr).toBe(0);
    for (let i = 20; i < 40; i++) expect(cluster.etcdctl(['put', `while-away-${i}`, `v${i}`], [endpointOf(m1), endpointOf(m2)]).status).toBe(0);
    await cluster.kill(m1, 'SIGTERM');
    await cluster.kill(m2, 'SIGTERM');

    const logEnd = await walLastIndex(m3);
    const applied = await copyState(m1, m3);
    expect(applied).toBeGreaterThan(logEnd + 30);

    for (const m of [m1, m2, m3]) cluster.spawn(m);
    await cluster.waitHealthy(60_000);
    const readOn3 = (key: string): string => cluster.etcdctl(['get', key, '--print-value-only', '--consistency=s'], [endpointOf(m3)]).stdout.trim();
    expect(readOn3('while-away-39')).toBe('v39');
    // Applied once: the keys written while m3 was away kept their first version.
    const versions = cluster.etcdctl(['get', 'while-away-', '--prefix', '-w', 'json', '--consistency=s'], [endpointOf(m3)]);
    const kvs = (JSON.parse(versions.stdout) as { kvs: { version: number }[] }).kvs;
    expect(kvs).toHaveLength(40);
    expect(kvs.every((kv) => kv.version === 1)).toBe(true);

    expect(cluster.etcdctl(['put', 'after', 'y'], [endpointOf(m1)]).status).toBe(0);
    await until('m3 applies a write made after its restart', () => readOn3('after') === 'y', { timeoutMs: 20_000 });
    // m3's raft knows the learner added while it was away: leading, it brings the learner up to date.
    const idOf = (m: ClusterMember): string => cluster.etcdctl(['member', 'list']).stdout.split('\n').find((line) => line.split(', ')[2] === m.name)!.split(', ')[0]!;
    expect(cluster.etcdctl(['move-leader', idOf(m3)], [endpointOf(cluster.leader())]).status).toBe(0);
    await until('m3 to lead', () => cluster.leader() === m3, { timeoutMs: 10_000, pollMs: 200 });
    cluster.members.push(learner); // stop() ends it with the others
    cluster.spawn(learner, 'existing');
    await until('the learner to catch up from m3', () => cluster.etcdctl(['get', 'after', '--print-value-only', '--consistency=s'], [endpointOf(learner)]).stdout.trim() === 'y', { timeoutMs: 30_000, pollMs: 200 });
    // The same keyspace on every member, revision for revision.
    await until('every member hashes the same keyspace', () => {
      const status = cluster.etcdctl(['endpoint', 'hashkv', '-w', 'json'], [m1, m2, m3].map(endpointOf));
      const hashes = (JSON.parse(status.stdout || '[]') as { HashKV: { hash: number } }[]).map((r) => r.HashKV.hash);
      return hashes.length === 3 && new Set(hashes).size === 1;
    }, { timeoutMs: 20_000, pollMs: 200 });
  }, 120_000);
});
