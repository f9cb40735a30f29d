// Barge in place of etcd on kubeadm control-plane nodes: three members, each started with exactly the
// flag list kubeadm 1.32 writes into its etcd static pod (etcd.yaml), with certificates laid out as
// kubeadm's etcd PKI (pki/etcd/ca, the member's server and peer pairs, apiserver-etcd-client). The real
// etcdctl with the apiserver's etcd client certificate writes, reads, lists members and checks health,
// and /health answers on the plain-HTTP metrics URL kubeadm's liveness probe uses.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePki, type Pki } from '../../../src/pki/kubeadm-pki.js';
import { BARGE_BIN, freePort } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';

interface Node {
  readonly name: string;
  /** https://127.0.0.1:<port>, kubeadm's first --listen-client-urls (the node address is a second port here). */
  readonly clientUrl: string;
  readonly nodeClientUrl: string;
  readonly peerUrl: string;
  readonly metricsUrl: string;
  process?: ChildProcess;
  log: string;
}

const NAMES = ['cp-1', 'cp-2', 'cp-3'];
let dir: string;
let pki: Pki;
const nodes: Node[] = [];

/** kubeadm's etcd.yaml command for `node`, flag for flag (GetEtcdPodSpec's defaults, in its order). */
function kubeadmEtcdFlags(node: Node): string[] {
  const member = pki.etcdMembers.get(node.name)!;
  return [
    `--advertise-client-urls=${node.nodeClientUrl}`,
    `--cert-file=${member.server.certFile}`,
    '--client-cert-auth=true',
    `--data-dir=${join(dir, 'var-lib-etcd', node.name)}`,
    '--experimental-initial-corrupt-check=true',
    '--experimental-watch-progress-notify-interval=5s',
    `--initial-advertise-peer-urls=${node.peerUrl}`,
    `--initial-cluster=${nodes.map((n) => `${n.name}=${n.peerUrl}`).join(',')}`,
    `--key-file=${member.server.keyFile}`,
    `--listen-client-urls=${node.clientUrl},${node.nodeClientUrl}`,
    `--listen-metrics-urls=${node.metricsUrl}`,
    `--listen-peer-urls=${node.peerUrl}`,
    `--name=${node.name}`,
    `--peer-cert-file=${member.peer.certFile}`,
    '--peer-client-cert-auth=true',
    `--peer-key-file=${member.peer.keyFile}`,
    `--peer-trusted-ca-file=${pki.etcdCa.certFile}`,
    '--snapshot-count=10000',
    `--trusted-ca-file=${pki.etcdCa.certFile}`,
  ];
}

/** etcdctl as the apiserver connects: the etcd CA and the apiserver-etcd-client pair. */
function etcdctl(args: readonly string[], endpoints: readonly string[] = nodes.map((n) => n.nodeClientUrl)): { stdout: string; stderr: string; status: number } {
  const result = spawnSync(
    'etcdctl',
    [
      `--endpoints=${endpoints.join(',')}`,
      `--cacert=${pki.etcdCa.certFile}`,
      `--cert=${pki.apiserverEtcdClient.certFile}`,
      `--key=${pki.apiserverEtcdClient.keyFile}`,
      '--dial-timeout=3s',
      '--command-timeout=10s',
      ...args,
    ],
    { env: { ...process.env, ETCDCTL_API: '3' }, encoding: 'utf8', timeout: 30_000 },
  );
  return { stdout: result.stdout, stderr: result.stderr, status: result.status ?? -1 };
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'barge-kubeadm-'));
  pki = await ensurePki({ dir, etcdMembers: NAMES });
  for (const name of NAMES) {
    nodes.push({
      name,
      clientUrl: `https://127.0.0.1:${await freePort()}`,
      nodeClientUrl: `https://127.0.0.1:${await freePort()}`,
      peerUrl: `https://127.0.0.1:${await freePort()}`,
      metricsUrl: `http://127.0.0.1:${await freePort()}`,
      log: '',
    });
  }
  for (const node of nodes) {
    const child = spawn(process.execPath, [BARGE_BIN, ...kubeadmEtcdFlags(node)], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (chunk: Buffer) => (node.log += chunk.toString()));
    node.process = child;
  }
  await until('every member healthy', () => etcdctl(['endpoint', 'health']).status === 0, { timeoutMs: 90_000, pollMs: 500 });
}, 120_000);

afterAll(async () => {
  await Promise.all(
    nodes.map(async (node) => {
      const child = node.process;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }),
  );
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("three members started with kubeadm's etcd static-pod flags", () => {
  it('etcdctl with the apiserver-etcd-client certificate puts on one member and gets on each', () => {
    expect(etcdctl(['put', '/registry/namespaces/default', 'ns'], [nodes[0]!.nodeClientUrl]).stdout).toBe('OK\n');
    for (const node of nodes) {
      // Both client URLs serve: the loopback one (as kubeadm's apiserver uses) and the node one.
      for (const url of [node.clientUrl, node.nodeClientUrl]) {
        expect(etcdctl(['get', '/registry/namespaces/default', '--print-value-only'], [url]).stdout).toBe('ns\n');
      }
    }
  });

  it('member list shows the three with their https peer and client URLs; endpoint health says healthy', () => {
    const list = etcdctl(['member', 'list']);
    expect(list.status, list.stderr).toBe(0);
    for (const node of nodes) {
      expect(list.stdout).toMatch(new RegExp(`^[0-9a-f]+, started, ${node.name}, ${node.peerUrl}, ${node.nodeClientUrl}, false$`, 'm'));
    }
    const health = etcdctl(['endpoint', 'health']);
    expect(health.status).toBe(0);
    for (const node of nodes) expect(health.stdout + health.stderr).toContain(`${node.nodeClientUrl} is healthy`);
  });

  it('a client without the etcd CA\'s certificate is refused (--client-cert-auth=true)', () => {
    const result = spawnSync('etcdctl', [`--endpoints=${nodes[0]!.nodeClientUrl}`, `--cacert=${pki.etcdCa.certFile}`, '--dial-timeout=2s', '--command-timeout=3s', 'get', 'x'], {
      env: { ...process.env, ETCDCTL_API: '3' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).not.toBe(0);
  });

  it("/health answers on the plain-HTTP metrics URL, as kubeadm's liveness probe asks", async () => {
    for (const node of nodes) {
      const health = await httpGet(`${node.metricsUrl}/health`);
      expect(health.status).toBe(200);
      expect(JSON.parse(health.body)).toEqual({ health: 'true' });
    }
  });

  it('takes the progress-notify interval as given (no warning) and logs no error', () => {
    for (const node of nodes) {
      expect(node.log).not.toContain('"flag":"--experimental-watch-progress-notify-interval"');
      expect(node.log).not.toMatch(/"level":"(error|fatal)"/);
    }
  });
});
