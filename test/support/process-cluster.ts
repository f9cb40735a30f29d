// Real multi-process clusters on loopback for integration tests: each member is a `barge` (or `etcd`)
// process with its own data dir and free ports, started with etcd's flags.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { memberFlags } from '../../src/cli/flags.js';
import { bargeEnvironment } from '../../src/cli/process-environment.js';

const REPO = resolve(import.meta.dirname, '../..');
export const BARGE_BIN = join(REPO, 'bin/barge.js');

/** Ports this process handed out: the kernel may offer a just-closed port again at once. */
const handedOut = new Set<number>();

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A base port (`barge cluster --base-port`, `barge up --etcd-base-port`) whose client ports (base…base+2)
 * and peer ports (base+100…) are free. Below Linux's ephemeral range (32768 up), which freePort() and every
 * outgoing connection draw from: a port there may be taken by another test's member, or by a connection's
 * own end, between the choice and the bind, or between two runs of the cluster.
 */
export async function clusterBasePort(): Promise<number> {
  for (;;) {
    const base = 10_000 + Math.floor(Math.random() * 20_000);
    const ports = [0, 1, 2, 100, 101, 102].map((offset) => base + offset);
    if ((await Promise.all(ports.map(bindable))).every(Boolean)) return base;
  }
}

export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolvePort, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port: offered } = server.address() as { port: number };
        server.close(() => resolvePort(offered));
      });
    });
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

/** The exit code of `child` once it exits; null when it had not within `ms` and was killed (SIGKILL). */
export function exitCodeWithin(child: ChildProcess, ms: number): Promise<number | null> {
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolveExit(null);
    }, ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolveExit(code);
    });
  });
}

export interface ClusterMember {
  readonly name: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly dataDir: string;
  process?: ChildProcess;
  log: string;
  /** Where in `log` the running process's output starts. */
  logStart?: number;
  /** Whether the running process logs at info level, where it says it serves. */
  logsInfo?: boolean;
}

export type Implementation = 'barge' | 'etcd';

export interface ClusterOptions {
  /** Scheme of the client URLs (default http). */
  readonly clientScheme?: 'http' | 'https';
  /** Scheme of the peer URLs (default http). */
  readonly peerScheme?: 'http' | 'https';
  /** Flags for one member, after the shared ones (its own certificate, say). */
  readonly memberFlags?: (member: ClusterMember) => readonly string[];
  /** Flags every etcdctl call carries (--cacert, --cert, --key, ...). */
  readonly etcdctlFlags?: readonly string[];
  /** How long start() waits for every member to answer healthy (default 60 s: under a load of 30, members take 15-25 s to load and elect). */
  readonly startTimeoutMs?: number;
}

/** Whether the member's running process said it serves clients (Barge and etcd say it alike), if it says such things. */
function announcedServing(member: ClusterMember): boolean {
  return member.logsInfo === false || member.log.indexOf('ready to serve client requests', member.logStart ?? 0) >= 0;
}

export class ProcessCluster {
  readonly members: ClusterMember[] = [];
  readonly dir: string;

