// Differential: a watch on a member that freezes (its process stopped: the connection stays open, nothing
// answers). etcdctl pings while a stream is open (--keepalive-time, 2s by default, which grpc-go raises to
// 10 s; --keepalive-timeout 6s), gives the connection up when a ping goes unanswered, and resumes the watch
// on another endpoint; bargectl does the same. Without the pings the watch would wait for the member forever.

import { describe, expect, it } from 'vitest';
import type { Implementation } from '../../support/process-cluster.js';
import { suiteCluster } from '../../support/suite-cluster.js';
import { startTool, type LiveRun } from './ctl-harness.js';

describe.each<Implementation>(['etcd', 'barge'])('watch on a member that freezes, on %s', (implementation) => {
  const clusterOf = suiteCluster(3, implementation, ['--heartbeat-interval=100', '--election-timeout=1000']);

  it('goes on from another endpoint once a ping goes unanswered', async () => {
    const cluster = clusterOf();
    const leader = cluster.leader();
    const frozen = cluster.members.find((m) => m !== leader)!;
    const others = cluster.members.filter((m) => m !== frozen);
    // The frozen follower first: bargectl streams to the first endpoint that is ready.
    const endpoints = `--endpoints=${[frozen, ...others].map((m) => m.clientUrl.replace('http://', '')).join(',')}`;
    const put = cluster.etcdctl(['put', 'kept', 'v0', '-w', 'json'], [leader.clientUrl.replace('http://', '')]);
    const rev = Number(/"revision":(\d+)/.exec(put.stdout)![1]);
    const watches: Record<string, LiveRun> = {};
    for (const tool of ['etcdctl', 'bargectl'] as const) watches[tool] = startTool(tool, [endpoints, 'watch', 'kept', `--rev=${rev}`], { timeoutMs: 90_000 });
    await Promise.all(Object.entries(watches).map(([name, run]) => run.until(`${name}: v0`, (seen) => seen.stdout.includes('kept\nv0\n'))));

    frozen.process!.kill('SIGSTOP');
    try {
      expect(cluster.etcdctl(['put', 'kept', 'v1'], [leader.clientUrl.replace('http://', '')]).status).toBe(0);
      // Within a ping interval and its timeout (16 s), plus a new stream.
      await Promise.all(Object.entries(watches).map(([name, run]) => run.until(`${name}: v1`, (seen) => seen.stdout.includes('kept\nv1\n'), 45_000)));
    } finally {
      frozen.process!.kill('SIGCONT');
    }
    for (const run of Object.values(watches)) run.kill('SIGKILL');
    for (const [name, run] of Object.entries(watches)) {
      const result = await run.done;
      expect(result.stdout, name).toBe('PUT\nkept\nv0\nPUT\nkept\nv1\n');
      expect(result.stderr, name).toBe('');
    }
  }, 120_000);
});
