// etcd's corruption checks with real processes and etcdctl: one member's keyspace is edited on disk while
// it is stopped; restarted with --experimental-initial-corrupt-check it refuses to start, as etcd does,
// and restarted without it, the leader's periodic check (--experimental-corrupt-check-time) finds its
// hash different and raises the CORRUPT alarm, after which writes fail with "corrupt cluster".

import { request } from 'node:http';
import { join } from 'node:path';
import { Level } from 'level';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster, exitCodeWithin, type ClusterMember } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';

let cluster: ProcessCluster;
/** Members started with --experimental-initial-corrupt-check on their next spawn. */
const checkedAtStart = new Set<string>();

beforeAll(async () => {
  cluster = await ProcessCluster.start(3, 'barge', ['--experimental-corrupt-check-time=1s'], undefined, {
    memberFlags: (m) => (checkedAtStart.has(m.name) ? ['--experimental-initial-corrupt-check=true'] : []),
    startTimeoutMs: 90_000,
  });
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

const endpoint = (m: ClusterMember): string => m.clientUrl.replace('http://', '');

/** GET /members/hashkv on a member's peer URL with a JSON body, as etcd's members ask each other. */
function peerHashKv(member: ClusterMember, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${member.peerUrl}/members/hashkv`, { method: 'GET', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Rewrites, in a stopped member's state backend, the stored value `from` as `to` (same length). */
async function tamper(member: ClusterMember, from: string, to: string): Promise<number> {
  const db = new Level<Buffer, Buffer>(join(member.dataDir, 'member/snap/db'), { keyEncoding: 'buffer', valueEncoding: 'buffer' });
  let changed = 0;
  try {
    for await (const [key, value] of db.iterator({ gte: Buffer.from('k'), lt: Buffer.from('l') })) {
      const at = value.indexOf(from);
      if (at < 0) continue;
      const edited = Buffer.from(value);
      edited.write(to, at);
      await db.put(key, edited);
      changed++;
    }
  } finally {
    await db.close();
  }
  return changed;
}

describe('corruption checks between members', () => {
  it('members answer /members/hashkv on the peer link with the same hash, and 400 for a compacted revision', async () => {
    for (let i = 0; i < 20; i++) expect(cluster.etcdctl(['put', `c/${i}`, `value-${i}`]).status).toBe(0);
    expect(cluster.etcdctl(['put', 'c/target', 'original-value']).status).toBe(0);
    expect(cluster.etcdctl(['compact', '3']).status).toBe(0);
    const revision = Number((JSON.parse(cluster.etcdctl(['get', 'c/target', '-w', 'json']).stdout) as { header: { revision: number } }).header.revision);
    const answers: { header: { revision: number }; hash: number; compact_revision: number }[] = [];
    await until('every member applied the writes', () => cluster.members.every((m) => cluster.etcdctl(['get', 'c/target', '--consistency=s', '--print-value-only'], [endpoint(m)]).stdout === 'original-value\n'), { timeoutMs: 20_000, pollMs: 200 });
    for (const member of cluster.members) {
      const answer = await peerHashKv(member, JSON.stringify({ revision }));
      expect(answer.status).toBe(200);
      answers.push(JSON.parse(answer.body) as (typeof answers)[number]);
    }
    expect(answers[0]!.header.revision).toBe(revision);
    expect(answers[0]!.compact_revision).toBe(3);
    expect(answers[0]!.hash).toBeGreaterThan(0);
    expect(new Set(answers.map((a) => a.hash)).size).toBe(1);
    expect(await peerHashKv(cluster.members[0]!, JSON.stringify({ revision: 2 }))).toEqual({ status: 400, body: 'mvcc: required revision has been compacted\n' });
    expect(await peerHashKv(cluster.members[0]!, JSON.stringify({ revision: revision + 100 }))).toEqual({ status: 400, body: 'mvcc: required revision is a future revision\n' });
    expect((await peerHashKv(cluster.members[0]!, 'not json')).status).toBe(400);
  }, 120_000);

  it('a member whose data differs refuses to start with the initial check, and the leader raises CORRUPT', async () => {
    const leader = cluster.leader();
    const victim = cluster.members.find((m) => m !== leader)!;
    const victimId = BigInt(`0x${cluster.etcdctl(['member', 'list']).stdout.split('\n').find((l) => l.includes(`, ${victim.name},`))!.split(',')[0]!}`);
    await cluster.kill(victim, 'SIGTERM');
    expect(await tamper(victim, 'original-value', 'tampered-value')).toBe(1);

    checkedAtStart.add(victim.name);
    victim.log = '';
    cluster.spawn(victim);
    expect(await exitCodeWithin(victim.process!, 60_000)).toBe(1);
    // 'exit' may come before the last of its log is read from the pipe.
    await until('the inconsistency logged', () => victim.log.includes(`"${victimId.toString(16)} found data inconsistency with peers"`), { timeoutMs: 10_000, pollMs: 100 });
    expect(victim.log).toContain('found different hash values from remote peer');
    expect(victim.log).toContain(`"${victimId.toString(16)} found data inconsistency with peers"`);
    expect(victim.log).not.toContain('ready to serve client requests');

    checkedAtStart.delete(victim.name);
    victim.log = '';
    cluster.spawn(victim);
    const alarm = `memberID:${victimId} alarm:CORRUPT`;
    await until('the leader raised CORRUPT for the tampered member', () => cluster.etcdctl(['alarm', 'list'], [endpoint(leader)]).stdout.includes(alarm), { timeoutMs: 60_000, pollMs: 500 });
    expect(cluster.etcdctl(['alarm', 'list'], [endpoint(leader)]).stdout).toBe(`${alarm} \n`); // etcdctl prints the proto text, trailing space included
    const put = cluster.etcdctl(['put', 'c/after', 'x'], [endpoint(leader)]);
    expect(put.status).not.toBe(0);
    expect(put.stderr).toContain('etcdserver: corrupt cluster');
    expect(cluster.etcdctl(['del', 'c/1'], [endpoint(leader)]).stderr).toContain('etcdserver: corrupt cluster');
    expect(cluster.etcdctl(['lease', 'grant', '60'], [endpoint(leader)]).stderr).toContain('etcdserver: corrupt cluster');
    // Reads are served still, so operators can inspect and recover.
    expect(cluster.etcdctl(['get', 'c/target', '--print-value-only'], [endpoint(leader)]).stdout).toBe('original-value\n');
  }, 180_000);
});
