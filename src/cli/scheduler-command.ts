// `barge scheduler`: the scheduler as a client of the apiserver, started with kube-scheduler's flag
// names (an unknown flag is an error, as for kube-scheduler). With --leader-elect (the default) it
// schedules only while holding the kube-system/kube-scheduler Lease, and exits when it loses it. As
// kube-scheduler, --config takes a KubeSchedulerConfiguration, whose kubeconfig replaces --kubeconfig and
// whose leader election the leader election flags given on the command line override.

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Command, Option } from 'commander';
import { KubeClient, loadKubeconfig, runLeaderElection } from '../client/kube/index.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { loadSchedulerConfiguration } from '../scheduler/scheduler-config.js';
import { DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE } from '../scheduler/nodes-to-score.js';
import { parseComponentArgs, parseDurationFlag, parseGoBool } from './component-flags.js';

export interface SchedulerCommandOptions {
  kubeconfig: string;
  leaderElect: boolean;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  resourceName: string;
  resourceNamespace: string;
  /** percentageOfNodesToScore from --config: the global one (0, adaptive, by default) and the profile's. */
  percentageOfNodesToScore: number;
  profilePercentageOfNodesToScore?: number;
}

function program(): Command {
  const flag = (name: string, description: string, defaultValue?: string): Option => {
    const option = new Option(`--${name} <value>`, description);
    return defaultValue === undefined ? option : option.default(defaultValue);
  };
  return new Command('barge scheduler')
    .description("Schedules pods onto nodes as kube-scheduler does; takes kube-scheduler's flags")
    .addOption(flag('config', 'the path to the configuration file (a KubeSchedulerConfiguration)'))
    .addOption(flag('kubeconfig', 'path to a kubeconfig file with authorization and master location information'))
    .addOption(new Option('--leader-elect [bool]', 'start a leader election client and gain leadership before executing the main loop').default('true'))
    .addOption(flag('leader-elect-lease-duration', 'how long non-leader candidates wait after an observed leadership renewal before trying to take over', '15s'))
    .addOption(flag('leader-elect-renew-deadline', 'how long the leader keeps trying to renew before it stops leading', '10s'))
    .addOption(flag('leader-elect-retry-period', 'how long clients wait between tries of acquiring and renewing leadership', '2s'))
    .addOption(flag('leader-elect-resource-name', 'the name of the Lease locked during leader election', 'kube-scheduler'))
    .addOption(flag('leader-elect-resource-namespace', 'the namespace of the Lease locked during leader election', 'kube-system'))
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
}




export function parseSchedulerArgs(args: readonly string[]): SchedulerCommandOptions {
  const command = program();
  parseComponentArgs(command, args);
  if (command.args.length > 0) throw new Error(`unexpected argument: ${command.args[0]}`);
  const o = command.opts<Record<string, string>>();
  const config = o['config'] ? loadSchedulerConfiguration(o['config']) : undefined;
  const kubeconfig = config ? config.kubeconfig : o['kubeconfig'];
  if (!kubeconfig) throw new Error(config ? 'clientConnection.kubeconfig must be set in --config (the scheduler reaches the apiserver only through it)' : '--kubeconfig must be specified (the scheduler reaches the apiserver only through it)');
  // A leader election flag given on the command line wins over the file; its default does not.
  const fromFile = config?.leaderElection ?? {};
  const given = (key: string): boolean => command.getOptionValueSource(key) === 'cli';
  const pick = <T>(key: string, file: T | undefined, parseFlag: () => T): T => (file !== undefined && !given(key) ? file : parseFlag());
  return {
    kubeconfig,
    leaderElect: pick('leaderElect', fromFile.leaderElect, () => parseGoBool('leader-elect', o['leaderElect']!)),
    leaseDurationMs: pick('leaderElectLeaseDuration', fromFile.leaseDurationMs, () => parseDurationFlag('leader-elect-lease-duration', o['leaderElectLeaseDuration']!)),
    renewDeadlineMs: pick('leaderElectRenewDeadline', fromFile.renewDeadlineMs, () => parseDurationFlag('leader-elect-renew-deadline', o['leaderElectRenewDeadline']!)),
    retryPeriodMs: pick('leaderElectRetryPeriod', fromFile.retryPeriodMs, () => parseDurationFlag('leader-elect-retry-period', o['leaderElectRetryPeriod']!)),
    resourceName: pick('leaderElectResourceName', fromFile.resourceName, () => o['leaderElectResourceName']!),
    resourceNamespace: pick('leaderElectResourceNamespace', fromFile.resourceNamespace, () => o['leaderElectResourceNamespace']!),
    percentageOfNodesToScore: config?.percentageOfNodesToScore ?? DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE,
    ...(config?.profilePercentageOfNodesToScore !== undefined ? { profilePercentageOfNodesToScore: config.profilePercentageOfNodesToScore } : {}),
  };
}

function log(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(`${JSON.stringify({ level, ts: new Date().toISOString(), msg, component: 'scheduler', ...fields })}\n`);
}

export async function runSchedulerCommand(args: readonly string[]): Promise<void> {
  let options: SchedulerCommandOptions;
  try {
    options = parseSchedulerArgs(args);
  } catch (err) {
    process.stderr.write(`Error: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const client = new KubeClient(loadKubeconfig(options.kubeconfig), { userAgent: 'barge-scheduler/v0.1.0' });
  const stop = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stop.abort());
  const { percentageOfNodesToScore, profilePercentageOfNodesToScore } = options;
  const schedule = (signal: AbortSignal): Promise<void> => new Scheduler({ client, log, percentageOfNodesToScore, profilePercentageOfNodesToScore }).run(signal);
  if (!options.leaderElect) {
    await schedule(stop.signal);
    process.exit(0);
  }
  const identity = `${hostname()}_${randomUUID()}`;
  await runLeaderElection({
    client,
    lock: { namespace: options.resourceNamespace, name: options.resourceName },
    identity,
    leaseDurationMs: options.leaseDurationMs,
    renewDeadlineMs: options.renewDeadlineMs,
    retryPeriodMs: options.retryPeriodMs,
    releaseOnCancel: true,
    signal: stop.signal,
    onStartedLeading: (signal) => {
      log('info', 'started leading', { identity });
      return schedule(signal);
    },
    onStoppedLeading: () => {
      if (stop.signal.aborted) return;
      // As kube-scheduler: a lost lease ends the process, so a restart begins from fresh caches.
      log('error', 'leaderelection lost', { identity });
      process.exit(1);
    },
    onNewLeader: (leader) => log('info', 'new leader elected', { leader }),
    onError: (error) => log('warn', 'leader election error', { error: String(error) }),
  });
  process.exit(0);
}
