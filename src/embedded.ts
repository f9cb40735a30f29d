// An in-process Barge cluster for other projects' tests: `startCluster()` runs 1, 3 or 5 members inside
// this Node process on free loopback ports (no binary, no Docker) and returns their endpoints.

import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientApi } from './api/grpc-server.js';
import { EtcdServer, type ServerConfig } from './server/etcd-server.js';

export interface EmbeddedClusterOptions {
  /** 1, 3 or 5 members (default 3). */
  readonly size?: 1 | 3 | 5;
  /** Where member data goes (default: a new temporary directory, removed by stop()). */
  readonly dataDir?: string;
  /** Milliseconds; defaults are etcd's (100 / 1000). */
  readonly heartbeatIntervalMs?: number;
  readonly electionTimeoutMs?: number;
  /** Lease checkpoints (etcd's --experimental-enable-lease-checkpoint) at this interval; off when unset. */
  readonly leaseCheckpointIntervalMs?: number;
  /** With lease checkpoints: kept on disk too (etcd's --experimental-enable-lease-checkpoint-persist). */
  readonly leaseCheckpointPersist?: boolean;
  /** Receives each member's log events (default: dropped). */
  readonly log?: (member: string, level: string, msg: string, fields?: Record<string, unknown>) => void;
}

export interface EmbeddedCluster {
  /** host:port of every member's client URL. */
  readonly endpoints: string[];
  /** http://host:port of every member's client URL. */
  readonly clientUrls: string[];
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startCluster(options: EmbeddedClusterOptions = {}): Promise<EmbeddedCluster> {
  const size = options.size ?? 3;
  const ownDir = options.dataDir === undefined;
  const dir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'barge-embedded-')));
  const members = [];
  for (let i = 1; i <= size; i++) {
    members.push({ name: `barge-${i}`, clientUrl: `http://127.0.0.1:${await freePort()}`, peerUrl: `http://127.0.0.1:${await freePort()}` });
  }
  const initialCluster = new Map(members.map((m) => [m.name, [m.peerUrl]]));
  const started = await Promise.all(
    members.map(async (m) => {
      const config: ServerConfig = {
        name: m.name,
        dataDir: join(dir, m.name),
        listenClientUrls: [m.clientUrl],
        advertiseClientUrls: [m.clientUrl],
        listenPeerUrls: [m.peerUrl],
        initialAdvertisePeerUrls: [m.peerUrl],
        initialCluster,
        initialClusterState: 'new',
        initialClusterToken: 'barge-embedded',
        heartbeatIntervalMs: options.heartbeatIntervalMs ?? 100,
        electionTimeoutMs: options.electionTimeoutMs ?? 1000,
        snapshotCount: 100_000,
        snapshotCatchUpEntries: 5000,
        maxTxnOps: 128,
        maxRequestBytes: 1.5 * 1024 * 1024,
        quotaBackendBytes: 2 * 1024 ** 3,
        ...(options.leaseCheckpointIntervalMs === undefined ? {} : { leaseCheckpoint: true, leaseCheckpointIntervalMs: options.leaseCheckpointIntervalMs, leaseCheckpointPersist: options.leaseCheckpointPersist ?? false }),
        log: (level, msg, fields) => options.log?.(m.name, level, msg, fields),
      };
      const server = await EtcdServer.start(config);
      const api = new ClientApi(server);
      await api.listen(config.listenClientUrls);
      return { server, api };
    }),
  );
  // Ready once a leader is known everywhere, so the first request does not race the election.
  const deadline = Date.now() + 10 * (options.electionTimeoutMs ?? 1000);
  while (started.some(({ server }) => server.leaderId === 0n)) {
    if (Date.now() > deadline) throw new Error('embedded cluster elected no leader');
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    endpoints: members.map((m) => m.clientUrl.replace('http://', '')),
    clientUrls: members.map((m) => m.clientUrl),
    stop: async () => {
      await Promise.all(started.map(async ({ server, api }) => Promise.all([api.close(), server.stop()])));
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
}
