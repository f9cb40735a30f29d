// A member serves its clients only once it is ready, on etcd and on Barge: etcd binds its client URLs at
// start but serves them from its ReadyNotify on, once its attributes are published through raft, so a
// member restarted without a quorum answers nothing, not even a serializable read, until one is back; and
// a watch that asks for a leader is never told "no leader" by a member that has not had one since it started.

import { describe, expect, it } from 'vitest';
import type { Implementation } from '../../support/process-cluster.js';
import { suiteCluster } from '../../support/suite-cluster.js';
import { until } from '../../support/wait.js';

describe.each<Implementation>(['etcd', 'barge'])('a member restarted without a quorum, on %s', (implementation) => {
  const clusterOf = suiteCluster(3, implementation, ['--heartbeat-interval=100', '--election-timeout=1000']);

  it('serves nothing until it has published itself, then serves', async () => {
    const cluster = clusterOf();
    const [first, second, third] = cluster.members;
    const endpoint = first!.clientUrl.replace('http://', '');
    expect(cluster.etcdctl(['put', 'ready-key', 'v'], [endpoint]).status).toBe(0);
    await Promise.all(cluster.members.map((m) => cluster.kill(m)));

    cluster.spawn(first!, 'existing');
    // Given time to start and bind its port: a serializable read needs no leader, yet is not answered.
    const early = cluster.etcdctl(['get', 'ready-key', '--consistency=s', '--command-timeout=3s'], [endpoint]);
    expect(early.status).not.toBe(0);
    expect(early.stderr).toContain('context deadline exceeded');

    cluster.spawn(second!, 'existing');
    await until(
      'the member to serve once a quorum is back',
      () => cluster.etcdctl(['get', 'ready-key', '--consistency=s', '--print-value-only'], [endpoint]).stdout === 'v\n',
      { timeoutMs: 30_000, pollMs: 200 },
    );
    cluster.spawn(third!, 'existing');
  }, 90_000);
});
