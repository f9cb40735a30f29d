// --experimental-enable-lease-checkpoint: the leader records each lease's remaining TTL through raft, so
// after a leader change the new leader gives the lease what was left of it, not a full TTL again; a
// keep-alive clears the checkpoint. Three members in this process (the checkpoint interval, fixed at
// etcd's 5 minutes on the command line, is set short here), served to the real etcdctl.

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientApi } from '../../../src/api/grpc-server.js';
import { EtcdServer, type ServerConfig } from '../../../src/server/etcd-server.js';
import { freePort } from '../../support/process-cluster.js';
import { sleep, until } from '../../support/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'lease-checkpoint-'));
const members: { server: EtcdServer; api: ClientApi; endpoint: string }[] = [];

beforeAll(async () => {
  const addresses = [];
  for (let i = 1; i <= 3; i++) addresses.push({ name: `m${i}`, client: `http://127.0.0.1:${await freePort()}`, peer: `http://127.0.0.1:${await freePort()}` });
  const initialCluster = new Map(addresses.map((a) => [a.name, [a.peer]]));
  for (const a of addresses) {
    const config: ServerConfig = {
      name: a.name,
      dataDir: join(dir, a.name),
      listenClientUrls: [a.client],
      advertiseClientUrls: [a.client],
      listenPeerUrls: [a.peer],
      initialAdvertisePeerUrls: [a.peer],
      initialCluster,
      initialClusterState: 'new',
      initialClusterToken: 'lease-checkpoint',
      heartbeatIntervalMs: 100,
      electionTimeoutMs: 1000,
      snapshotCount: 100_000,
      snapshotCatchUpEntries: 5000,
      maxTxnOps: 128,
      maxRequestBytes: 1.5 * 1024 * 1024,
      quotaBackendBytes: 2 * 1024 ** 3,
      leaseCheckpoint: true,
      leaseCheckpointIntervalMs: 1000,
      log: () => undefined,
    };
    const server = await EtcdServer.start(config);
    const api = new ClientApi(server);
    await api.listen(config.listenClientUrls);
    members.push({ server, api, endpoint: a.client.replace('http://', '') });
  }
  await until('a leader everywhere', () => members.every((m) => m.server.leaderId !== 0n), { timeoutMs: 60_000, pollMs: 50 });
}, 90_000);

afterAll(async () => {
  await Promise.all(members.map(async ({ server, api }) => Promise.all([api.close(), server.stop()])));
  rmSync(dir, { recursive: true, force: true });
});

/** etcdctl, run without blocking: the members it talks to live in this process. */
function etcdctl(args: readonly string[], endpoint: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('etcdctl', [`--endpoints=${endpoint}`, '--command-timeout=10s', ...args], { env: { ...process.env, ETCDCTL_API: '3' }, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`etcdctl ${args.join(' ')}: ${stderr}`));
      else resolve(stdout);
    });
  });
}

const leader = (): (typeof members)[number] => members.find((m) => m.server.leaderId === m.server.id)!;

/** Hands leadership to another member and waits until every member follows it. */
async function changeLeader(): Promise<void> {
  const from = leader();
  const to = members.find((m) => m !== from)!;
  from.server.transferLeadership(to.server.id);
  await until('the new leader everywhere', () => members.every((m) => m.server.leaderId === to.server.id), { timeoutMs: 30_000, pollMs: 50 });
}

async function remaining(id: string): Promise<number> {
  const text = await etcdctl(['lease', 'timetolive', id], leader().endpoint);
  const match = /granted with TTL\(30s\), remaining\((-?\d+)s\)/.exec(text);
  if (!match) throw new Error(`unexpected timetolive output: ${text}`);
  return Number(match[1]);
}

describe('lease checkpoints', () => {
  it('a new leader gives a lease what its checkpoint left, and a keep-alive clears the checkpoint', async () => {
    await until('a stable leader', () => leader() !== undefined, { timeoutMs: 30_000, pollMs: 50 });
    const id = /lease ([0-9a-f]+) granted/.exec(await etcdctl(['lease', 'grant', '30'], leader().endpoint))![1]!;
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

    await etcdctl(['lease', 'keep-alive', '--once', id], leader().endpoint);
    // The clearing checkpoint goes out within the leader's next lease check.
    await sleep(1500);
    await changeLeader();
    expect(await remaining(id)).toBeGreaterThanOrEqual(27);
  }, 120_000);
});
