// A real 3-member Barge cluster (three processes on loopback) driven by the real etcdctl 3.4 and the
// etcd3 npm client: replication across members, watches, leases, compaction, errors, losing the leader,
// and a member restarted after it missed writes.

import { spawn } from 'node:child_process';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';

let cluster: ProcessCluster;

beforeAll(async () => {
  cluster = await ProcessCluster.start(3, 'barge', ['--snapshot-count=200', '--experimental-snapshot-catchup-entries=50']);
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
});

const at = (i: number): string[] => [cluster.endpoints[i]!];

/** Runs `etcdctl watch` in the background until it printed `lines` lines (or the timeout). */
function watchLines(args: string[], endpoint: string, lines: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('etcdctl', [`--endpoints=${endpoint}`, 'watch', ...args], { env: { ...process.env, ETCDCTL_API: '3' } });
    let out = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`watch printed only: ${out}`));
    }, 15_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const got = out.split('\n').filter((l) => l.length > 0);
      if (got.length >= lines) {
        clearTimeout(timer);
        child.kill();
        resolve(got.slice(0, lines));
      }
    });
  });
}

describe('a 3-member Barge cluster with etcdctl', () => {
  it('a write on one member is read on the others, linearizably and serializably', () => {
    expect(cluster.etcdctl(['put', 'greeting', 'hello'], at(0)).stdout).toBe('OK\n');
    expect(cluster.etcdctl(['get', 'greeting'], at(1)).stdout).toBe('greeting\nhello\n');
    expect(cluster.etcdctl(['get', 'greeting', '--consistency=s', '--print-value-only'], at(2)).stdout).toMatch(/^(hello)?\n?$/);
    expect(cluster.etcdctl(['get', 'greeting', '--print-value-only'], at(2)).stdout).toBe('hello\n');
  });

  it('every member reports the same members, a single leader and the same revision', () => {
    const list = cluster.etcdctl(['member', 'list']).stdout.trim().split('\n');
    expect(list).toHaveLength(3);
    for (const line of list) expect(line).toMatch(/^[0-9a-f]+, started, m[123], http:\/\/127\.0\.0\.1:\d+, http:\/\/127\.0\.0\.1:\d+, false$/);
    const status = JSON.parse(cluster.etcdctl(['endpoint', 'status', '-w', 'json']).stdout) as { Status: { leader: number; header: { revision: number } } }[];
    expect(new Set(status.map((s) => String(s.Status.leader))).size).toBe(1);
    expect(new Set(status.map((s) => s.Status.header.revision)).size).toBe(1);
  });

  it('a watch from a past revision on one member sees writes made through another, in order', async () => {
    const start = JSON.parse(cluster.etcdctl(['put', 'w/1', 'a', '-w', 'json'], at(0)).stdout).header.revision as number;
    cluster.etcdctl(['put', 'w/2', 'b'], at(1));
    const watched = watchLines(['--prefix', 'w/', `--rev=${start}`], cluster.endpoints[2]!, 8);
    cluster.etcdctl(['del', 'w/1'], at(0));
    expect(await watched).toEqual(['PUT', 'w/1', 'a', 'PUT', 'w/2', 'b', 'DELETE', 'w/1']);
  });

  it('a lease that is not kept alive expires and takes its keys with it', async () => {
    const granted = cluster.etcdctl(['lease', 'grant', '2'], at(1)).stdout;
    const id = /lease ([0-9a-f]+) granted with TTL\(2s\)/.exec(granted)![1]!;
    expect(cluster.etcdctl(['put', '--lease', id, 'ephemeral', 'x'], at(2)).stdout).toBe('OK\n');
    expect(cluster.etcdctl(['lease', 'timetolive', id, '--keys'], at(0)).stdout).toMatch(/attached keys\(\[ephemeral\]\)/);
    await new Promise((r) => setTimeout(r, 4500));
    expect(cluster.etcdctl(['get', 'ephemeral'], at(0)).stdout).toBe('');
    expect(cluster.etcdctl(['lease', 'timetolive', id], at(2)).stdout).toMatch(/already expired/);
  });

  it('compaction makes older revisions unreadable with etcd\'s error', () => {
    const first = JSON.parse(cluster.etcdctl(['put', 'c', '1', '-w', 'json'], at(0)).stdout).header.revision as number;
    cluster.etcdctl(['put', 'c', '2'], at(0));
    expect(cluster.etcdctl(['compaction', String(first + 1)], at(1)).stdout).toBe(`compacted revision ${first + 1}\n`);
    const old = cluster.etcdctl(['get', 'c', `--rev=${first}`], at(2));
    expect(old.status).not.toBe(0);
    expect(old.stderr).toContain('etcdserver: mvcc: required revision has been compacted');
    expect(cluster.etcdctl(['get', 'c', `--rev=${first + 1}`, '--print-value-only'], at(2)).stdout).toBe('2\n');
  });

  it('bad input gets etcd\'s errors and changes nothing', () => {
    const before = cluster.etcdctl(['get', 'x', '-w', 'json'], at(0)).stdout;
    expect(cluster.etcdctl(['put', '', 'v'], at(0)).stderr).toContain('etcdserver: key is not provided');
    expect(cluster.etcdctl(['put', 'k', 'v', '--lease=123abc'], at(0)).stderr).toContain('etcdserver: requested lease not found');
    expect(cluster.etcdctl(['get', 'k', '--rev=100000'], at(0)).stderr).toContain('etcdserver: mvcc: required revision is a future revision');
    expect(cluster.etcdctl(['put', 'k', '--ignore-value'], at(0)).stderr).toContain('etcdserver: key not found');
    const revisionOf = (json: string) => JSON.parse(json).header.revision as number;
    expect(revisionOf(cluster.etcdctl(['get', 'x', '-w', 'json'], at(0)).stdout)).toBe(revisionOf(before));
  });
});

