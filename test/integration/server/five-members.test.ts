// Five real members: two may fail (the leader among them) and the other three keep serving every
// acknowledged write; a member's peer URL can be updated; every member converges on the same hash.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster, type ClusterMember } from '../../support/process-cluster.js';

let cluster: ProcessCluster;

beforeAll(async () => {
  cluster = await ProcessCluster.start(5);
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
});

const endpoint = (m: ClusterMember): string => m.clientUrl.replace('http://', '');

describe('a 5-member Barge cluster', () => {
  it('survives losing two members, the leader among them, without losing a write', async () => {
    for (let i = 0; i < 25; i++) expect(cluster.etcdctl(['put', `five/${i}`, `${i}`]).status).toBe(0);
    const leader = cluster.leader();
    const other = cluster.members.find((m) => m !== leader)!;
    await cluster.kill(leader);
    await cluster.kill(other);
    const alive = cluster.members.filter((m) => m !== leader && m !== other).map(endpoint);
    let written = false;
    for (let attempt = 0; attempt < 20 && !written; attempt++) written = cluster.etcdctl(['put', 'five/after', 'x'], alive).status === 0;
    expect(written).toBe(true);
    for (const member of alive) {
      expect(cluster.etcdctl(['get', '--prefix', 'five/', '--keys-only', '-w', 'json'], [member]).stdout).toMatch(/"count":26/);
    }
    cluster.spawn(leader);
    cluster.spawn(other);
    await cluster.waitHealthy();
  }, 60_000);

  it('all five converge on the same revision and HashKV', async () => {
    let hashes = new Set<string>();
    for (let attempt = 0; attempt < 20; attempt++) {
      const out = cluster.etcdctl(['endpoint', 'hashkv', '-w', 'json']).stdout;
      const rows = JSON.parse(out) as { HashKV: { header: { revision: number }; hash: number } }[];
      hashes = new Set(rows.map((r) => `${r.HashKV.header.revision}:${r.HashKV.hash}`));
      if (rows.length === 5 && hashes.size === 1) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(hashes.size).toBe(1);
  });

  it('member update changes a member\'s peer URLs as seen by all', () => {
    const line = cluster.etcdctl(['member', 'list']).stdout.split('\n').find((l) => l.includes(', m5,'))!;
    const id = line.split(',')[0]!;
    const peerUrl = cluster.members[4]!.peerUrl;
    const updated = cluster.etcdctl(['member', 'update', id, `--peer-urls=${peerUrl},http://127.0.0.2:1`]);
    expect(updated.stdout).toMatch(new RegExp(`^Member\\s+${id} updated in cluster\\s+[0-9a-f]+\\n$`));
    expect(cluster.etcdctl(['member', 'list'], [cluster.endpoints[0]!]).stdout).toContain(`${peerUrl},http://127.0.0.2:1`);
    expect(cluster.etcdctl(['member', 'update', 'abcd', '--peer-urls=http://127.0.0.3:1']).stderr).toContain('etcdserver: member not found');
  });
});
