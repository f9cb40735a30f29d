// The apiserver alone for its benchmark: a fresh 3-member store (Barge or the real etcd, started alike on
// plain-HTTP loopback URLs, as the other side-by-side benchmarks start them) and one `barge apiserver`
// process on it, which writes the admin kubeconfig the benchmark's client uses.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClient, loadKubeconfig } from '../../src/client/kube/index.js';
import { BARGE_BIN, exitCodeWithin, freePort, ProcessCluster, type Implementation } from '../../test/support/process-cluster.js';
import { STORE_MEMBER_FLAGS } from '../density/control-plane.js';

const READY_TIMEOUT_MS = 120_000;

export class ApiserverPlane {
  private constructor(
    readonly store: ProcessCluster,
    private readonly apiserver: ChildProcess,
    private readonly dir: string,
    readonly client: KubeClient,
  ) {}

  static async start(implementation: Implementation, log: (line: string) => void): Promise<ApiserverPlane> {
    log(`starting a 3-member ${implementation} store`);
    const store = await ProcessCluster.start(3, implementation, STORE_MEMBER_FLAGS[implementation], undefined, { startTimeoutMs: READY_TIMEOUT_MS });
    const dir = mkdtempSync(join(tmpdir(), 'barge-apiserver-bench-'));
    const args = ['apiserver', `--etcd-servers=${store.members.map((m) => m.clientUrl).join(',')}`, `--secure-port=${await freePort()}`, '--bind-address=127.0.0.1', `--cert-dir=${dir}`];
    const apiserver = spawn(process.execPath, [BARGE_BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let output = '';
    apiserver.stderr!.on('data', (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-4000)));
    const kubeconfig = join(dir, 'admin.conf');
    const deadline = Date.now() + READY_TIMEOUT_MS;
    try {
      for (;;) {
        if (apiserver.exitCode !== null) throw new Error(`barge apiserver exited with ${apiserver.exitCode}:\n${output}`);
        if (Date.now() > deadline) throw new Error(`barge apiserver not ready within ${READY_TIMEOUT_MS / 1000} s:\n${output}`);
        const client = existsSync(kubeconfig) ? clientOf(kubeconfig) : undefined;
        if (client && (await client.raw('/version').then(() => true, () => false))) return new ApiserverPlane(store, apiserver, dir, client);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } catch (error) {
      await stopAll(apiserver, store, dir);
      throw error;
    }
  }

  get apiserverPid(): number {
    return this.apiserver.pid!;
  }

  get storePids(): number[] {
    return this.store.members.flatMap((m) => (m.process?.pid ? [m.process.pid] : []));
  }

  stop(): Promise<void> {
    return stopAll(this.apiserver, this.store, this.dir);
  }
}

/** A client once the kubeconfig is whole (the apiserver may be writing it). */
function clientOf(kubeconfig: string): KubeClient | undefined {
  try {
    return new KubeClient(loadKubeconfig(kubeconfig));
  } catch {
    return undefined;
  }
}

async function stopAll(apiserver: ChildProcess, store: ProcessCluster, dir: string): Promise<void> {
  if (apiserver.exitCode === null && apiserver.signalCode === null) {
    apiserver.kill('SIGTERM');
    await exitCodeWithin(apiserver, 20_000);
  }
  await store.stop();
  rmSync(dir, { recursive: true, force: true });
}
