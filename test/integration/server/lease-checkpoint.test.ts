// --experimental-enable-lease-checkpoint: the leader records each lease's remaining TTL through raft, so
// after a leader change the new leader gives the lease what was left of it, not a full TTL again; a
// keep-alive clears the checkpoint. With --experimental-enable-lease-checkpoint-persist the checkpoint is
// on disk too, so it outlives a restart of every member. Embedded clusters (the checkpoint interval, fixed
// at etcd's 5 minutes on the command line, is set short there), driven with the real etcdctl.

import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type EmbeddedCluster, type EmbeddedClusterOptions } from '../../../src/embedded.js';
import { until } from '../../support/wait.js';

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

async function remaining(id: string, endpoints: readonly string[] = cluster.endpoints): Promise<number> {
  const text = await etcdctl(['lease', 'timetolive', id], endpoints);
  const match = /granted with TTL\(\d+s\), remaining\((-?\d+)s\)/.exec(text);
  if (!match) throw new Error(`unexpected timetolive output: ${text}`);
  return Number(match[1]);
}

/** The highest raft index the members report. */
async function raftIndex(): Promise<number> {
  const text = await etcdctl(['endpoint', 'status', '-w', 'json']);
  return Math.max(...[...text.matchAll(/"raftIndex":(\d+)/g)].map((m) => Number(m[1])));
}

/** With no writes, the raft log grows only by the leader's lease checkpoints: one is committed after this call. */
async function checkpointTaken(): Promise<void> {
  const before = await raftIndex();
  await until('a lease checkpoint after this point', async () => (await raftIndex()) > before, { timeoutMs: 30_000, pollMs: 200 });
}

describe('lease checkpoints', () => {
  it('a new leader gives a lease what its checkpoint left, and a keep-alive clears the checkpoint', async () => {
    const id = /lease ([0-9a-f]+) granted/.exec(await etcdctl(['lease', 'grant', '30']))![1]!;
    // Checkpoints every second: wait until the lease has used some of its TTL and one was taken since.
    await until('the lease to have used 7 s', async () => (await remaining(id)) <= 23, { timeoutMs: 30_000, pollMs: 250 });
    await checkpointTaken();
    await changeLeader();
    // Without the checkpoint the new leader would give it 30 s plus an election timeout again.
    const afterChange = await remaining(id);
    expect(afterChange).toBeLessThanOrEqual(25);
    expect(afterChange).toBeGreaterThan(5);

    await etcdctl(['lease', 'keep-alive', '--once', id]);
    // The clearing checkpoint (or a later one, of a TTL just renewed) goes out within the leader's next lease check.
    await checkpointTaken();
    await changeLeader();
    expect(await remaining(id)).toBeGreaterThanOrEqual(27);
  }, 120_000);
});

/**
 * A one-member cluster on its own data dir: a 60 s lease is used down to 45 s with checkpoints every
 * second, then the member stops and starts again. Resolves with what the lease has left after the restart.
 */
async function remainingAfterRestart(persist: boolean): Promise<number> {
  const dataDir = await mkdtemp(join(tmpdir(), 'barge-lease-persist-'));
  const options: EmbeddedClusterOptions = { size: 1, dataDir, leaseCheckpointIntervalMs: 1000, leaseCheckpointPersist: persist };
  let single: EmbeddedCluster | undefined = await startCluster(options);
  try {
    const id = /lease ([0-9a-f]+) granted/.exec(await etcdctl(['lease', 'grant', '60'], single.endpoints))![1]!;
    const endpoints = single.endpoints;
    await until('the lease to have used 15 s', async () => (await remaining(id, endpoints)) <= 45, { timeoutMs: 60_000, pollMs: 500 });
    await single.stop();
    single = undefined;
    single = await startCluster(options);
    return await remaining(id, single.endpoints);
  } finally {
    await single?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

describe('lease checkpoints kept on disk (--experimental-enable-lease-checkpoint-persist)', () => {
  it('a restart of every member gives a lease what its last checkpoint left; without the flag, a full TTL again', async () => {
    const [persisted, inMemory] = await Promise.all([remainingAfterRestart(true), remainingAfterRestart(false)]);
    // About 45 s plus the election timeout a new leader adds; the checkpoints taken from 5 s of use on all fit.
    expect(persisted).toBeLessThanOrEqual(56);
    expect(persisted).toBeGreaterThan(30);
    // 60 s plus the election timeout, as etcd 3.4 does without the flag.
    expect(inMemory).toBeGreaterThanOrEqual(59);
  }, 150_000);
});
