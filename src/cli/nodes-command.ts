// `barge nodes --count N`: N hollow kubelets in one process, named <prefix>-1 … <prefix>-N, each with
// <kubeconfig-dir>/kubelet-<node>.conf when that exists (its own system:node identity), else --kubeconfig.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { addHollowNodeOptions, hollowNodeFlags, kubeletLog, startHollowNode, stopOnSignals } from './kubelet-command.js';

export async function runNodes(args: readonly string[]): Promise<void> {
  const command = addHollowNodeOptions(
    new Command('barge nodes')
      .description('many hollow kubelets in one process')
      .option('--count <n>', 'how many nodes', '3')
      .option('--prefix <name>', 'node names are <prefix>-1, <prefix>-2, …', 'hollow-node')
      .option('--kubeconfig <file>', 'kubeconfig for nodes without their own')
      .option('--kubeconfig-dir <dir>', 'where kubelet-<node>.conf files are looked for'),
  );
  command.parse([...args], { from: 'user' });
  const o = command.opts<Record<string, string>>();
  const flags = hollowNodeFlags(o);
  const count = Number(o['count']);
  if (!Number.isInteger(count) || count < 1) throw new Error(`invalid argument "${o['count']}" for "--count" flag: must be a positive integer`);
  const names = Array.from({ length: count }, (_, i) => `${o['prefix']}-${i + 1}`);
  const kubeconfigOf = (node: string): string => {
    const own = o['kubeconfigDir'] ? join(o['kubeconfigDir'], `kubelet-${node}.conf`) : undefined;
    if (own && existsSync(own)) return own;
    if (!o['kubeconfig']) throw new Error(`no kubeconfig for ${node}: pass --kubeconfig or --kubeconfig-dir holding kubelet-${node}.conf`);
    return o['kubeconfig'];
  };
  const kubelets = await Promise.all(names.map((node) => startHollowNode(kubeconfigOf(node), node, flags)));
  kubeletLog('hollow nodes running', { nodes: names });
  stopOnSignals(kubelets);
}
