// `barge controller-manager`: the controllers, started with kube-controller-manager's flag names. A flag it
// does not know is an error, as it is for kube-controller-manager.

import { Command, Option } from 'commander';
import { loadKubeconfig } from '../client/kube/index.js';
import { enabledControllers, runControllerManager, type ControllerManagerConfig } from '../controllers/controller-manager.js';
import { parseComponentArgs, parseDurationFlag, parseGoBool } from './component-flags.js';

function flag(name: string, description: string, defaultValue?: string): Option {
  const option = new Option(`--${name} <value>`, description);
  return defaultValue === undefined ? option : option.default(defaultValue);
}

const CONCURRENCY_FLAGS: Array<[string, string]> = [
  ['concurrent-deployment-syncs', '5'],
  ['concurrent-replicaset-syncs', '5'],
  ['concurrent-rc-syncs', '5'],
  ['concurrent-serviceaccount-syncs', '1'],
  ['concurrent-job-syncs', '5'],
  ['concurrent-cron-job-syncs', '5'],
  ['concurrent-namespace-syncs', '10'],
  ['concurrent-gc-syncs', '20'],
  ['concurrent-service-endpoint-syncs', '5'],
  ['concurrent-endpoint-syncs', '5'],
  ['concurrent-resource-quota-syncs', '5'],
];

function program(): Command {
  const command = new Command('barge controller-manager')
    .description('Runs the Kubernetes controllers against an apiserver; takes kube-controller-manager\'s flags')
    .addOption(flag('kubeconfig', 'path to a kubeconfig file with authorization and master location information'))
    .addOption(new Option('--leader-elect [bool]', 'start a leader election client and gain leadership before executing the main loop').default('true'))
    .addOption(flag('leader-elect-lease-duration', 'how long non-leaders wait after observing a renewal before taking the lease', '15s'))
    .addOption(flag('leader-elect-renew-deadline', 'how long the leader tries to renew before giving up leadership', '10s'))
    .addOption(flag('leader-elect-retry-period', 'how long clients wait between tries of acquisition and renewal', '2s'))
    .addOption(flag('leader-elect-resource-lock', 'the type of resource object used for locking (only leases)', 'leases'))
    .addOption(flag('leader-elect-resource-name', 'the name of the lock object', 'kube-controller-manager'))
    .addOption(flag('leader-elect-resource-namespace', 'the namespace of the lock object', 'kube-system'))
    .addOption(new Option('--use-service-account-credentials [bool]', 'if true, use individual service account credentials for each controller').default('false'))
    .addOption(flag('controllers', 'controllers to enable: \'*\' for all on by default, \'foo\' to enable, \'-foo\' to disable', '*'))
    .addOption(flag('node-monitor-grace-period', 'how long a node may be unresponsive before it is marked unhealthy', '50s'))
    .addOption(flag('node-monitor-period', 'the period for syncing NodeStatus', '5s'))
    .addOption(flag('node-eviction-rate', 'nodes per second whose pods are evicted when a zone is healthy', '0.1'))
    .addOption(flag('secondary-node-eviction-rate', 'nodes per second whose pods are evicted when a zone is unhealthy (0 below --large-cluster-size-threshold nodes)', '0.01'))
    .addOption(flag('unhealthy-zone-threshold', 'fraction of not Ready nodes (at least 3) in a zone that makes it partially disrupted', '0.55'))
    .addOption(flag('large-cluster-size-threshold', 'zones with more nodes than this are large: the secondary eviction rate applies when partially disrupted', '50'))
    .addOption(flag('min-resync-period', 'the resync period in reflectors will be random between MinResyncPeriod and 2*MinResyncPeriod', '12h0m0s'))
    .addOption(flag('resource-quota-sync-period', 'the period for syncing quota usage status in the system', '5m0s'))
    .addOption(flag('terminated-pod-gc-threshold', 'terminated pods kept before the pod garbage collector deletes them (0 disables)', '12500'))
    .addOption(flag('v', 'log level verbosity', '0'));
  for (const [name, value] of CONCURRENCY_FLAGS) command.addOption(flag(name, `number of objects allowed to sync concurrently (${name})`, value));
  return command.exitOverride().configureOutput({ writeErr: () => undefined });
}

