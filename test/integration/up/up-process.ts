// `barge up` as a real process for tests: started on free ports in a fresh directory, the real kubectl
// and a client pointed at its admin.conf, its Barge members found by their command lines (to kill one),
// and etcdctl with the apiserver's etcd client certificate (to find the leader).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClient, loadKubeconfig } from '../../../src/client/kube/index.js';
import { ensurePki, type Pki } from '../../../src/pki/index.js';
import { BARGE_BIN, clusterBasePort, exitCodeWithin, freePort } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';
import { prepareBargeBinary } from '../apiserver/apiserver-process.js';

export const MEMBERS = ['barge-1', 'barge-2', 'barge-3'];

export class UpProcess {
  output = '';
  readonly dir = mkdtempSync(join(tmpdir(), 'barge-up-'));
  etcdBase = 0;
  apiserverPort = 0;
  private child?: ChildProcess;
  private clientCache?: KubeClient;

  constructor(private readonly extra: readonly string[] = []) {}

  get admin(): string {
    return join(this.dir, 'admin.conf');
  }

  get client(): KubeClient {
    return (this.clientCache ??= new KubeClient(loadKubeconfig(this.admin)));
  }

  get endpoints(): string[] {
    return MEMBERS.map((_, i) => `https://127.0.0.1:${this.etcdBase + i}`);
  }

  /** Starts (or starts again on the same directory and ports); resolves once every node is Ready. */
  async start(): Promise<void> {
    if (this.apiserverPort === 0) {
      prepareBargeBinary();
      this.apiserverPort = await freePort();
      this.etcdBase = await clusterBasePort();
    }
    this.output = '';
    const args = ['up', '--dir', this.dir, `--etcd-base-port=${this.etcdBase}`, `--apiserver-port=${this.apiserverPort}`, ...this.extra];
    const child = spawn(process.execPath, [BARGE_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    await until('barge up to be ready', () => this.output.includes('Try: kubectl'), { timeoutMs: 220_000, pollMs: 200 }).catch((e: Error) => {
      throw new Error(`${e.message}\n${this.output}`);
    });
  }

  /** SIGINT, as Ctrl-C; the exit code. */
  async stop(): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null) return this.child?.exitCode ?? null;
    this.child.kill('SIGINT');
    return exitCodeWithin(this.child, 30_000);
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  kubectl(args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): { stdout: string; stderr: string; status: number | null } {
    const r = spawnSync('kubectl', ['--kubeconfig', this.admin, '--cache-dir', join(this.dir, 'kube-cache'), ...args], { encoding: 'utf8', timeout: options.timeoutMs ?? 30_000, input: options.input });
    return { stdout: r.stdout, stderr: r.stderr, status: r.status };
  }

  /** The last lines of a child's log (for a failure's message). */
  logTail(name: string, lines = 30): string {
    try {
      return `${name}.log:\n${readFileSync(join(this.dir, 'logs', `${name}.log`), 'utf8').trimEnd().split('\n').slice(-lines).join('\n')}`;
    } catch {
      return `${name}.log: none`;
    }
  }

  /** The certificates barge up made (read back, not made again). */
  pki(): Promise<Pki> {
    return ensurePki({ dir: this.dir, etcdMembers: MEMBERS });
  }

  /** The member that leads, once every member answers etcdctl endpoint status and names the same leader. */
  async leader(): Promise<string> {
    const pki = await this.pki();
    const r = spawnSync('etcdctl', ['--endpoints', this.endpoints.join(','), '--cacert', pki.etcdCa.certFile, '--cert', pki.apiserverEtcdClient.certFile, '--key', pki.apiserverEtcdClient.keyFile, 'endpoint', 'status', '-w', 'json'], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, ETCDCTL_API: '3' } });
    const statuses = JSON.parse(r.stdout || '[]') as Array<{ Endpoint: string; Status: { header: { member_id: number | string }; leader: number | string } }>;
    const leading = statuses.find((s) => String(s.Status.header.member_id) === String(s.Status.leader));
    const agreed = statuses.length === MEMBERS.length && statuses.every((s) => String(s.Status.leader) === String(leading?.Status.leader));
    if (!leading || !agreed) throw new Error(`no leader all members agree on in etcdctl endpoint status: ${r.stdout} ${r.stderr}`);
    return MEMBERS[this.endpoints.indexOf(leading.Endpoint)]!;
  }

  /** The pid of a member's process, from its --data-dir on the command line. */
  memberPid(name: string): number | undefined {
    const flag = `--data-dir=${join(this.dir, 'data', name)}`;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').includes(flag)) return Number(entry);
      } catch {
        // the process ended while we looked
      }
    }
    return undefined;
  }
}
