// `barge init`, then every component started by hand with the files it wrote, as one would after
// `kubeadm init phase certs` and `kubeconfig`: a Barge member on mutual TLS with the etcd CA, the
// apiserver with its etcd client certificate and the cluster CA, the controller manager, the scheduler
// and a hollow kubelet each with its own kubeconfig. `barge init` waits for the apiserver and binds
// admin.conf's group to cluster-admin, as kubeadm init does; then kubectl as kubernetes-admin runs a Deployment.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BARGE_BIN, exitCodeWithin, freePort } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';
import { prepareBargeBinary } from '../apiserver/apiserver-process.js';

const NODE = 'hand-node-1';

describe('barge init, then each component started by hand', () => {
  const dir = mkdtempSync(join(tmpdir(), 'barge-init-'));
  const k8s = join(dir, 'kubernetes');
  const pki = (file: string): string => join(k8s, 'pki', file);
  const children: Array<{ name: string; child: ChildProcess; log: () => string }> = [];
  let initOutput = '';
  let firstInit: ChildProcess | undefined;
  let apiPort = 0;

  const initArgs = (): string[] => [BARGE_BIN, 'init', `--kubeconfig-dir=${k8s}`, '--node-name=cp-1', '--etcd-members=barge-1', `--kubelet-nodes=${NODE}`, `--apiserver-bind-port=${apiPort}`, '--apiserver-cert-extra-sans=api.barge.test'];
  const init = (): { stdout: string; stderr: string; status: number | null } => {
    const r = spawnSync(process.execPath, initArgs(), { encoding: 'utf8', timeout: 60_000 });
    return { stdout: r.stdout, stderr: r.stderr, status: r.status };
  };
  const start = (name: string, args: readonly string[]): void => {
    let log = '';
    const child = spawn(process.execPath, [BARGE_BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    children.push({ name, child, log: () => log });
  };
  const logs = (): string => children.map((c) => `--- ${c.name}\n${c.log().split('\n').slice(-15).join('\n')}`).join('\n');
  const kubectl = (conf: string, args: readonly string[], input?: string): { stdout: string; stderr: string; status: number | null } => {
    const r = spawnSync('kubectl', ['--kubeconfig', join(k8s, conf), '--cache-dir', join(dir, 'kube-cache', conf), ...args], { encoding: 'utf8', timeout: 30_000, input });
    return { stdout: r.stdout, stderr: r.stderr, status: r.status };
  };

  beforeAll(async () => {
    prepareBargeBinary();
    apiPort = await freePort();
    const [client, peer] = [await freePort(), await freePort()];
    // The first run writes the files, then waits for the apiserver started from them.
    const first = spawn(process.execPath, initArgs(), { stdio: ['ignore', 'pipe', 'pipe'] });
    firstInit = first;
    let initErrors = '';
    first.stdout.on('data', (chunk: Buffer) => (initOutput += chunk.toString()));
    first.stderr.on('data', (chunk: Buffer) => (initErrors += chunk.toString()));
    const initExit = exitCodeWithin(first, 200_000);
    await until('barge init to wait for the apiserver', () => initOutput.includes('[api-check] Waiting for a healthy API server. This can take up to 4m0s'), { timeoutMs: 60_000, pollMs: 100 }).catch((e: Error) => {
      throw new Error(`${e.message}\n${initOutput}${initErrors}`);
    });

    start('barge-1', [
      '--name=barge-1', `--data-dir=${join(dir, 'barge-1.etcd')}`,
      `--listen-client-urls=https://127.0.0.1:${client}`, `--advertise-client-urls=https://127.0.0.1:${client}`,
      `--listen-peer-urls=https://127.0.0.1:${peer}`, `--initial-advertise-peer-urls=https://127.0.0.1:${peer}`, `--initial-cluster=barge-1=https://127.0.0.1:${peer}`,
      `--cert-file=${pki('etcd/server.crt')}`, `--key-file=${pki('etcd/server.key')}`, `--trusted-ca-file=${pki('etcd/ca.crt')}`, '--client-cert-auth=true',
      `--peer-cert-file=${pki('etcd/peer.crt')}`, `--peer-key-file=${pki('etcd/peer.key')}`, `--peer-trusted-ca-file=${pki('etcd/ca.crt')}`, '--peer-client-cert-auth=true',
    ]);
    await until('the member to serve', () => children[0]!.log().includes('ready to serve client requests'), { timeoutMs: 60_000, pollMs: 100 }).catch((e: Error) => {
      throw new Error(`${e.message}\n${logs()}`);
    });
    start('apiserver', [
      'apiserver', `--etcd-servers=https://127.0.0.1:${client}`,
      `--etcd-cafile=${pki('etcd/ca.crt')}`, `--etcd-certfile=${pki('apiserver-etcd-client.crt')}`, `--etcd-keyfile=${pki('apiserver-etcd-client.key')}`,
      `--secure-port=${apiPort}`, '--bind-address=127.0.0.1', `--tls-cert-file=${pki('apiserver.crt')}`, `--tls-private-key-file=${pki('apiserver.key')}`,
      `--cert-dir=${join(dir, 'apiserver')}`, '--service-cluster-ip-range=10.96.0.0/12',
      `--client-ca-file=${pki('ca.crt')}`, '--authorization-mode=Node,RBAC',
      '--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultTolerationSeconds,NodeRestriction,Priority,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ResourceQuota',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local', `--service-account-key-file=${pki('sa.pub')}`, `--service-account-signing-key-file=${pki('sa.key')}`,
    ]);
    await until('the apiserver to serve super-admin.conf', () => kubectl('super-admin.conf', ['get', '--raw', '/readyz']).stdout === 'ok', { timeoutMs: 60_000, pollMs: 250 }).catch((e: Error) => {
      throw new Error(`${e.message}\n${logs()}`);
    });
    const initStatus = await initExit;
    if (initStatus !== 0) throw new Error(`barge init failed (${String(initStatus)}): ${initErrors}\n${logs()}`);
    start('controller-manager', ['controller-manager', `--kubeconfig=${join(k8s, 'controller-manager.conf')}`, '--use-service-account-credentials=true']);
    start('scheduler', ['scheduler', `--kubeconfig=${join(k8s, 'scheduler.conf')}`]);
    start('kubelet', ['kubelet', '--hollow', `--node-name=${NODE}`, `--kubeconfig=${join(k8s, `kubelet-${NODE}.conf`)}`, '--image-pull-delay=0']);
  }, 240_000);

  afterAll(async () => {
    if (firstInit && firstInit.exitCode === null && firstInit.signalCode === null) firstInit.kill('SIGKILL');
    // Nodes and controllers first, the store last.
    for (const { child } of [...children].reverse()) {
      child.kill('SIGTERM');
      await exitCodeWithin(child, 15_000);
    }
    rmSync(dir, { recursive: true, force: true });
  }, 90_000);

  it('prints what it writes as kubeadm does', () => {
    const lines = initOutput.split('\n');
    expect(lines.slice(0, 3)).toEqual([`[certs] Using certificateDir folder "${join(k8s, 'pki')}"`, '[certs] Generating "ca" certificate and key', '[certs] Generating "apiserver" certificate and key']);
    expect(lines[3]).toBe('[certs] apiserver serving cert is signed for DNS names [api.barge.test cp-1 kubernetes kubernetes.default kubernetes.default.svc kubernetes.default.svc.cluster.local localhost] and IPs [10.96.0.1 127.0.0.1 ::1]');
    for (const line of ['[certs] Generating "etcd/ca" certificate and key', '[certs] Generating "etcd/server" certificate and key', '[certs] Generating "etcd/healthcheck-client" certificate and key', '[certs] Generating "apiserver-etcd-client" certificate and key', '[certs] Generating "sa" key and public key',
      `[kubeconfig] Using kubeconfig folder "${k8s}"`, '[kubeconfig] Writing "admin.conf" kubeconfig file', `[kubeconfig] Writing "kubelet-${NODE}.conf" kubeconfig file`, '[kubeconfig] Writing "scheduler.conf" kubeconfig file']) {
      expect(lines).toContain(line);
    }
    expect(readFileSync(join(k8s, 'admin.conf'), 'utf8')).toContain(`server: https://127.0.0.1:${apiPort}`);
    expect(initOutput).toMatch(/\n\[api-check\] The API server is healthy after \d+(\.\d+)?s\n/);
  });

  it('binds admin.conf\'s group to cluster-admin once the apiserver serves, as kubeadm init does', async () => {
    // RBAC reads bindings from the watch cache: the binding may take a moment to count.
    await until('admin.conf may do anything', () => kubectl('admin.conf', ['auth', 'can-i', '*', '*']).stdout === 'yes\n', { timeoutMs: 20_000, pollMs: 200 });
    expect(kubectl('admin.conf', ['get', 'clusterrolebinding', 'kubeadm:cluster-admins', '-o', 'jsonpath={.roleRef.name} {.subjects[*].kind}/{.subjects[*].name}']).stdout).toBe('cluster-admin Group/kubeadm:cluster-admins');
  });

  it('keeps what exists on a second run, saying so', () => {
    const before = readFileSync(pki('ca.crt'), 'utf8');
    const again = init();
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('[certs] Using existing ca certificate authority\n');
    expect(again.stdout).toContain('[certs] Using existing apiserver certificate and key on disk\n');
    expect(again.stdout).toContain('[certs] Using the existing "sa" key\n');
    expect(again.stdout).toContain(`[kubeconfig] Using existing kubeconfig file: "${join(k8s, 'admin.conf')}"\n`);
    // The binding exists: admin.conf may create it and is told AlreadyExists.
    expect(again.stdout).toContain('[api-check] The API server is healthy after');
    expect(readFileSync(pki('ca.crt'), 'utf8')).toBe(before);
  });

  it('kubectl as kubernetes-admin sees the hand-started kubelet\'s node Ready and runs a Deployment on it', async () => {
    expect(kubectl('admin.conf', ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username} {.status.userInfo.groups}']).stdout).toBe('kubernetes-admin ["kubeadm:cluster-admins","system:authenticated"]');
    await until('the node to be Ready', () => kubectl('admin.conf', ['get', 'node', NODE, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']).stdout === 'True', { timeoutMs: 90_000, pollMs: 500 }).catch((e: Error) => {
      throw new Error(`${e.message}\n${logs()}`);
    });
    // The ServiceAccount admission plugin refuses pods until the controller manager made the namespace's account.
    await until('the default ServiceAccount', () => kubectl('admin.conf', ['get', 'serviceaccount', 'default']).status === 0, { timeoutMs: 60_000, pollMs: 500 });
    expect(kubectl('admin.conf', ['create', 'deployment', 'web', '--image=nginx', '--replicas=2']).stdout).toBe('deployment.apps/web created\n');
    await until('two Running pods on the node', () => {
      const out = kubectl('admin.conf', ['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.spec.nodeName}/{.status.phase} {end}']).stdout.trim().split(' ');
      return out.length === 2 && out.every((p) => p === `${NODE}/Running`);
    }, { timeoutMs: 120_000, pollMs: 500 }).catch((e: Error) => {
      throw new Error(`${e.message}\n${logs()}`);
    });
    expect(kubectl('admin.conf', ['rollout', 'status', 'deployment/web', '--timeout=60s']).stdout).toContain('successfully rolled out');
  }, 300_000);

  it('the kubelet\'s certificate is its node\'s, and the store takes only the etcd CA\'s clients', () => {
    expect(kubectl(`kubelet-${NODE}.conf`, ['get', 'secrets', '-n', 'kube-system']).stderr).toBe(`Error from server (Forbidden): secrets is forbidden: User "system:node:${NODE}" cannot list resource "secrets" in API group "" in the namespace "kube-system": No Object name found\n`);
    expect(kubectl(`kubelet-${NODE}.conf`, ['get', 'node', NODE, '-o', 'name']).stdout).toBe(`node/${NODE}\n`);
    const etcdctl = (...tls: string[]): { stdout: string; status: number | null } => {
      const client = /--etcd-servers=(\S+)/.exec(children[1]!.child.spawnargs.join(' '))![1]!;
      const r = spawnSync('etcdctl', ['--endpoints', client, '--dial-timeout=3s', '--command-timeout=5s', ...tls, 'get', '/registry/namespaces/default', '--keys-only'], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, ETCDCTL_API: '3' } });
      return { stdout: r.stdout, status: r.status };
    };
    expect(etcdctl('--cacert', pki('etcd/ca.crt'), '--cert', pki('apiserver-etcd-client.crt'), '--key', pki('apiserver-etcd-client.key')).stdout).toContain('/registry/namespaces/default\n');
    // A client certificate from the cluster CA is not one the members trust.
    expect(etcdctl('--cacert', pki('etcd/ca.crt'), '--cert', pki('apiserver.crt'), '--key', pki('apiserver.key')).status).not.toBe(0);
  });
});