function count(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`invalid argument "${value}" for "--${name}" flag: strconv.ParseInt: parsing "${value}": invalid syntax`);
  return n;
}



export function parseControllerManagerArgs(args: readonly string[], signal: AbortSignal, log: (message: string) => void): ControllerManagerConfig {
  const command = program();
  parseComponentArgs(command, args);
  const o = command.opts<Record<string, string>>();
  if (!o['kubeconfig']) throw new Error('--kubeconfig must be specified (this controller manager runs only against an apiserver)');
  if (o['leaderElectResourceLock'] !== 'leases') throw new Error(`--leader-elect-resource-lock: only "leases" is supported, got "${o['leaderElectResourceLock']}"`);
  const workers: Record<string, number> = {};
  for (const [name] of CONCURRENCY_FLAGS) {
    const key = name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    workers[key] = count(name, o[key]!);
  }
  const rate = (name: string, value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !(n >= 0)) throw new Error(`invalid argument "${value}" for "--${name}" flag: strconv.ParseFloat: parsing "${value}": invalid syntax`);
    return n;
  };
  return {
    kubeconfig: loadKubeconfig(o['kubeconfig']),
    controllers: enabledControllers(o['controllers']!.split(',').map((name) => name.trim())),
    workers,
    leaderElect: parseGoBool('leader-elect', o['leaderElect']!),
    useServiceAccountCredentials: parseGoBool('use-service-account-credentials', o['useServiceAccountCredentials']!),
    terminatedPodGcThreshold: count('terminated-pod-gc-threshold', o['terminatedPodGcThreshold']!),
    minResyncPeriodMs: parseDurationFlag('min-resync-period', o['minResyncPeriod']!),
    resourceQuotaSyncPeriodMs: parseDurationFlag('resource-quota-sync-period', o['resourceQuotaSyncPeriod']!),
    nodeLifecycle: {
      gracePeriodMs: parseDurationFlag('node-monitor-grace-period', o['nodeMonitorGracePeriod']!),
      monitorPeriodMs: parseDurationFlag('node-monitor-period', o['nodeMonitorPeriod']!),
      evictionRate: rate('node-eviction-rate', o['nodeEvictionRate']!),
      secondaryEvictionRate: rate('secondary-node-eviction-rate', o['secondaryNodeEvictionRate']!),
      unhealthyZoneThreshold: rate('unhealthy-zone-threshold', o['unhealthyZoneThreshold']!),
      largeClusterSizeThreshold: count('large-cluster-size-threshold', o['largeClusterSizeThreshold']!),
    },
    lease: {
      namespace: o['leaderElectResourceNamespace']!,
      name: o['leaderElectResourceName']!,
      durationMs: parseDurationFlag('leader-elect-lease-duration', o['leaderElectLeaseDuration']!),
      renewDeadlineMs: parseDurationFlag('leader-elect-renew-deadline', o['leaderElectRenewDeadline']!),
      retryPeriodMs: parseDurationFlag('leader-elect-retry-period', o['leaderElectRetryPeriod']!),
    },
    signal,
    log,
  };
}

function log(message: string): void {
  process.stderr.write(`${JSON.stringify({ level: 'info', ts: new Date().toISOString(), msg: message, component: 'controller-manager' })}\n`);
}

export async function runControllerManagerCommand(args: readonly string[]): Promise<void> {
  const abort = new AbortController();
  let config: ControllerManagerConfig;
  try {
    config = parseControllerManagerArgs(args, abort.signal, log);
  } catch (err) {
    process.stderr.write(`Error: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const stop = (): void => abort.abort();
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await runControllerManager(config);
  process.exit(0);
}
