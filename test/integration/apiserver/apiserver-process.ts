// `barge apiserver` as a real process for tests, over the given etcd endpoints, and the real kubectl
// pointed at it through the admin.conf it writes (with a discovery cache of its own).

import { afterAll, beforeAll } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { BARGE_BIN, exitCodeWithin, freePort, ProcessCluster, type Implementation } from '../../support/process-cluster.js';
import { sleep } from '../../support/wait.js';

export interface KubectlResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number | null;
}

/**
 * Runs `barge --version` once, so the launcher's bundle of the sources exists before several members
 * start at once (each would otherwise build it, slowly, within the cluster's start timeout).
 */
export function prepareBargeBinary(): void {
  const result = spawnSync(process.execPath, [BARGE_BIN, '--version'], { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`barge --version failed: ${result.stderr}`);
}

/**
 * A cluster for the apiserver to use; a start that misses the cluster's health deadline (members each
 * rebuilding the launcher's bundle on a loaded machine) is tried once more.
 */
export async function startCluster(size: number, implementation: Implementation): Promise<ProcessCluster> {
  try {
    return await ProcessCluster.start(size, implementation);
  } catch {
    return ProcessCluster.start(size, implementation);
  }
}

export class ApiserverProcess {
  log = '';

  private child: ChildProcess;

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly etcdServers: readonly string[],
    private readonly extra: readonly string[],
  ) {
    this.child = this.spawnApiserver();
  }

  get kubeconfig(): string {
    return join(this.dir, 'certs', 'admin.conf');
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  private spawnApiserver(): ChildProcess {
    const servers = this.etcdServers.map((e) => (e.includes('://') ? e : `http://${e}`)).join(',');
    const args = ['apiserver', `--etcd-servers=${servers}`, `--secure-port=${this.port}`, '--bind-address=127.0.0.1', `--cert-dir=${join(this.dir, 'certs')}`, ...this.extra];
    const child = spawn(process.execPath, [BARGE_BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    return child;
  }

  static async start(etcdServers: readonly string[], extra: readonly string[] = []): Promise<ApiserverProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'apiserver-'));
    const port = await freePort();
    const apiserver = new ApiserverProcess(dir, port, etcdServers, extra);
    await apiserver.waitReady();
    return apiserver;
  }

  /** Waits until kubectl gets `ok` from /readyz. */
  async waitReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (existsSync(this.kubeconfig) && this.kubectl(['get', '--raw', '/readyz']).stdout === 'ok') return;
      if (Date.now() > deadline) throw new Error(`apiserver not ready:\n${this.log}`);
      await sleep(100);
    }
  }

  kubectl(args: readonly string[], options: { input?: string; env?: Record<string, string>; binary?: string } = {}): KubectlResult {
    const binary = options.binary ?? 'kubectl';
    // A discovery cache per kubectl version: they cache different discovery forms.
    const result = spawnSync(binary, ['--kubeconfig', this.kubeconfig, '--cache-dir', join(this.dir, 'kube-cache', basename(binary)), ...args], {
      encoding: 'utf8',
      input: options.input,
      timeout: 30_000,
      env: { ...process.env, ...options.env },
    });
    return { stdout: result.stdout, stderr: result.stderr, status: result.status };
  }

  /** One HTTPS request with the admin's client certificate: its status, headers and body. */
  request(method: string, path: string, headers: Record<string, string> = {}, body = ''): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
    const certs = join(this.dir, 'certs');
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.url}${path}`,
        // Node sends a DELETE's body unframed unless told its length.
        { method, headers: body === '' ? headers : { 'Content-Length': String(Buffer.byteLength(body)), ...headers }, ca: readFileSync(join(certs, 'ca.crt')), cert: readFileSync(join(certs, 'admin.crt')), key: readFileSync(join(certs, 'admin.key')) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** kubectl in the background (a watch), ended by the returned function, which resolves its output. */
  kubectlInBackground(args: readonly string[]): { output: () => string; running: () => boolean; stop: () => Promise<string> } {
    const child = spawn('kubectl', ['--kubeconfig', this.kubeconfig, '--cache-dir', join(this.dir, 'kube-cache', 'kubectl'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    return {
      output: () => out,
      running: () => child.exitCode === null && child.signalCode === null,
      stop: async () => {
        child.kill('SIGTERM');
        await exitCodeWithin(child, 5000);
        return out;
      },
    };
  }

  /** Stops the process, runs `meanwhile`, and starts it again on the same port and certificates. */
  async restart(meanwhile: () => void | Promise<void> = () => undefined): Promise<void> {
    this.child.kill('SIGTERM');
    await exitCodeWithin(this.child, 10_000);
    await meanwhile();
    this.child = this.spawnApiserver();
    await this.waitReady();
  }

  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    await exitCodeWithin(this.child, 10_000);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A cluster of `size` members (Barge or real etcd) and an apiserver on it (with `extra` flags) for a block's tests, stopped after them. */
export function apiserverOn(implementation: Implementation, size: number, startTimeoutMs = 120_000, extra: readonly string[] = []): { readonly cluster: ProcessCluster; readonly api: ApiserverProcess } {
  const env = {} as { cluster: ProcessCluster; api: ApiserverProcess };
  beforeAll(async () => {
    prepareBargeBinary();
    env.cluster = await startCluster(size, implementation);
    try {
      env.api = await ApiserverProcess.start(env.cluster.endpoints, extra);
    } catch (err) {
      // An apiserver that never got ready is often one whose etcd went away: show the members too.
      const members = env.cluster.members.map((m) => `--- ${m.name} (exit ${m.process?.exitCode ?? 'none'})\n${m.log.slice(-4000)}`);
      throw new Error(`${(err as Error).message}\n${members.join('\n')}`);
    }
  }, startTimeoutMs);
  afterAll(async () => {
    await env.api?.stop();
    await env.cluster?.stop();
  });
  return env;
}

/** A one-member Barge cluster and an apiserver on it (with `extra` flags) for a file's tests, stopped after them. */
export function apiserverOnBarge(startTimeoutMs = 120_000, extra: readonly string[] = []): { readonly cluster: ProcessCluster; readonly api: ApiserverProcess } {
  return apiserverOn('barge', 1, startTimeoutMs, extra);
}
