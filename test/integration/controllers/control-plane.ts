// A small whole control plane for a test file: a one-member Barge cluster, `barge apiserver`, `barge
// controller-manager`, `barge scheduler` and hollow kubelets (`barge nodes`), each a real process,
// with the real kubectl pointed at it. Stopped after the file's tests.

import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll } from 'vitest';
import { KubeClient, loadKubeconfig } from '../../../src/client/kube/index.js';
import { BARGE_BIN, exitCodeWithin, type ProcessCluster } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';
import { ApiserverProcess, prepareBargeBinary, startCluster } from '../apiserver/apiserver-process.js';

export interface ControlPlane {
  readonly api: ApiserverProcess;
  readonly client: KubeClient;
  /** Everything the components wrote to stderr, for failure messages. */
  log(): string;
  /** kubectl that must succeed; its stdout. */
  ok(args: string[], input?: string): string;
  /** `kubectl get ... -o jsonpath=...`. */
  jsonpath(what: string[], path: string): string;
  waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs?: number): Promise<void>;
}

export function controlPlane(options: { nodes: number; prefix: string; apiserverFlags?: string[]; controllerManagerFlags?: string[] }): ControlPlane {
  const children: ChildProcess[] = [];
  let log = '';
  const env = {} as { cluster: ProcessCluster; api: ApiserverProcess; client: KubeClient };
  const start = (args: string[]): void => {
    const child = spawn(process.execPath, [BARGE_BIN, ...args, '--kubeconfig', env.api.kubeconfig], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    children.push(child);
  };
  const plane: ControlPlane = {
    get api() {
      return env.api;
    },
    get client() {
      return env.client;
    },
    log: () => log,
    ok(args, input) {
      const result = env.api.kubectl(args, input === undefined ? {} : { input });
      if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${result.status}): ${result.stderr}\nlog:\n${log.slice(-4000)}`);
      return result.stdout;
    },
    jsonpath: (what, path) => env.api.kubectl(['get', ...what, '-o', `jsonpath=${path}`]).stdout,
    waitFor: (what, check, timeoutMs = 60_000) =>
      until(what, check, { timeoutMs, pollMs: 300 }).catch((error: unknown) => {
        throw new Error(`${String(error)}\nlog:\n${log.slice(-4000)}`);
      }),
  };
  beforeAll(async () => {
    prepareBargeBinary();
    env.cluster = await startCluster(1, 'barge');
    env.api = await ApiserverProcess.start(env.cluster.endpoints, options.apiserverFlags ?? []);
    env.client = new KubeClient(loadKubeconfig(env.api.kubeconfig));
    start(['controller-manager', '--leader-elect=false', ...(options.controllerManagerFlags ?? [])]);
    start(['scheduler', '--leader-elect=false']);
    start(['nodes', '--count', String(options.nodes), '--prefix', options.prefix, '--cpu', '4', '--image-pull-delay', '100']);
    const ready = Array.from({ length: options.nodes }, () => 'True').join(' ');
    await plane.waitFor(`${options.nodes} ready nodes`, () => plane.jsonpath(['nodes'], '{.items[*].status.conditions[?(@.type=="Ready")].status}') === ready, 90_000);
    await plane.waitFor('the controllers to start', () => log.includes('started controllers'), 90_000);
  }, 240_000);
  afterAll(async () => {
    // The components go together, then the apiserver and the store under them.
    const stopping = children.map((child) => (child.kill('SIGTERM'), exitCodeWithin(child, 10_000)));
    await Promise.all(stopping);
    await env.api?.stop();
    await env.cluster?.stop();
  }, 60_000);
  return plane;
}
