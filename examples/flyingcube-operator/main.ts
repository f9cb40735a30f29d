// The Flyingcube operator as a program: `npx tsx examples/flyingcube-operator/main.ts --kubeconfig FILE`.
// With --leader-elect several copies may run; only the holder of the Lease reconciles, as the
// Kubernetes components do; a copy that loses the Lease drops its caches and stands again.

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { KubeClient, loadKubeconfig, runLeaderElection } from '../../src/index.js';
import { COMPONENT, FlyingcubeController } from './controller.js';

interface Options {
  kubeconfig: string;
  namespace?: string;
  workers: number;
  leaderElect: boolean;
  leaderElectNamespace: string;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function log(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(`${JSON.stringify({ level, ts: new Date().toISOString(), msg, component: COMPONENT, ...fields })}\n`);
}

const options = new Command('flyingcube-operator')
  .description('Reconciles Flyingcubes (ktcloud.io/v1) into Deployments of spec.size replicas')
  .requiredOption('--kubeconfig <file>', 'kubeconfig of the cluster to operate on')
  .option('--namespace <name>', 'watch only this namespace (default: every namespace)')
  .addOption(new Option('--workers <n>', 'cubes reconciled at once').default(2).argParser(positiveInt))
  .option('--leader-elect', 'reconcile only while holding the flyingcube-operator Lease', false)
  .option('--leader-elect-namespace <name>', 'namespace of the Lease', 'kube-system')
  .parse()
  .opts<Options>();

const client = new KubeClient(loadKubeconfig(options.kubeconfig), { userAgent: `${COMPONENT}/v0.1.0` });
const stop = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop.abort());
const reconcile = (signal: AbortSignal): Promise<void> => new FlyingcubeController({ client, namespace: options.namespace, log }).run(options.workers, signal);

if (!options.leaderElect) {
  await reconcile(stop.signal);
} else {
  const identity = `${hostname()}_${randomUUID()}`;
  // A lost Lease ends the controller (and its caches); the operator then stands for election again.
  while (!stop.signal.aborted) {
    await runLeaderElection({
      client,
      lock: { namespace: options.leaderElectNamespace, name: COMPONENT },
      identity,
      releaseOnCancel: true,
      signal: stop.signal,
      onStartedLeading: (signal) => (log('info', 'leading', { identity }), reconcile(signal)),
      onNewLeader: (leader) => log('info', 'leader is', { leader }),
      onError: (error) => log('warn', 'leader election', { error: String(error) }),
    });
    if (!stop.signal.aborted) log('warn', 'lost the lease, standing again', { identity });
  }
}
log('info', 'stopped');