  private constructor(
    readonly implementation: Implementation,
    private readonly extraFlags: readonly string[],
    readonly options: ClusterOptions,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), `${implementation}-cluster-`));
  }

  /** Starts `size` members; `prepare` may fill their data dirs first (a restore). */
  static async start(
    size: number,
    implementation: Implementation = 'barge',
    extraFlags: readonly string[] = [],
    prepare?: (members: readonly ClusterMember[], cluster: ProcessCluster) => Promise<void>,
    options: ClusterOptions = {},
  ): Promise<ProcessCluster> {
    for (let attempt = 1; ; attempt++) {
      const cluster = new ProcessCluster(implementation, extraFlags, options);
      for (let i = 1; i <= size; i++) {
        const name = `m${i}`;
        cluster.members.push({
          name,
          clientUrl: `${options.clientScheme ?? 'http'}://127.0.0.1:${await freePort()}`,
          peerUrl: `${options.peerScheme ?? 'http'}://127.0.0.1:${await freePort()}`,
          dataDir: join(cluster.dir, name),
          log: '',
        });
      }
      await prepare?.(cluster.members, cluster);
      for (const member of cluster.members) cluster.spawn(member);
      try {
        await cluster.waitHealthy(options.startTimeoutMs);
        return cluster;
      } catch (err) {
        await cluster.stop(); // no member outlives a cluster that never came up
        // Between freePort() and the member's bind, another process may take the port (an outgoing
        // connection's local port, from another test file): start again on other ports.
        if (attempt < 3 && cluster.members.some((m) => m.log.includes('EADDRINUSE'))) continue;
        throw err;
      }
    }
  }

  /** A member not started yet, on free ports, its data dir in the cluster's (one to `member add`). */
  async newMember(name: string): Promise<ClusterMember> {
    const client = `${this.options.clientScheme ?? 'http'}://127.0.0.1:${await freePort()}`;
    return { name, clientUrl: client, peerUrl: `${this.options.peerScheme ?? 'http'}://127.0.0.1:${await freePort()}`, dataDir: join(this.dir, name), log: '' };
  }

  /** host:port of each member's client URL (https:// URLs whole: etcdctl needs the scheme to use TLS). */
  get endpoints(): string[] {
    return this.members.map((m) => m.clientUrl.replace('http://', ''));
  }

  initialCluster(): string {
    return this.members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
  }

  /** Starts (or restarts) one member; `env` adds environment variables for its process alone. */
  spawn(member: ClusterMember, state: 'new' | 'existing' = 'new', env: Readonly<Record<string, string>> = {}): void {
    const flags = [
      ...memberFlags(member, this.members, 'test-cluster', state),
      ...this.extraFlags,
      ...(this.options.memberFlags?.(member) ?? []),
    ];
    const command = this.implementation === 'barge' ? [process.execPath, BARGE_BIN] : ['etcd'];
    // Barge's members get the environment the `barge` command gives itself.
    const environment = this.implementation === 'barge' ? bargeEnvironment(flags, { ...process.env, ...env }) : { ...process.env, ...env };
    const child = spawn(command[0]!, [...command.slice(1), ...flags], { stdio: ['ignore', 'ignore', 'pipe'], env: environment });
    member.logStart = member.log.length;
    member.logsInfo = !flags.some((flag) => /^--log-level=(warn|error|panic|fatal)$/.test(flag));
    child.stderr!.on('data', (chunk: Buffer) => (member.log += chunk.toString()));
    member.process = child;
  }

  /** etcdctl against the given endpoints (all members by default); returns stdout, stderr and the exit code. */
  etcdctl(args: readonly string[], endpoints: readonly string[] = this.endpoints, input?: string): { stdout: string; stderr: string; status: number } {
    const flags = [`--endpoints=${endpoints.join(',')}`, '--command-timeout=5s', '--dial-timeout=2s', ...(this.options.etcdctlFlags ?? [])];
    const result = spawnSync('etcdctl', [...flags, ...args], {
      env: { ...process.env, ETCDCTL_API: '3' },
      encoding: 'utf8',
      timeout: 20_000,
      input,
    });
    return { stdout: result.stdout, stderr: result.stderr, status: result.status ?? -1 };
  }

  async waitHealthy(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const health = this.etcdctl(['endpoint', 'health']);
      // Health alone could come from another test's member that holds a port ours has yet to bind (and
      // will fail to): each member must also have said it serves.
      if (health.status === 0 && this.members.every(announcedServing)) return;
      // A member that exited by itself will not answer: say so now, with its log, not at the deadline.
      const exited = this.members.find((m) => m.process?.exitCode !== null && m.process?.exitCode !== undefined);
      if (exited) throw new Error(`${exited.name} exited with status ${exited.process!.exitCode}:\n${exited.log}`);
      if (Date.now() > deadline) throw new Error(`cluster not healthy: ${health.stderr}\n${this.members.map((m) => `--- ${m.name}\n${m.log}`).join('\n')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The member whose Status says it leads. */
  leader(): ClusterMember {
    const status = this.etcdctl(['endpoint', 'status', '-w', 'json']);
    const rows = JSON.parse(status.stdout) as { Endpoint: string; Status: { header: { member_id: number }; leader: number } }[];
    const row = rows.find((r) => String(r.Status.header.member_id) === String(r.Status.leader));
    const member = this.members.find((m) => row && m.clientUrl.endsWith(row.Endpoint.replace(/^.*:\/\//, '')));
    if (!member) throw new Error(`no leader in ${status.stdout}`);
    return member;
  }

  async kill(member: ClusterMember, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = member.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }

  async stop(): Promise<void> {
    await Promise.all(this.members.map((m) => this.kill(m, 'SIGKILL')));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
