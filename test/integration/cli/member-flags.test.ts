// A real member started with etcd flags Barge implements or only warns about: kubeadm's static-pod flags
// are accepted (those Barge has no counterpart for, warned about); --listen-metrics-urls serves /metrics and /health there;
// --logger=capnslog with --log-outputs writes etcd's text lines to each output (--log-outputs=stdout to stdout); --cors and
// --host-whitelist act on HTTP requests as etcd's access controller; and /health answers false while
// a NOSPACE alarm is active, with etcd's exact body (compared with a real etcd). Members configured by an
// etcd --config-file alone, and by ETCD_* variables alone, start and serve.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect as connectHttp2 } from 'node:http2';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BARGE_BIN, ProcessCluster, freePort } from '../../support/process-cluster.js';
import { nodeGrpcCall } from '../../support/raw-grpc.js';
import { until } from '../../support/wait.js';

let cluster: ProcessCluster;
let metricsUrl: string;
let logFile: string;

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function httpCall(url: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  metricsUrl = `http://127.0.0.1:${await freePort()}`;
  cluster = await ProcessCluster.start(1, 'barge', [], undefined, {
    memberFlags: (m) => {
      logFile = join(dirname(m.dataDir), 'member.log');
      return [
        // What kubeadm's etcd static pod passes.
        '--experimental-initial-corrupt-check=true',
        '--experimental-watch-progress-notify-interval=5s',
        `--listen-metrics-urls=${metricsUrl}`,
        '--logger=capnslog',
        `--log-outputs=stderr,${logFile}`,
        '--cors=https://dashboard.example',
        '--host-whitelist=localhost,127.0.0.1',
        '--max-concurrent-streams=100',
        '--grpc-keepalive-interval=1m',
        '--grpc-keepalive-timeout=5s',
        '--quota-backend-bytes=20000',
        // Accepted, but Barge compacts in one batch: warned about.
        '--experimental-compaction-batch-limit=500',
      ];
    },
  });
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('a member started with etcd flags', () => {
  it("serves, and logs capnslog lines to stderr and the file, warned flags named, kubeadm's not warned about", async () => {
    expect(cluster.etcdctl(['put', 'k', 'v']).stdout).toBe('OK\n');
    expect(cluster.etcdctl(['get', 'k', '--print-value-only']).stdout).toBe('v\n');
    const fileText = readFileSync(logFile, 'utf8');
    const line = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} W \| barge: flag has no counterpart in Barge .*"flag":"--experimental-compaction-batch-limit","value":"500"/m;
    expect(fileText).toMatch(line);
    // Implemented, so not warned about.
    expect(fileText).not.toContain('"flag":"--experimental-initial-corrupt-check"');
    expect(fileText).not.toContain('"flag":"--experimental-watch-progress-notify-interval"');
    await until('the warning on stderr', () => line.test(cluster.members[0]!.log));
    expect(fileText).toMatch(/ I \| barge: ready to serve client requests/);
  });

  it('serves /metrics and /health on --listen-metrics-urls, and nothing else there', async () => {
    const metrics = await httpCall(`${metricsUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/^etcd_server_has_leader 1$/m);
    const health = await httpCall(`${metricsUrl}/health`);
    expect([health.status, health.body]).toEqual([200, '{"health":"true"}']);
    expect((await httpCall(`${metricsUrl}/version`)).status).toBe(404);
  });

  it('--max-concurrent-streams is the HTTP/2 limit gRPC connections are given', async () => {
    const session = connectHttp2(cluster.members[0]!.clientUrl);
    session.on('error', () => {});
    try {
      // The gRPC server speaks once the connection reached it, which takes a first request.
      const call = nodeGrpcCall(session, '/etcdserverpb.Maintenance/Status');
      call.end(Buffer.alloc(5));
      const seen: (number | undefined)[] = [];
      session.on('remoteSettings', (settings) => seen.push(settings.maxConcurrentStreams));
      await until('the gRPC server\'s SETTINGS', () => seen.includes(100), { timeoutMs: 10_000, pollMs: 20 });
      expect(session.remoteSettings.maxConcurrentStreams).toBe(100);
    } finally {
      session.destroy();
    }
  });

  it('--cors: the allowed origin is echoed, another gets no CORS header; a preflight is answered', async () => {
    const url = `${cluster.members[0]!.clientUrl}/version`;
    const allowed = await httpCall(url, { headers: { Origin: 'https://dashboard.example' } });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://dashboard.example');
    expect(allowed.headers['access-control-allow-methods']).toBe('POST, GET, OPTIONS, PUT, DELETE');
    const other = await httpCall(url, { headers: { Origin: 'https://elsewhere.example' } });
    expect(other.status).toBe(200);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    expect((await httpCall(url, { method: 'OPTIONS', headers: { Origin: 'https://dashboard.example' } })).status).toBe(200);
  });

  it('--host-whitelist: a plain HTTP request for another host is refused with 421 and etcd\'s text', async () => {
    const url = `${cluster.members[0]!.clientUrl}/health`;
    const refused = await httpCall(url, { headers: { Host: 'rebind.example:2379' } });
    expect(refused.status).toBe(421);
    expect(refused.body).toContain('etcd received your request, but the Host header was unrecognized.');
    expect(refused.body).toContain('  - e.g. etcd --host-whitelist "rebind.example"');
    expect((await httpCall(url, { headers: { Host: 'localhost:2379' } })).status).toBe(200);
  });
});

describe('--log-outputs=stdout', () => {
  it('writes the log lines to stdout, not stderr', () => {
    const run = spawnSync(process.execPath, [BARGE_BIN, '--log-outputs=stdout', '--experimental-compaction-batch-limit=500', '--barge-dry-run'], { cwd: cluster.dir, encoding: 'utf8', timeout: 20_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('flag has no counterpart');
    expect(run.stdout).toMatch(/^\{"level":"warn",.*"msg":"flag has no counterpart in Barge".*"flag":"--experimental-compaction-batch-limit"/m);
  });
});

describe('/health under a NOSPACE alarm', () => {
  /** Writes until the quota alarm refuses them. */
  async function raiseNoSpace(target: ProcessCluster): Promise<void> {
    const value = 'x'.repeat(600);
    let refused = '';
    await until('NOSPACE raised', () => {
      refused = target.etcdctl(['put', `fill/${Math.random()}`, value]).stderr;
      return refused.includes('database space exceeded');
    }, { timeoutMs: 30_000, pollMs: 50 });
  }

  it('answers {"health":"false"} (503) as etcd 3.4 does, on the client and metrics URLs; true again once disarmed', async () => {
    const etcd = await ProcessCluster.start(1, 'etcd', ['--quota-backend-bytes=1']);
    let expected: Answer;
    try {
      await raiseNoSpace(etcd);
      expected = await httpCall(`${etcd.members[0]!.clientUrl}/health`);
    } finally {
      await etcd.stop();
    }
    expect([expected.status, expected.body]).toEqual([503, '{"health":"false"}\n']);

    await raiseNoSpace(cluster);
    for (const url of [cluster.members[0]!.clientUrl, metricsUrl]) {
      const health = await httpCall(`${url}/health`);
      expect([health.status, health.body]).toEqual([expected.status, expected.body]);
    }
    await until('the alarm logged', () => /W \| barge: \/health error due to an alarm \{"alarm":"memberID:\d+ alarm:NOSPACE"\}/.test(cluster.members[0]!.log), { timeoutMs: 10_000, pollMs: 100 });
    cluster.etcdctl(['del', '--prefix', 'fill/']);
    cluster.etcdctl(['alarm', 'disarm']);
    const healthy = await httpCall(`${cluster.members[0]!.clientUrl}/health`);
    expect([healthy.status, healthy.body]).toEqual([200, '{"health":"true"}']);
  }, 90_000);
});

describe('a member configured without flags', () => {
  /** Starts barge with `args` and `env`, waits until it serves `clientUrl`, and checks a write there. */
  async function startAndUse(args: readonly string[], env: Record<string, string>, clientUrl: string): Promise<string> {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ETCD_')));
    const child = spawn(process.execPath, [BARGE_BIN, ...args], { env: { ...clean, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    try {
      // A lone member elects itself shortly after it starts serving.
      let put = { stdout: '', stderr: '' };
      await until('a write is accepted', () => {
        put = spawnSync('etcdctl', [`--endpoints=${clientUrl}`, '--command-timeout=2s', 'put', 'configured', 'yes'], { encoding: 'utf8', timeout: 15_000, env: { ...clean, ETCDCTL_API: '3' } });
        return put.stdout === 'OK\n' || child.exitCode !== null;
      }, { timeoutMs: 30_000, pollMs: 200 });
      expect(put.stdout, `${put.stderr}\n${log}`).toBe('OK\n');
      // The puts block this process (spawnSync): the member's log may still sit unread in its pipe.
      await until('the member logged that it serves', () => log.includes('"msg":"ready to serve client requests"') || child.exitCode !== null, { timeoutMs: 10_000, pollMs: 50 });
      return log;
    } finally {
      child.kill('SIGKILL');
    }
  }

  it("starts from etcd's --config-file YAML alone", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'barge-config-file-'));
    try {
      const client = `http://127.0.0.1:${await freePort()}`;
      const peer = `http://127.0.0.1:${await freePort()}`;
      const file = join(dir, 'etcd.conf.yml');
      writeFileSync(
        file,
        [
          "name: 'from-file'",
          `data-dir: ${join(dir, 'data')}`,
          `listen-client-urls: ${client}`,
          `advertise-client-urls: ${client}`,
          `listen-peer-urls: ${peer}`,
          `initial-advertise-peer-urls: ${peer}`,
          `initial-cluster: from-file=${peer}`,
          'heartbeat-interval: 50',
          'election-timeout: 500',
          'log-outputs: [stderr]',
          'logger: zap',
        ].join('\n'),
      );
      const log = await startAndUse([`--config-file=${file}`], {}, client);
      expect(log).toMatch(/"msg":"ready to serve client requests","name":"from-file"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('starts from ETCD_* environment variables alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'barge-env-'));
    try {
      const client = `http://127.0.0.1:${await freePort()}`;
      const peer = `http://127.0.0.1:${await freePort()}`;
      const env = {
        ETCD_NAME: 'from-env',
        ETCD_DATA_DIR: join(dir, 'data'),
        ETCD_LISTEN_CLIENT_URLS: client,
        ETCD_ADVERTISE_CLIENT_URLS: client,
        ETCD_LISTEN_PEER_URLS: peer,
        ETCD_INITIAL_ADVERTISE_PEER_URLS: peer,
        ETCD_INITIAL_CLUSTER: `from-env=${peer}`,
        ETCD_EXPERIMENTAL_COMPACTION_BATCH_LIMIT: '500',
      };
      const log = await startAndUse([], env, client);
      expect(log).toMatch(/"msg":"ready to serve client requests","name":"from-env"/);
      // Read from the environment: warned about as the flag would be.
      expect(log).toContain('"flag":"--experimental-compaction-batch-limit","value":"500"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
