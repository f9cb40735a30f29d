// The embedded cluster as another project would use it: import from the package entry, start, talk to
// it with the etcd3 npm client, stop.

import { Etcd3 } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { startCluster } from '../../../src/index.js';

describe('startCluster()', () => {
  it('runs a 3-member cluster in this process that the etcd3 client uses through any member', async () => {
    const cluster = await startCluster({ size: 3 });
    try {
      expect(cluster.endpoints).toHaveLength(3);
      for (const [i, url] of cluster.clientUrls.entries()) {
        const client = new Etcd3({ hosts: url });
        try {
          await client.put(`from-${i}`).value(`${i}`);
          expect(await client.getAll().prefix('from-').keys()).toHaveLength(i + 1);
        } finally {
          client.close();
        }
      }
      const client = new Etcd3({ hosts: cluster.clientUrls });
      try {
        const lease = client.lease(5);
        await lease.put('leased').value('x');
        expect(await client.get('leased').string()).toBe('x');
        await lease.revoke();
        const members = await client.cluster.memberList({});
        expect(members.members.map((m) => m.name).sort()).toEqual(['barge-1', 'barge-2', 'barge-3']);
      } finally {
        client.close();
      }
    } finally {
      await cluster.stop();
    }
  });

  it('runs a single member too, and stop() frees its ports', async () => {
    const cluster = await startCluster({ size: 1 });
    const client = new Etcd3({ hosts: cluster.clientUrls });
    await client.put('solo').value('1');
    expect(await client.get('solo').string()).toBe('1');
    client.close();
    await cluster.stop();
    const again = new Etcd3({ hosts: cluster.clientUrls, dialTimeout: 300 });
    await expect(again.get('solo').string()).rejects.toThrow();
    again.close();
  });
});
