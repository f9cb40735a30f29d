// The operations guide's "remove a member", applied to the leader: `etcdctl member remove <leader id>`
// on a three-member cluster under a steady trickle of writes. The removal is acknowledged, the two left
// elect a leader among themselves and keep serving (every write acknowledged before or after is
// there), the removed member stops as etcd's does, and the member list no longer shows it.

import { Etcd3 } from 'etcd3';
import { beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster, type ClusterMember } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';
import { threeMembers } from './three-members.js';

const started = threeMembers();
let cluster: ProcessCluster;
beforeAll(() => {
  cluster = started();
});

/** The member id (hex) etcdctl's member list gives `member`. */
function idOf(member: ClusterMember): string {
  const line = cluster.etcdctl(['member', 'list']).stdout.split('\n').find((l) => l.includes(`, ${member.name}, `));
  if (!line) throw new Error(`${member.name} is not in the member list`);
  return line.split(',')[0]!;
}

describe('member remove of the leader', () => {
  it('the others elect a new leader and keep serving; the removed member stops', async () => {
    const leader = cluster.leader();
    const others = cluster.members.filter((m) => m !== leader);
    const otherEndpoints = others.map((m) => m.clientUrl.replace('http://', ''));
    const client = new Etcd3({ hosts: others.map((m) => m.clientUrl) });
    const acknowledged: number[] = [];
    const failures: string[] = [];
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        try {
          await client.put(`rm/${String(i).padStart(5, '0')}`).value(String(i));
          acknowledged.push(i);
        } catch (err) {
          // A write in flight while the leader goes may fail; etcd gives no promise about it.
          failures.push(err instanceof Error ? err.message : String(err));
        }
      }
    })();
    try {
      await until('some writes before the removal', () => acknowledged.length >= 20, { timeoutMs: 30_000 });
      const removed = cluster.etcdctl(['member', 'remove', idOf(leader)], otherEndpoints);
      expect(removed.stdout, removed.stderr).toMatch(/^Member\s+[0-9a-f]+ removed from cluster\s+[0-9a-f]+$/m);

      // A new leader among the two left, and writes acknowledged again after the removal.
      await until('a leader among the others', () => {
        const status = cluster.etcdctl(['endpoint', 'status', '-w', 'json'], otherEndpoints);
        if (status.status !== 0) return false;
        const rows = JSON.parse(status.stdout) as { Status: { header: { member_id: number }; leader: number } }[];
        return rows.some((r) => String(r.Status.header.member_id) === String(r.Status.leader));
      }, { timeoutMs: 30_000, pollMs: 250 });
      const afterRemoval = acknowledged.length;
      await until('writes after the removal', () => acknowledged.length >= afterRemoval + 20, { timeoutMs: 30_000 });
    } finally {
      writing = false;
      await writer;
      client.close();
    }

    const list = cluster.etcdctl(['member', 'list'], otherEndpoints).stdout;
    expect(list).not.toContain(`, ${leader.name}, `);
    for (const m of others) expect(list).toContain(`, started, ${m.name}, `);
    expect(cluster.etcdctl(['endpoint', 'health'], otherEndpoints).status).toBe(0);

    // Every acknowledged write is there, on each of the two.
    for (const endpoint of otherEndpoints) {
      const keys = cluster.etcdctl(['get', 'rm/', '--prefix', '--keys-only', '--consistency=s'], [endpoint]).stdout.split('\n').filter((l) => l.length > 0);
      const present = new Set(keys.map((k) => Number(k.slice(3))));
      expect(acknowledged.filter((i) => !present.has(i))).toEqual([]);
    }
    // At most the writes in flight at the moment of removal failed.
    expect(failures.length).toBeLessThanOrEqual(5);

    // The removed member learns it was removed and stops, as etcd does.
    await until('the removed member to exit', () => leader.process!.exitCode !== null || leader.process!.signalCode !== null, { timeoutMs: 30_000, pollMs: 250 });
  }, 150_000);
});
