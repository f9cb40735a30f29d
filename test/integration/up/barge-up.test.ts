// `barge up` end to end with the real kubectl: three Ready hollow nodes, a pod created with kubectl is
// scheduled and Running, each component acts under its own kubeadm identity (Node,RBAC), SIGINT stops
// every child (their ports close), and a second start keeps the pod.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BARGE_BIN, clusterBasePort, exitCodeWithin, freePort } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';
import { prepareBargeBinary } from '../apiserver/apiserver-process.js';

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: hello
spec:
  containers:
  - name: hello
    image: nginx:1.27
`;

/** Two replicas, so the deployment and replica set controllers both write (as their ServiceAccounts). */
const DEPLOYMENT = JSON.stringify({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
});

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

describe('barge up', () => {
  const dir = mkdtempSync(join(tmpdir(), 'barge-up-'));
  let up: ChildProcess | undefined;
  let output = '';
  let etcdBase = 0;
  let apiserverPort = 0;

  type Result = { stdout: string; stderr: string; status: number | null };
  const run = (kubeconfig: string, args: string[], input?: string): Result => {
    const r = spawnSync('kubectl', ['--kubeconfig', join(dir, kubeconfig), '--cache-dir', join(dir, 'kube-cache'), ...args], { encoding: 'utf8', timeout: 30_000, input });
    return { stdout: r.stdout, stderr: r.stderr, status: r.status };
  };
  const kubectlAs = (kubeconfig: string, ...args: string[]): Result => run(kubeconfig, args);
  const kubectl = (...args: string[]): Result => run('admin.conf', args, args.includes('-') ? POD : undefined);

  const start = async (): Promise<void> => {
    output = '';
    up = spawn(process.execPath, [BARGE_BIN, 'up', '--dir', dir, `--etcd-base-port=${etcdBase}`, `--apiserver-port=${apiserverPort}`, '--image-pull-delay=100', '--wait=5m'], { stdio: ['ignore', 'pipe', 'pipe'] });
    up.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    up.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await until('barge up to be ready', () => output.includes('Try: kubectl'), { timeoutMs: 400_000, pollMs: 200 }).catch((e: Error) => {
      throw new Error(`${e.message}\n${output}`);
    });
  };

  const stop = async (): Promise<number | null> => {
    up!.kill('SIGINT');
    return exitCodeWithin(up!, 30_000);
  };

  afterAll(async () => {
    if (up && up.exitCode === null) await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts a control plane with three Ready nodes, runs a kubectl-created pod, and stops every child on SIGINT', async () => {
    prepareBargeBinary();
    apiserverPort = await freePort();
    etcdBase = await clusterBasePort();
    await start();
    expect(output).toContain(`Kubeconfig: ${join(dir, 'admin.conf')}`);
    expect(output).toMatch(/\[etcd\] starting 3 Barge members \(mutual TLS\)/);
    expect(output).toContain('[nodes] waiting ≤ 5m0s for 3 nodes to be Ready');
    expect(output).toContain('[nodes] 3/3 nodes Ready');

    const nodes = kubectl('get', 'nodes', '--no-headers');
    expect(nodes.stdout.trim().split('\n').map((line) => line.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'hollow-node-1 Ready', 'hollow-node-2 Ready', 'hollow-node-3 Ready',
    ]);

    expect(kubectl('create', '-f', '-').stdout).toBe('pod/hello created\n');
    await until('hello Running', () => /^hello\s+1\/1\s+Running\s/.test(kubectl('get', 'pod', 'hello', '--no-headers').stdout), { timeoutMs: 30_000, pollMs: 500 });
    const node = kubectl('get', 'pod', 'hello', '-o', 'jsonpath={.spec.nodeName}').stdout;
    expect(node).toMatch(/^hollow-node-[123]$/);
    const events = kubectl('get', 'events', '--field-selector', 'involvedObject.name=hello').stdout;
    expect(events).toContain(`Successfully assigned default/hello to ${node}`);
    expect(events).toContain('Started container hello');

    // Each component as kubeadm names it, under Node,RBAC: the controllers' pods were created by their ServiceAccounts.
    expect(kubectl('auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username} {.status.userInfo.groups}').stdout).toBe('kubernetes-admin ["kubeadm:cluster-admins","system:authenticated"]');
    expect(kubectl('get', 'clusterrolebinding', 'kubeadm:cluster-admins', '-o', 'jsonpath={.roleRef.name}').stdout).toBe('cluster-admin');
    expect(kubectl('get', 'serviceaccounts', '-n', 'kube-system', 'deployment-controller', 'replicaset-controller', '-o', 'name').stdout).toBe('serviceaccount/deployment-controller\nserviceaccount/replicaset-controller\n');
    expect(run('admin.conf', ['create', '-f', '-'], DEPLOYMENT).stdout).toBe('deployment.apps/web created\n');
    await until('web 2/2 available', () => kubectl('get', 'deployment', 'web', '-o', 'jsonpath={.status.availableReplicas}').stdout === '2', { timeoutMs: 60_000, pollMs: 500 });
    expect(kubectlAs('scheduler.conf', 'auth', 'can-i', 'create', 'pods', '--subresource=binding').stdout).toBe('yes\n');
    const scheduler = kubectlAs('scheduler.conf', 'get', 'secrets', '-n', 'kube-system');
    expect(scheduler.stderr).toContain('User "system:kube-scheduler" cannot list resource "secrets" in API group "" in the namespace "kube-system"');
    expect(kubectlAs('controller-manager.conf', 'auth', 'can-i', 'create', 'pods').stdout).toBe('no\n');
    const other = node === 'hollow-node-1' ? 'hollow-node-2' : 'hollow-node-1';
    const kubelet = kubectlAs(`kubelet-${node}.conf`, 'label', 'node', other, 'stolen=true');
    expect(kubelet.stderr).toContain(`nodes "${other}" is forbidden: node "${node}" is not allowed to modify node "${other}"`);
    expect(kubectlAs(`kubelet-${node}.conf`, 'get', 'deployments').stderr).toContain(`User "system:node:${node}" cannot list resource "deployments" in API group "apps" in the namespace "default"`);

    expect(await stop()).toBe(0);
    expect(output).toContain('stopping');
    for (const port of [apiserverPort, etcdBase, etcdBase + 1, etcdBase + 2, etcdBase + 100]) expect(await portOpen(port), `port ${port}`).toBe(false);
  }, 560_000);

  it('keeps its data and identities when started again', async () => {
    await start();
    expect(kubectl('get', 'pod', 'hello', '-o', 'jsonpath={.status.phase}').stdout).toBe('Running');
    expect(kubectl('get', 'nodes', '--no-headers').stdout.trim().split('\n')).toHaveLength(3);
    expect(await stop()).toBe(0);
  }, 480_000);
});
