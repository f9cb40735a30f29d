// A member serves its clients only once it is ready, on etcd and on Barge: etcd binds its client URLs at
// start but serves them from its ReadyNotify on, once its attributes are published through raft, so a
// member restarted without a quorum answers nothing, not even a serializable read, until one is back; and
// a watch that asks for a leader is never told "no leader" by a member that has not had one since it started.
// A connection made meanwhile is served once the member is ready, a TLS one as well.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster, type Implementation } from '../../support/process-cluster.js';
import { suiteCluster } from '../../support/suite-cluster.js';
import { createTestPki } from '../../support/tls.js';
import { until } from '../../support/wait.js';

describe.each<Implementation>(['etcd', 'barge'])('a member restarted without a quorum, on %s', (implementation) => {
  const clusterOf = suiteCluster(3, implementation, ['--heartbeat-interval=100', '--election-timeout=1000']);

  it('serves nothing until it has published itself, then serves', async () => {
    const cluster = clusterOf();
    const [first, second, third] = cluster.members;
    const endpoint = first!.clientUrl.replace('http://', '');
    expect(cluster.etcdctl(['put', 'ready-key', 'v'], [endpoint]).status).toBe(0);
    await Promise.all(cluster.members.map((m) => cluster.kill(m)));

    cluster.spawn(first!, 'existing');
    // Given time to start and bind its port: a serializable read needs no leader, yet is not answered.
    const early = cluster.etcdctl(['get', 'ready-key', '--consistency=s', '--command-timeout=3s'], [endpoint]);
    expect(early.status).not.toBe(0);
    expect(early.stderr).toContain('context deadline exceeded');

    cluster.spawn(second!, 'existing');
    await until(
      'the member to serve once a quorum is back',
      () => cluster.etcdctl(['get', 'ready-key', '--consistency=s', '--print-value-only'], [endpoint]).stdout === 'v\n',
      { timeoutMs: 30_000, pollMs: 200 },
    );
    cluster.spawn(third!, 'existing');
  }, 90_000);
});

describe.each<Implementation>(['etcd', 'barge'])('a TLS client of a member restarted without a quorum, on %s', (implementation) => {
  let dir: string;
  let cluster: ProcessCluster;
  let cacert: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'barge-ready-tls-'));
    const pki = await createTestPki(dir);
    cacert = pki.caFile;
    const certs = new Map(await Promise.all(['m1', 'm2', 'm3'].map(async (name) => [name, await pki.member(name)] as const)));
    cluster = await ProcessCluster.start(3, implementation, ['--heartbeat-interval=100', '--election-timeout=1000'], undefined, {
      clientScheme: 'https',
      memberFlags: (m) => [`--cert-file=${certs.get(m.name)!.cert}`, `--key-file=${certs.get(m.name)!.key}`],
      etcdctlFlags: [`--cacert=${pki.caFile}`],
    });
  }, 90_000);

  afterAll(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is answered once the member is ready, over the connection it made before', async () => {
    const [first, second, third] = cluster.members;
    const endpoint = first!.clientUrl;
    expect(cluster.etcdctl(['put', 'ready-key', 'v'], [endpoint]).status).toBe(0);
    await Promise.all(cluster.members.map((m) => cluster.kill(m)));

    cluster.spawn(first!, 'existing');
    // Dials (and retries the dial) until the member listens; its TLS handshake then waits for the member.
    // Its deadline is under grpc-go's 20 s connect timeout: a handshake left hanging would not be retried in time.
    const child = spawn('etcdctl', [`--endpoints=${endpoint}`, `--cacert=${cacert}`, '--command-timeout=15s', 'get', 'ready-key', '--consistency=s', '--print-value-only'], {
      env: { ...process.env, ETCDCTL_API: '3' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    // Still waiting: not answered, not refused.
    expect(child.exitCode, output).toBeNull();

    cluster.spawn(second!, 'existing');
    expect(await exited, output).toBe(0);
    expect(output).toBe('v\n');
    cluster.spawn(third!, 'existing');
  }, 90_000);
});
