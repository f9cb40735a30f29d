// Differential: a watch that outlives its server's restart. etcdctl's watch (clientv3) opens its stream
// again when the connection is lost and creates each watcher again from the revision after the last one
// it saw, silently: the writes made while the member was down or the tool was reconnecting are printed,
// none twice beyond what clientv3 itself repeats. bargectl against etcd and against Barge, beside etcdctl.

import { describe, expect, it } from 'vitest';
import type { Implementation } from '../../support/process-cluster.js';
import { suiteCluster } from '../../support/suite-cluster.js';
import { until } from '../../support/wait.js';
import { startTool, type LiveRun } from './ctl-harness.js';

describe.each<Implementation>(['etcd', 'barge'])('watch across a restart of the member, on %s', (implementation) => {
  const clusterOf = suiteCluster(1, implementation);

  it('goes on printing events once the member is back, as etcdctl does', async () => {
    const cluster = clusterOf();
    const put = cluster.etcdctl(['put', 'r/before', 'x', '-w', 'json']);
    const before = Number(/"revision":(\d+)/.exec(put.stdout)![1]);
    const endpoint = [`--endpoints=${cluster.endpoints[0]}`];
    let testOver!: () => void;
    const over = new Promise<void>((resolve) => (testOver = resolve));
    const watches: Record<string, LiveRun> = {};
    for (const tool of ['etcdctl', 'bargectl'] as const) {
      // A watch of "now" (created on the stream, known to exist once its progress notify is printed) and
      // one from a revision, which prints r/before at once.
      watches[`${tool} -i`] = startTool(tool, [...endpoint, 'watch', '-i'], { script: ['watch --prefix r/\n', 'progress\n', over], timeoutMs: 60_000 });
      watches[`${tool} --rev`] = startTool(tool, [...endpoint, 'watch', '--prefix', 'r/', `--rev=${before}`], { timeoutMs: 60_000 });
    }
    await Promise.all([
      ...['etcdctl -i', 'bargectl -i'].map((name) => watches[name]!.until('the progress notify', (seen) => seen.stdout.includes('progress notify:'))),
      ...['etcdctl --rev', 'bargectl --rev'].map((name) => watches[name]!.until('r/before', (seen) => seen.stdout.includes('r/before\nx\n'))),
    ]);

    const [member] = cluster.members;
    await cluster.kill(member!);
    cluster.spawn(member!, 'existing');
    // Written as soon as the member serves again: most likely before the tools have their streams back.
    await until('the restarted member to take a write', () => cluster.etcdctl(['put', 'r/after-restart', '1']).status === 0, { timeoutMs: 30_000, pollMs: 100 });
    const restarted = 'PUT\nr/after-restart\n1\n';
    await Promise.all(Object.entries(watches).map(([name, run]) => run.until(`${name}: r/after-restart`, (seen) => seen.stdout.includes(restarted), 30_000)));
    cluster.etcdctl(['put', 'r/later', '2']);
    await Promise.all(Object.entries(watches).map(([name, run]) => run.until(`${name}: r/later`, (seen) => seen.stdout.includes('r/later\n2\n'), 30_000)));

    for (const run of Object.values(watches)) run.kill('SIGKILL');
    testOver();
    const runs = Object.fromEntries(await Promise.all(Object.entries(watches).map(async ([name, run]) => [name, await run.done] as const)));
    // Neither tool ended by itself, nor said anything about the lost connection.
    for (const [name, run] of Object.entries(runs)) {
      expect(run.timedOut, name).toBeUndefined();
      expect(run.stderr, name).toBe('');
    }
    expect(runs['bargectl --rev']!.stdout).toBe(runs['etcdctl --rev']!.stdout);
    expect(runs['bargectl --rev']!.stdout).toBe(`PUT\nr/before\nx\n${restarted}PUT\nr/later\n2\n`);
    expect(runs['bargectl -i']!.stdout).toBe(runs['etcdctl -i']!.stdout);
    expect(runs['bargectl -i']!.stdout.startsWith(`progress notify: ${before}\n`)).toBe(true);
  }, 120_000);
});
