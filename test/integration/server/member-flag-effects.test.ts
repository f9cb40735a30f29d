// etcd flags that change what a member does, each shown by its effect on a real member: --wal-dir puts the
// raft log in a directory of its own (a restart finds it there; bargectl snapshot restore --wal-dir makes
// one), --max-snapshots bounds the snapshot
// files kept, --grpc-keepalive-interval/-timeout make the server ping gRPC connections and close one whose
// pings go unanswered, and --bcrypt-cost is the cost of the password hashes stored (etcd's warning and
// cost 10 outside 4-31).

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { connect as connectHttp2 } from 'node:http2';
import { createServer, connect as connectTcp, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BARGECTL } from '../cli/ctl-harness.js';
import { BARGE_BIN, ProcessCluster } from '../../support/process-cluster.js';
import { nodeGrpcCall } from '../../support/raw-grpc.js';
import { until } from '../../support/wait.js';

let cluster: ProcessCluster;
const walDirOf = (dataDir: string): string => `${dataDir}-wal`;

beforeAll(async () => {
  cluster = await ProcessCluster.start(1, 'barge', [], undefined, {
    memberFlags: (m) => [
      `--wal-dir=${walDirOf(m.dataDir)}`,
      '--snapshot-count=20',
      '--experimental-snapshot-catchup-entries=5',
      '--max-snapshots=2',
      '--grpc-keepalive-interval=1s',
      '--grpc-keepalive-timeout=1s',
      '--bcrypt-cost=4',
    ],
  });
}, 90_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('--wal-dir and --max-snapshots', () => {
  it('keeps the raft log in --wal-dir, at most two snapshot files, and restarts from both directories', async () => {
    const member = cluster.members[0]!;
    const client = new Etcd3({ hosts: member.clientUrl });
    try {
      for (let batch = 0; batch < 6; batch++) {
        await Promise.all(Array.from({ length: 20 }, (_, i) => client.put(`walled/${batch * 20 + i}`).value(`v${batch * 20 + i}`)));
      }
    } finally {
      client.close();
    }
    // Older files go once the newest is in place, so a save in progress may briefly show a third.
    const snapFiles = (): string[] => readdirSync(join(member.dataDir, 'member', 'snap')).filter((f) => f.endsWith('.snap'));
    // Seen once is the point: a later save may be in progress again by the time anything else looks.
    await until('four snapshots saved and the older ones removed', () => (member.log.match(/"msg":"saved snapshot"/g) ?? []).length >= 4 && snapFiles().length === 2, { timeoutMs: 20_000, pollMs: 100 });
    // WAL segments in --wal-dir, and none in the data dir.
    expect(readdirSync(walDirOf(member.dataDir))).toContain('0000000000000000-0000000000000001.wal');
    expect(existsSync(join(member.dataDir, 'member', 'wal'))).toBe(false);

    await cluster.kill(member);
    member.log = '';
    cluster.spawn(member);
    await cluster.waitHealthy();
    // The health check may answer before this process has read the member's log from its pipe.
    await until('the restart logged', () => member.log.includes('"msg":"restarting member from its data dir"'), { timeoutMs: 10_000, pollMs: 100 });
    expect(cluster.etcdctl(['get', 'walled/119', '--print-value-only']).stdout).toBe('v119\n');
  }, 90_000);

  it('bargectl snapshot restore --wal-dir makes the raft log there, as etcdctl does', () => {
    const file = join(cluster.dir, 'walled.db');
    expect(cluster.etcdctl(['snapshot', 'save', file]).status).toBe(0);
    const dataDir = join(cluster.dir, 'restored');
    const walDir = join(cluster.dir, 'restored-wal');
    const run = spawnSync(process.execPath, [BARGECTL, 'snapshot', 'restore', file, `--data-dir=${dataDir}`, `--wal-dir=${walDir}`], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(readdirSync(walDir).filter((f) => f.endsWith('.wal'))).toHaveLength(1);
    expect(existsSync(join(dataDir, 'member', 'wal'))).toBe(false);
    expect(existsSync(join(dataDir, 'member', 'snap', 'db'))).toBe(true);
  }, 60_000);
});

/** HTTP/2 frames a server sends on a cleartext connection: 9-byte headers, type 6 is PING (flag 1: an ack). */
function countPings(onPing: () => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 9) {
      const length = pending.readUIntBE(0, 3);
      if (pending.length < 9 + length) return;
      if (pending[3] === 6 && (pending[4]! & 1) === 0) onPing();
      pending = pending.subarray(9 + length);
    }
  };
}

describe('--grpc-keepalive-interval and --grpc-keepalive-timeout', () => {
  it('pings a gRPC connection every interval and closes it once a ping goes unanswered for the timeout', async () => {
    const target = new URL(cluster.members[0]!.clientUrl);
    let pings = 0;
    let blackhole = false;
    let upstreamClosed = false;
    // A relay that sees the server's frames and, when told, stops passing them on (so pings go unanswered).
    const relay: Server = createServer((downstream) => {
      const up: Socket = connectTcp(Number(target.port), target.hostname);
      const seen = countPings(() => pings++);
      up.on('data', (chunk: Buffer) => {
        seen(chunk);
        if (!blackhole) downstream.write(chunk);
      });
      downstream.on('data', (chunk: Buffer) => up.write(chunk));
      up.on('close', () => {
        upstreamClosed = true;
        downstream.destroy();
      });
      downstream.on('close', () => up.destroy());
      up.on('error', () => {});
      downstream.on('error', () => {});
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const port = (relay.address() as { port: number }).port;
    const session = connectHttp2(`http://127.0.0.1:${port}`);
    session.on('error', () => {});
    try {
      // The gRPC server takes the connection once it carries a first request.
      const call = nodeGrpcCall(session, '/etcdserverpb.Maintenance/Status');
      call.end(Buffer.alloc(5));
      const started = Date.now();
      await until('two keepalive pings', () => pings >= 2, { timeoutMs: 20_000, pollMs: 50 });
      // One a second: two take at least about a second, and far less than etcd's default 2 h.
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(upstreamClosed).toBe(false);
      blackhole = true;
      await until('the server closes the connection whose ping went unanswered', () => upstreamClosed, { timeoutMs: 20_000, pollMs: 50 });
    } finally {
      session.destroy();
      relay.close();
    }
  }, 60_000);
});

describe('--bcrypt-cost', () => {
  it('is the cost of the password hashes stored (read back from a snapshot)', () => {
    expect(cluster.etcdctl(['user', 'add', 'alice:secret']).stdout).toBe('User alice created\n');
    const file = join(cluster.dir, 'bcrypt.db');
    expect(cluster.etcdctl(['snapshot', 'save', file]).status).toBe(0);
    const saved = readFileSync(file).toString('latin1');
    expect(saved).toMatch(/\$2a\$04\$[./A-Za-z0-9]{53}/);
    expect(saved).not.toMatch(/\$2a\$10\$/);
  });

  it("outside 4-31 falls back to 10 with etcd's warning", () => {
    const run = spawnSync(process.execPath, [BARGE_BIN, '--bcrypt-cost=3', '--barge-dry-run'], { cwd: cluster.dir, encoding: 'utf8', timeout: 20_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/"msg":"use default bcrypt cost instead of the invalid given cost".*"default-cost":10,"given-cost":3/);
  });
});
