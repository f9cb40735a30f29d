// `barge up --etcd-servers`: the control plane on a store it did not start, here a real etcd 3.4. No
// Barge member is started; the node a hollow kubelet registers lands under /registry in that etcd.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BARGE_BIN, exitCodeWithin, freePort, ProcessCluster } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';
import { prepareBargeBinary } from '../apiserver/apiserver-process.js';

describe('barge up --etcd-servers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'barge-up-etcd-'));
  let etcd: ProcessCluster;
  let up: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    prepareBargeBinary();
    etcd = await ProcessCluster.start(1, 'etcd');
    const apiserverPort = await freePort();
    const servers = etcd.members.map((m) => m.clientUrl).join(',');
    up = spawn(process.execPath, [BARGE_BIN, 'up', '--dir', dir, `--etcd-servers=${servers}`, `--apiserver-port=${apiserverPort}`, '--nodes=1', '--image-pull-delay=100'], { stdio: ['ignore', 'pipe', 'pipe'] });
    up.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    up.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await until('barge up to be ready', () => output.includes('Try: kubectl'), { timeoutMs: 180_000, pollMs: 200 }).catch((e: Error) => {
      throw new Error(`${e.message}\n${output}`);
    });
  }, 200_000);

  afterAll(async () => {
    if (up && up.exitCode === null) {
      up.kill('SIGINT');
      await exitCodeWithin(up, 30_000);
    }
    await etcd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts no member, and keeps its objects in the given etcd', () => {
    expect(output).toContain(`[etcd] using the store at ${etcd.members[0]!.clientUrl}`);
    expect(output).not.toContain('Barge members');
    const nodes = spawnSync('kubectl', ['--kubeconfig', join(dir, 'admin.conf'), '--cache-dir', join(dir, 'kube-cache'), 'get', 'nodes', '--no-headers'], { encoding: 'utf8', timeout: 30_000 });
    expect(nodes.stdout).toMatch(/^hollow-node-1\s+Ready\s/);
    expect(etcd.etcdctl(['get', '/registry/minions/', '--prefix', '--keys-only']).stdout.trim()).toBe('/registry/minions/hollow-node-1');
  });
});
