// --experimental-enable-lease-checkpoint: the leader records each lease's remaining TTL through raft, so
// after a leader change the new leader gives the lease what was left of it, not a full TTL again; a
// keep-alive clears the checkpoint. An embedded cluster (the checkpoint interval, fixed at etcd's
// 5 minutes on the command line, is set short there), driven with the real etcdctl.

import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type EmbeddedCluster } from '../../../src/embedded.js';
import { sleep } from '../../support/wait.js';

let cluster: EmbeddedCluster;

beforeAll(async () => {
  cluster = await startCluster({ size: 3, leaseCheckpointIntervalMs: 1000 });
}, 90_000);

afterAll(async () => {
  await cluster?.stop();
});

/** etcdctl, run without blocking: the members it talks to live in this process. */
function etcdctl(args: readonly string[], endpoints: readonly string[] = cluster.endpoints): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('etcdctl', [`--endpoints=${endpoints.join(',')}`, '--command-timeout=10s', ...args], { env: { ...process.env, ETCDCTL_API: '3' }, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`etcdctl ${args.join(' ')}: ${stderr}`));
      else resolve(stdout);
    });
  });
}

/** The leader's id and a follower's, in hex, from endpoint status (read as text: JSON numbers would round 64-bit ids). */
async function roles(): Promise<{ leader: string; follower: string }> {
  const text = await etcdctl(['endpoint', 'status', '-w', 'json']);
  const hex = (decimal: string): string => BigInt(decimal).toString(16);
  const leader = hex(/"leader":(\d+)/.exec(text)![1]!);
  const members = [...text.matchAll(/"member_id":(\d+)/g)].map((m) => hex(m[1]!));
  return { leader, follower: members.find((id) => id !== leader)! };
}

async function changeLeader(): Promise<void> {
  const { leader, follower } = await roles();
  expect(await etcdctl(['move-leader', follower])).toBe(`Leadership transferred from ${leader} to ${follower}\n`);
}

async function remaining(id: string): Promise<number> {
  const text = await etcdctl(['lease', 'timetolive', id]);
  const match = /granted with TTL\(30s\), remaining\((-?\d+)s\)/.exec(text);
  if (!match) throw new Error(`unexpected timetolive output: ${text}`);
  return Number(match[1]);
}

describe('lease checkpoints', () => {
  it('a new leader gives a lease what its checkpoint left, and a keep-alive clears the checkpoint', async () => {
    const id = /lease ([0-9a-f]+) granted/.exec(await etcdctl(['lease', 'grant', '30']))![1]!;
    // Checkpoints every second: wait until the lease has used some of its TTL and one was taken since.
    const deadline = Date.now() + 30_000;
    while ((await remaining(id)) > 23) {
      if (Date.now() > deadline) throw new Error('the lease never used 6 seconds');
      await sleep(250);
    }
    await sleep(1500);
    await changeLeader();
    // Without the checkpoint the new leader would give it 30 s plus an election timeout again.
    const afterChange = await remaining(id);
    expect(afterChange).toBeLessThanOrEqual(25);
    expect(afterChange).toBeGreaterThan(5);

    await etcdctl(['lease', 'keep-alive', '--once', id]);
    // The clearing checkpoint goes out within the leader's next lease check.
    await sleep(1500);
    await changeLeader();
    expect(await remaining(id)).toBeGreaterThanOrEqual(27);
  }, 120_000);
});
