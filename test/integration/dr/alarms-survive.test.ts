// Alarms live in the backend, as etcd's do, so they survive what replaces a member's backend: a follower
// that catches up by snapshot (state transfer) sees the alarm raised while it was down, and a snapshot
// saved with etcdctl and restored with `bargectl snapshot restore` keeps it, as `etcdctl snapshot
// restore` keeps etcd's alarm bucket (compared with a real etcd restored from the same file).

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster, type ClusterMember, type Implementation } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';
import { BARGECTL } from '../cli/ctl-harness.js';

let cluster: ProcessCluster;
const restored: ProcessCluster[] = [];

beforeAll(async () => {
  cluster = await ProcessCluster.start(3, 'barge', ['--snapshot-count=50', '--experimental-snapshot-catchup-entries=5'], undefined, { startTimeoutMs: 90_000 });
}, 120_000);

afterAll(async () => {
  await Promise.all([cluster, ...restored].map((c) => c?.stop()));
});

const endpoint = (m: ClusterMember): string => m.clientUrl.replace('http://', '');

function memberId(name: string): bigint {
  const line = cluster.etcdctl(['member', 'list']).stdout.split('\n').find((l) => l.includes(`, ${name},`))!;
  return BigInt(`0x${line.split(',')[0]!}`);
}

let alarmLine = '';

describe('alarms survive a replaced backend', () => {
  it('a follower that catches up by snapshot sees the alarm raised while it was down', async () => {
    const leader = cluster.leader();
    const follower = cluster.members.find((m) => m !== leader)!;
    await cluster.kill(follower);
    const leaderId = memberId(leader.name);
    const client = new Etcd3({ hosts: [leader.clientUrl] });
    try {
      await client.maintenance.alarm({ action: 'Activate', memberID: leaderId.toString(), alarm: 'Nospace' });
      // Deletes are still allowed under NOSPACE: enough entries for a snapshot and a compacted log.
      for (let i = 0; i < 120; i++) await client.delete().key(`gone/${i}`);
    } finally {
      client.close();
    }
    alarmLine = `memberID:${leaderId} alarm:NOSPACE \n`;
    expect(cluster.etcdctl(['alarm', 'list'], [endpoint(leader)]).stdout).toBe(alarmLine);

    follower.log = '';
    cluster.spawn(follower);
    await until('the follower installed a snapshot', () => follower.log.includes('installing snapshot'), { timeoutMs: 60_000, pollMs: 250 });
    expect(cluster.etcdctl(['alarm', 'list'], [endpoint(follower)]).stdout).toBe(alarmLine);
  }, 120_000);

  it('a snapshot restored with bargectl keeps the alarm, as etcdctl restores it for etcd', async () => {
    const file = join(cluster.dir, 'alarmed.db');
    expect(cluster.etcdctl(['snapshot', 'save', file], [endpoint(cluster.leader())]).status).toBe(0);
    const restore = (implementation: Implementation) => async (members: readonly ClusterMember[], target: ProcessCluster): Promise<void> => {
      const member = members[0]!;
      const [bin, ...pre] = implementation === 'barge' ? [process.execPath, BARGECTL] : ['etcdctl'];
      const flags = [`--data-dir=${member.dataDir}`, `--name=${member.name}`, `--initial-cluster=${target.initialCluster()}`, `--initial-advertise-peer-urls=${member.peerUrl}`, '--initial-cluster-token=test-cluster'];
      const result = spawnSync(bin!, [...pre, 'snapshot', 'restore', file, ...flags], { env: { ...process.env, ETCDCTL_API: '3' }, encoding: 'utf8', timeout: 60_000 });
      if (result.status !== 0) throw new Error(`${implementation} restore: ${result.stderr}`);
    };
    for (const implementation of ['etcd', 'barge'] as const) {
      const single = await ProcessCluster.start(1, implementation, [], restore(implementation), { startTimeoutMs: 90_000 });
      restored.push(single);
      expect(single.etcdctl(['alarm', 'list']).stdout, implementation).toBe(alarmLine);
    }
  }, 240_000);
});
