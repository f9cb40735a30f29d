// Linearizable reads share ReadIndex rounds: many concurrent reads cost a few rounds, not one each,
// and every read still sees every write acknowledged before it started.

import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue } from '../../support/metrics.js';
import { ProcessCluster } from '../../support/process-cluster.js';

let cluster: ProcessCluster;

beforeAll(async () => {
  cluster = await ProcessCluster.start(3, 'barge');
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
});

const rounds = (clientUrl: string): Promise<number> => metricValue(clientUrl, 'barge_server_read_index_rounds_total');

describe('linearizable reads', () => {
  for (const role of ['leader', 'follower'] as const) {
    it(`on a ${role}: 300 concurrent reads share rounds and all see the last acknowledged write`, async () => {
      const leader = cluster.leader();
      const member = role === 'leader' ? leader : cluster.members.find((m) => m !== leader)!;
      const client = new Etcd3({ hosts: [member.clientUrl] });
      try {
        await client.put(`counter-${role}`).value('0');
        const before = await rounds(member.clientUrl);
        let written = 0;
        // Writes go on while the reads run; each read must see at least what was acknowledged before it.
        const writer = (async () => {
          for (let i = 1; i <= 30; i++) {
            await client.put(`counter-${role}`).value(String(i));
            written = i;
          }
        })();
        const reads = Array.from({ length: 300 }, async () => {
          const floor = written;
          const value = Number(await client.get(`counter-${role}`).string());
          expect(value).toBeGreaterThanOrEqual(floor);
        });
        await Promise.all([writer, ...reads]);
        const used = (await rounds(member.clientUrl)) - before;
        expect(used).toBeGreaterThan(0);
        expect(used).toBeLessThan(150);
      } finally {
        client.close();
      }
    });
  }
});
