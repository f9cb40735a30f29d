// `barge kubelet --hollow --node-name n1 --kubeconfig kubelet-n1.conf`: one hollow kubelet (see
// src/kubelet/container-program.ts for what its "containers" do). The size and timing flags are shared
// with `barge nodes`, which runs many in one process.

import { Command, Option } from 'commander';
import { KubeClient, loadKubeconfig } from '../client/kube/index.js';
import { errorText } from '../etcd-errors.js';
import { HollowKubelet, type NodeSize } from '../kubelet/index.js';

export interface HollowNodeFlags {
  readonly size: NodeSize;
  readonly pullDelayMs: number;
  readonly statusReportMs: number;
}

export function addHollowNodeOptions(command: Command): Command {
  return command
    .addOption(new Option('--cpu <quantity>', 'the node\'s cpu capacity').default('4'))
    .addOption(new Option('--memory <quantity>', 'the node\'s memory capacity').default('16Gi'))
    .addOption(new Option('--max-pods <n>', 'number of pods the node can run').default('110'))
    .addOption(new Option('--image-pull-delay <ms>', 'how long a hollow image pull takes, in milliseconds').default('1000'))
    .addOption(new Option('--node-status-report-frequency <s>', 'seconds between node status posts when nothing changed').default('300'));
}

function count(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`invalid argument "${value}" for "--${name}" flag: must be a non-negative integer`);
  return n;
}

export function hollowNodeFlags(o: Record<string, string>): HollowNodeFlags {
  return {
    size: { cpu: o['cpu']!, memory: o['memory']!, pods: String(count('max-pods', o['maxPods']!)) },
    pullDelayMs: count('image-pull-delay', o['imagePullDelay']!),
    statusReportMs: count('node-status-report-frequency', o['nodeStatusReportFrequency']!) * 1000,
  };
}

export function kubeletLog(message: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(`${JSON.stringify({ level: message === 'error' ? 'error' : 'info', ts: new Date().toISOString(), msg: message, component: 'kubelet', ...fields })}\n`);
}

export async function startHollowNode(kubeconfig: string, nodeName: string, flags: HollowNodeFlags): Promise<HollowKubelet> {
  const client = new KubeClient(loadKubeconfig(kubeconfig), { userAgent: `kubelet/v1.32.0 (linux/amd64) barge-hollow` });
  return HollowKubelet.start({ client, nodeName, size: flags.size, pullDelayMs: flags.pullDelayMs, statusReportMs: flags.statusReportMs, log: kubeletLog });
}

/** Stops `kubelets` on SIGINT/SIGTERM and exits. */
export function stopOnSignals(kubelets: readonly HollowKubelet[]): void {
  // A kubelet that fails to stop is reported and the process still exits (the signal is not ignored).
  const stop = (): void => {
    Promise.all(kubelets.map((k) => k.stop())).then(
      () => process.exit(0),
      (error: unknown) => {
        kubeletLog('error', { error: errorText(error) });
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export async function runKubelet(args: readonly string[]): Promise<void> {
  const command = addHollowNodeOptions(
    new Command('barge kubelet')
      .description('a hollow kubelet: registers a node and runs the pods bound to it without containers')
      .option('--hollow', 'run hollow (the only mode there is)')
      .requiredOption('--node-name <name>', 'the node\'s name')
      .requiredOption('--kubeconfig <file>', 'kubeconfig naming the apiserver and the kubelet\'s credentials'),
  );
  command.parse([...args], { from: 'user' });
  const o = command.opts<Record<string, string>>();
  if (!o['hollow']) throw new Error('barge kubelet runs hollow kubelets only: pass --hollow');
  const kubelet = await startHollowNode(o['kubeconfig']!, o['nodeName']!, hollowNodeFlags(o));
  kubeletLog('hollow kubelet running', { node: kubelet.nodeName });
  stopOnSignals([kubelet]);
}
