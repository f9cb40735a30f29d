// The operations guide's maintenance: `etcdctl defrag` on a member while clients keep writing to and
// reading from it (after a compaction left space to reclaim, as the guide's order has it). Every defrag
// finishes with etcdctl's message, no concurrent request fails, and every acknowledged write reads back.

import { Etcd3 } from 'etcd3';
import { beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';
import { threeMembers } from './three-members.js';

const started = threeMembers();

let cluster: ProcessCluster;
beforeAll(() => {
  cluster = started();
});

describe('defrag on a busy member', () => {
  it('concurrent clients of the member see no error while it defragments, and lose nothing', async () => {
    const target = cluster.members[0]!;
    const endpoint = target.clientUrl.replace('http://', '');
    // History to reclaim: overwrite a set of keys, then compact it away.
    const value = 'x'.repeat(2048);
    const filler = new Etcd3({ hosts: [target.clientUrl] });
    for (let round = 0; round < 5; round++) await Promise.all(Array.from({ length: 40 }, (_, i) => filler.put(`fill/${i}`).value(`${value}${round}`)));
    filler.close();
    const revision = Number(JSON.parse(cluster.etcdctl(['get', 'fill/0', '-w', 'json'], [endpoint]).stdout).header.revision);
    expect(cluster.etcdctl(['compact', String(revision)], [endpoint]).stdout).toBe(`compacted revision ${revision}\n`);

    // Clients of that member alone: writers and readers, all the while.
    const clients = Array.from({ length: 3 }, () => new Etcd3({ hosts: [target.clientUrl] }));
    const acknowledged = new Map<string, string>();
    const errors: string[] = [];
    let reads = 0;
    let busy = true;
    const loops = clients.map((client, c) =>
      (async () => {
        for (let i = 0; busy; i++) {
          try {
            const key = `busy/${c}/${i}`;
            await client.put(key).value(String(i));
            acknowledged.set(key, String(i));
            const back = await client.get(key).string();
            if (back !== String(i)) errors.push(`${key} read back ${back}`);
            reads++;
          } catch (err) {
            errors.push(err instanceof Error ? err.message : String(err));
          }
        }
      })(),
    );
    try {
      await until('clients under way', () => acknowledged.size >= 30, { timeoutMs: 30_000 });
      for (let pass = 0; pass < 3; pass++) {
        const before = acknowledged.size;
        const defrag = cluster.etcdctl(['defrag', '--command-timeout=30s'], [endpoint]);
        expect(defrag.status, defrag.stderr).toBe(0);
        expect(defrag.stdout).toBe(`Finished defragmenting etcd member[${endpoint}]\n`);
        // The clients went on between the passes.
        await until('writes between defrag passes', () => acknowledged.size >= before + 10, { timeoutMs: 30_000 });
      }
    } finally {
      busy = false;
      await Promise.all(loops);
      for (const client of clients) client.close();
    }
    expect(errors).toEqual([]);
    expect(reads).toBeGreaterThan(30);

    // Every acknowledged write, on every member.
    for (const m of cluster.members) {
      const lines = cluster.etcdctl(['get', 'busy/', '--prefix'], [m.clientUrl.replace('http://', '')]).stdout.split('\n').filter((l) => l.length > 0);
      const stored = new Map<string, string>();
      for (let i = 0; i + 1 < lines.length; i += 2) stored.set(lines[i]!, lines[i + 1]!);
      const missing = [...acknowledged].filter(([k, v]) => stored.get(k) !== v).map(([k]) => k);
      expect({ member: m.name, missing }).toEqual({ member: m.name, missing: [] });
    }
    expect(cluster.etcdctl(['endpoint', 'health']).status).toBe(0);
  }, 180_000);
});
