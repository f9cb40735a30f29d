// One control plane for the density run: a fresh 3-member store (Barge or the real etcd, started alike on
// plain-HTTP loopback URLs, as bench:compare starts them) and `barge up --etcd-servers` on it, so the
// apiserver, controller manager, scheduler and hollow nodes are the same code over either store.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BARGE_BIN, exitCodeWithin, freePort, ProcessCluster, type Implementation } from '../../test/support/process-cluster.js';
import { childrenOf } from '../process-usage.js';
import { nameProfiles, profilingNodeOptions } from './cpu-profile.js';

const STORE_FLAGS = ['--heartbeat-interval=100', '--election-timeout=1000', '--quota-backend-bytes=0', '--log-level=warn'];
/** The store members' flags, the same for Barge and etcd (etcd with its zap logger). */
export const STORE_MEMBER_FLAGS: Record<Implementation, string[]> = { etcd: [...STORE_FLAGS, '--logger=zap'], barge: STORE_FLAGS };

/**
 * How long `barge up` may take for each startup step (its --wait), in seconds: its default 2m plus 0.3 s a
 * node, as a thousand hollow kubelets on a loaded 2-core machine did not all register within 120 s.
 */
export function upWaitSec(nodes: number): number {
  return Math.ceil(120 + 0.3 * nodes);
}

export interface ControlPlaneSize {
  readonly nodes: number;
  readonly maxPodsPerNode: number;
  /** Profile every Node process (Barge members, apiserver, controllers, scheduler, nodes) into this directory. */
  readonly cpuProfileDir?: string;
}

export class DensityControlPlane {
  private constructor(
    readonly store: ProcessCluster,
    private readonly up: ChildProcess,
    readonly dir: string,
    private readonly cpuProfileDir: string | undefined,
  ) {}

  static async start(implementation: Implementation, size: ControlPlaneSize, log: (line: string) => void): Promise<DensityControlPlane> {
    log(`starting a 3-member ${implementation} store`);
    // Children inherit NODE_OPTIONS from this process (the etcd binary ignores it).
    const savedNodeOptions = process.env['NODE_OPTIONS'];
    if (size.cpuProfileDir) process.env['NODE_OPTIONS'] = profilingNodeOptions(size.cpuProfileDir);
    let store: ProcessCluster;
    try {
      store = await ProcessCluster.start(3, implementation, STORE_MEMBER_FLAGS[implementation], undefined, { startTimeoutMs: 120_000 });
    } finally {
      if (savedNodeOptions === undefined) delete process.env['NODE_OPTIONS'];
      else process.env['NODE_OPTIONS'] = savedNodeOptions;
    }
    const dir = mkdtempSync(join(tmpdir(), 'barge-density-'));
    const args = [
      'up', '--dir', dir, `--etcd-servers=${store.members.map((m) => m.clientUrl).join(',')}`, `--apiserver-port=${await freePort()}`,
      `--nodes=${size.nodes}`, `--node-max-pods=${size.maxPodsPerNode}`, '--node-cpu=64', '--node-memory=256Gi',
      // Density measures the control plane, as clusterloader2 does with images already on the nodes.
      '--image-pull-delay=0', `--wait=${upWaitSec(size.nodes)}s`,
    ];
    const env = size.cpuProfileDir ? { ...process.env, NODE_OPTIONS: profilingNodeOptions(size.cpuProfileDir) } : process.env;
    const up = spawn(process.execPath, [BARGE_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let output = '';
    const ready = new Promise<void>((resolve, reject) => {
      const seen = (chunk: Buffer): void => {
        const text = chunk.toString();
        output += text;
        for (const line of text.split('\n')) if (line.startsWith('[')) log(`barge up: ${line}`);
        if (output.includes('Try: kubectl')) resolve();
      };
      up.stdout!.on('data', seen);
      up.stderr!.on('data', seen);
      up.once('exit', (code) => reject(new Error(`barge up exited with ${code}:\n${output}`)));
    });
    const plane = new DensityControlPlane(store, up, dir, size.cpuProfileDir);
    try {
      await ready;
    } catch (error) {
      await plane.stop();
      throw error;
    }
    return plane;
  }

  get kubeconfig(): string {
    return join(this.dir, 'admin.conf');
  }

  /** Every process of this control plane by name: the store's members and barge up's children. */
  processes(): Map<string, number> {
    const all = new Map<string, number>();
    for (const member of this.store.members) if (member.process?.pid) all.set(`${this.store.implementation} ${member.name}`, member.process.pid);
    for (const child of childrenOf(this.up.pid!)) {
      const name = ['apiserver', 'controller-manager', 'scheduler', 'nodes'].find((n) => child.command.includes(` ${n} `) || child.command.endsWith(` ${n}`));
      if (name) all.set(name === 'nodes' ? 'hollow nodes' : name, child.pid);
    }
    return all;
  }

  /** Stops everything; when profiling, returns the profile file of each component. */
  async stop(): Promise<Map<string, string>> {
    const components = this.processes().set('barge up', this.up.pid!);
    if (this.up.exitCode === null && this.up.signalCode === null) {
      this.up.kill('SIGINT');
      await exitCodeWithin(this.up, 60_000);
    }
    // A member writes its profile only when it exits by itself: SIGTERM, not the SIGKILL of stop().
    if (this.cpuProfileDir) await Promise.all(this.store.members.map((member) => this.store.kill(member, 'SIGTERM')));
    await this.store.stop();
    rmSync(this.dir, { recursive: true, force: true });
    return this.cpuProfileDir ? nameProfiles(this.cpuProfileDir, components) : new Map();
  }
}
