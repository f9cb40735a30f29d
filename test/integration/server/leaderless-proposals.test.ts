// A write sent to a member that knows no leader (two of three members down, or an election under way), on
// etcd and on Barge: etcd's raft node holds proposals until a leader is known, so the write waits rather
// than failing at once, succeeds when a leader is elected within the client's deadline, and is never
// proposed once that deadline has passed. etcdctl sees "context deadline exceeded" in the first case and
// "OK" in the second, and a write that timed out is not there afterwards; nor is one whose client went
// away while it was held (etcd's proposal context ends with the client's connection). A membership change
// likewise; a linearizable read waits as well, and is answered once a leader is known.

import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Implementation } from '../../support/process-cluster.js';
import { suiteCluster } from '../../support/suite-cluster.js';
import { until } from '../../support/wait.js';

interface Exit {
  readonly status: number | null;
  readonly output: string;
}

function etcdctlInBackground(endpoint: string, args: readonly string[]): { readonly exit: Promise<Exit>; exited(): boolean; kill(): void } {
  const child = spawn('etcdctl', [`--endpoints=${endpoint}`, ...args], { env: { ...process.env, ETCDCTL_API: '3' } });
  let output = '';
  let done = false;
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<Exit>((resolve) =>
    child.on('exit', (status) => {
      done = true;
      resolve({ status, output });
    }),
  );
  return { exit, exited: () => done, kill: () => void child.kill('SIGKILL') };
}

describe.each<Implementation>(['etcd', 'barge'])('writes on a member without a leader, on %s', (implementation) => {
  const clusterOf = suiteCluster(3, implementation, ['--heartbeat-interval=100', '--election-timeout=1000']);

  it('wait for a leader: past the client deadline they fail and are never applied, within it they succeed once one is elected', async () => {
    const cluster = clusterOf();
    const [survivor, restarted, third] = cluster.members;
    const endpoint = survivor!.clientUrl.replace('http://', '');
    const thirdId = cluster.etcdctl(['member', 'list'], [endpoint]).stdout.split('\n').find((line) => line.includes(`, ${third!.name}, `))?.split(',')[0];
    expect(thirdId).toMatch(/^[0-9a-f]+$/);
    await Promise.all([cluster.kill(restarted!), cluster.kill(third!)]);
    await until(
      'the survivor to report no leader',
      () => cluster.etcdctl(['endpoint', 'status', '-w', 'json'], [endpoint]).stdout.includes('etcdserver: no leader'),
      { timeoutMs: 20_000, pollMs: 200 },
    );

    const startedAt = performance.now();
    const timedOut = cluster.etcdctl(['put', 'held-too-long', 'v', '--command-timeout=2s'], [endpoint]);
    expect(timedOut.status).not.toBe(0);
    expect(timedOut.stderr).toContain('context deadline exceeded');
    expect(performance.now() - startedAt).toBeGreaterThan(1900);
    // A membership change likewise: dropped at the client's deadline, not applied once a leader is back.
    const update = cluster.etcdctl(['member', 'update', thirdId!, '--peer-urls=http://127.0.0.1:1', '--command-timeout=2s'], [endpoint]);
    expect(update.status).not.toBe(0);
    expect(update.stderr).toContain('context deadline exceeded');

    // A linearizable read waits too, for the client's deadline (etcd's read loop waits for its dropped round).
    const readTimedOut = cluster.etcdctl(['get', 'held-too-long', '--command-timeout=2s'], [endpoint]);
    expect(readTimedOut.status).not.toBe(0);
    expect(readTimedOut.stderr).toContain('context deadline exceeded');

    const held = etcdctlInBackground(endpoint, ['--command-timeout=20s', 'put', 'held', 'v']);
    const heldRead = etcdctlInBackground(endpoint, ['--command-timeout=20s', 'get', 'held-too-long', '--print-value-only']);
    const abandoned = etcdctlInBackground(endpoint, ['--command-timeout=20s', 'put', 'held-abandoned', 'v']);
    // Held, not refused: still waiting while nothing has changed.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(held.exited()).toBe(false);
    expect(heldRead.exited()).toBe(false);
    expect(abandoned.exited()).toBe(false);
    // Its client goes away long before its deadline: its connection closes, and the write is never proposed.
    abandoned.kill();
    await abandoned.exit;
    cluster.spawn(restarted!, 'existing');
    const result = await held.exit;
    expect(result).toEqual({ status: 0, output: 'OK\n' });
    expect(await heldRead.exit).toEqual({ status: 0, output: '' });

    const read = cluster.etcdctl(['get', '--prefix', 'held'], [endpoint]);
    expect(read.stdout).toBe('held\nv\n');
    expect(cluster.etcdctl(['member', 'list'], [endpoint]).stdout).not.toContain('http://127.0.0.1:1,');
  }, 90_000);
});