describe('the etcd3 npm client against Barge', () => {
  it('puts, gets, transacts, watches and leases through any member', async () => {
    const client = new Etcd3({ hosts: cluster.members.map((m) => m.clientUrl) });
    try {
      await client.put('npm/a').value('1');
      expect(await client.get('npm/a').string()).toBe('1');
      const txn = await client.if('npm/a', 'Value', '==', '1').then(client.put('npm/b').value('2')).else(client.put('npm/c').value('3')).commit();
      expect(txn.succeeded).toBe(true);
      expect(await client.getAll().prefix('npm/').strings()).toEqual({ 'npm/a': '1', 'npm/b': '2' });

      const watcher = await client.watch().prefix('npm/').create();
      const seen = new Promise<string>((resolve) => watcher.on('put', (kv) => resolve(`${kv.key.toString()}=${kv.value.toString()}`)));
      await client.put('npm/d').value('4');
      expect(await seen).toBe('npm/d=4');
      await watcher.cancel();

      const lease = client.lease(10);
      await lease.put('npm/leased').value('x');
      expect(await client.get('npm/leased').string()).toBe('x');
      await lease.revoke();
      expect(await client.get('npm/leased').string()).toBeNull();
    } finally {
      client.close();
    }
  });
});

describe('failures', () => {
  it('with the leader killed, the other two elect a new one and keep every acknowledged write', async () => {
    for (let i = 0; i < 20; i++) expect(cluster.etcdctl(['put', `before/${i}`, `${i}`]).status).toBe(0);
    const leader = cluster.leader();
    await cluster.kill(leader);
    const others = cluster.members.filter((m) => m !== leader).map((m) => m.clientUrl.replace('http://', ''));
    let written = false;
    for (let attempt = 0; attempt < 20 && !written; attempt++) written = cluster.etcdctl(['put', 'after', 'leader loss'], others).status === 0;
    expect(written).toBe(true);
    expect(cluster.etcdctl(['get', '--prefix', 'before/', '--keys-only', '-w', 'json'], others).stdout).toMatch(/"count":20/);

    // Back with its data dir after the others moved on and trimmed their logs: it catches up by snapshot.
    for (let i = 0; i < 300; i++) cluster.etcdctl(['put', `missed/${i % 10}`, `${i}`], others);
    const logBefore = leader.log.length;
    cluster.spawn(leader);
    await cluster.waitHealthy();
    const back = [leader.clientUrl.replace('http://', '')];
    let caughtUp = '';
    for (let attempt = 0; attempt < 50 && caughtUp !== '299\n'; attempt++) {
      caughtUp = cluster.etcdctl(['get', 'missed/9', '--consistency=s', '--print-value-only'], back).stdout;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(caughtUp).toBe('299\n');
    expect(leader.log.slice(logBefore)).toContain('installing snapshot');
    expect(cluster.etcdctl(['get', 'after', '--print-value-only'], back).stdout).toBe('leader loss\n');

    // The installed snapshot came from another member: restarted again, this one must still be itself.
    const ownId = () => JSON.parse(cluster.etcdctl(['endpoint', 'status', '-w', 'json'], back).stdout)[0].Status.header.member_id as number;
    const idBefore = ownId();
    await cluster.kill(leader);
    cluster.spawn(leader);
    await cluster.waitHealthy();
    expect(ownId()).toBe(idBefore);
    expect(cluster.etcdctl(['put', 'after-restart', 'x'], back).status).toBe(0);
  }, 120_000);
});

describe('limits and shutdown', () => {
  it('a request above --max-request-bytes is refused with etcd\'s error', () => {
    const big = 'x'.repeat(1_600_000);
    const result = cluster.etcdctl(['put', 'too-big'], [cluster.endpoints[1]!], big);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('etcdserver: request is too large');
    expect(cluster.etcdctl(['get', 'too-big', '--print-value-only'], at(1)).stdout).toBe('');
  });

  it('a txn with more than --max-txn-ops operations is refused', () => {
    const puts = Array.from({ length: 129 }, (_, i) => `put many/${i} v`).join('\n');
    const result = cluster.etcdctl(['txn'], at(0), `\n${puts}\n\n\n`);
    expect(result.stderr).toContain('etcdserver: too many operations in txn request');
  });

  it('SIGTERM on the leader hands leadership to another member before it exits', async () => {
    const running = cluster.members.filter((m) => m.process && m.process.exitCode === null && m.process.signalCode === null);
    const leader = cluster.leader();
    await cluster.kill(leader, 'SIGTERM');
    expect(leader.process!.exitCode).toBe(0);
    // 'exit' may come before the last of its log is read from the pipe.
    await until('the shutdown logged', () => leader.log.includes('received signal; shutting down'), { timeoutMs: 10_000, pollMs: 100 });
    const others = running.filter((m) => m !== leader).map((m) => m.clientUrl.replace('http://', ''));
    // Handed over, not lost: the others have a leader at once, without waiting out an election timeout.
    const status = JSON.parse(cluster.etcdctl(['endpoint', 'status', '-w', 'json'], others).stdout) as { Status: { leader: number } }[];
    expect(status.every((s) => s.Status.leader !== 0)).toBe(true);
    expect(cluster.etcdctl(['put', 'after-sigterm', 'ok'], others).stdout).toBe('OK\n');
    cluster.spawn(leader);
    await cluster.waitHealthy();
  }, 30_000);
});
