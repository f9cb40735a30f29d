// Differential: the same etcdctl user/role/auth sequence against a real etcd 3.4 and against Barge (one
// member each); every command must print the same and exit the same, once ids, addresses, tokens and
// client log lines are masked.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../support/process-cluster.js';
import { steps, type Step } from './steps.js';

let etcd: ProcessCluster;
let barge: ProcessCluster;

beforeAll(async () => {
  [etcd, barge] = await Promise.all([ProcessCluster.start(1, 'etcd'), ProcessCluster.start(1, 'barge')]);
}, 60_000);

afterAll(async () => {
  await Promise.all([etcd?.stop(), barge?.stop()]);
});

/** Masks what legitimately differs between two clusters: ids, addresses, tokens, client log lines. */
function mask(text: string, cluster: ProcessCluster): string {
  let out = text;
  for (const endpoint of cluster.endpoints) out = out.split(endpoint).join('ENDPOINT');
  return out
    .split('\n')
    .filter((line) => !line.startsWith('{"level":'))
    .join('\n')
    .replace(/"(cluster_id|member_id|raft_term|revision)":\d+/g, '"$1":#')
    .replace(/lease [0-9a-f]+/g, 'lease #')
    .replace(/\b[0-9a-f]{16}\b/g, '#');
}

describe('etcdctl user/role/auth against etcd 3.4 and against Barge', () => {
  it('prints the same and exits the same for every command of the sequence', () => {
    const differences: string[] = [];
    const seen: string[] = [];
    const vars = new Map<ProcessCluster, Record<string, string>>([
      [etcd, {}],
      [barge, {}],
    ]);
    const run = (cluster: ProcessCluster, step: Step) => {
      const own = vars.get(cluster)!;
      const args = typeof step.args === 'function' ? step.args(own) : step.args;
      const result = cluster.etcdctl(args, cluster.endpoints, step.input);
      if (step.capture) {
        const match = step.capture[1].exec(result.stdout);
        if (match) own[step.capture[0]] = match[1]!;
      }
      return { args, text: `${result.status}\n${mask(result.stdout, cluster)}\n${mask(result.stderr, cluster)}` };
    };
    for (const step of steps) {
      const a = run(etcd, step);
      const b = run(barge, step);
      seen.push(a.text);
      if (a.text !== b.text) differences.push(`etcdctl ${a.args.join(' ')}\n--- etcd\n${a.text}\n--- barge\n${b.text}`);
    }
    expect(differences).toEqual([]);
    // The sequence really went through allowed and denied paths.
    const all = seen.join('\n');
    for (const text of ['Authentication Enabled', 'etcdserver: permission denied', 'etcdserver: user name is empty', 'invalid user ID or password', 'Role r1', 'SUCCESS']) {
      expect(all).toContain(text);
    }
  }, 300_000);
});
