// A member keeps only the newest few MB of log entries in memory; a follower that missed more than that
// is sent the older entries read back from the leader's WAL segments (not a snapshot: --snapshot-count is
// etcd's default here), and ends with the same keyspace as the others.

import { Etcd3 } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { metricValue } from '../../support/metrics.js';
import { ProcessCluster, type ClusterMember } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';

const entriesReadBack = (member: ClusterMember): Promise<number> => metricValue(member.clientUrl, 'barge_raft_log_entries_read_back_total');

describe('log entries beyond what memory keeps', () => {
  it('a follower that missed 12 MB catches up from the leader\'s WAL, entry by entry, to the same keyspace', async () => {
    const cluster = await ProcessCluster.start(3, 'barge');
    try {
      await catchUpFromTheWal(cluster);
    } finally {
      await cluster.stop();
    }
  }, 180_000);
});

/** Stops a follower, writes 12 MB through the others, restarts it and checks how it caught up. */
async function catchUpFromTheWal(cluster: ProcessCluster): Promise<void> {
  const leader = cluster.leader();
  const follower = cluster.members.find((m) => m !== leader)!;
  const others = cluster.members.filter((m) => m !== follower);
  await cluster.kill(follower);

  const client = new Etcd3({ hosts: others.map((m) => m.clientUrl) });
  try {
    // 120 values of 100 KB, each distinct: three times what a member keeps in memory.
    for (let i = 0; i < 120; i++) await client.put(`big/${String(i).padStart(3, '0')}`).value(Buffer.alloc(100_000, i % 251));
  } finally {
    client.close();
  }
  expect(await entriesReadBack(leader)).toBe(0);

  const logBefore = follower.log.length;
  cluster.spawn(follower);
  await cluster.waitHealthy();
  const back = [follower.clientUrl.replace('http://', '')];
  await until('the follower to hold the last key', () => cluster.etcdctl(['get', 'big/119', '--consistency=s', '--keys-only'], back).stdout.includes('big/119'), { timeoutMs: 30_000, pollMs: 200 });

  expect(follower.log.slice(logBefore)).not.toContain('installing snapshot');
  expect(await entriesReadBack(leader)).toBeGreaterThan(60);
  const hashes = cluster.members.map((m) => JSON.parse(cluster.etcdctl(['endpoint', 'hashkv', '-w', 'json'], [m.clientUrl.replace('http://', '')]).stdout)[0].HashKV.hash as number);
  expect(new Set(hashes).size).toBe(1);
  const value = cluster.etcdctl(['get', 'big/007', '--consistency=s', '--print-value-only'], back).stdout;
  expect(value).toBe(`${String.fromCharCode(7).repeat(100_000)}\n`);
}
