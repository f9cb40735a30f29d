// The apiserver store's currentRevision against a real etcd: many concurrent callers share reads (at most
// two Range calls outstanding however many ask), and each caller still gets a revision at least as new as
// every write that completed before it asked.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreClient } from '../../../src/client/etcd/store-client.js';
import { EtcdStore } from '../../../src/apiserver/storage/etcd-store.js';
import { ProcessCluster } from '../../support/process-cluster.js';

describe('EtcdStore.currentRevision on a real etcd', () => {
  let cluster: ProcessCluster;
  let client: StoreClient;
  let store: EtcdStore;
  const ranges: string[] = [];

  beforeAll(async () => {
    cluster = await ProcessCluster.start(1, 'etcd');
    client = new StoreClient({ endpoints: cluster.endpoints, observe: (method, key) => void (method === 'Range' && ranges.push(key)) });
    store = new EtcdStore(client, '/registry');
  }, 60_000);

  afterAll(async () => {
    client?.close();
    await cluster?.stop();
  });

  it('shares reads among concurrent callers', async () => {
    await store.currentRevision();
    ranges.length = 0;
    const revisions = await Promise.all(Array.from({ length: 50 }, () => store.currentRevision()));
    expect(ranges.length).toBeGreaterThanOrEqual(1);
    expect(ranges.length).toBeLessThanOrEqual(2);
    expect(new Set(revisions).size).toBeLessThanOrEqual(2);
  });

  it('never answers a revision older than a write that completed before the call', async () => {
    const checks: Promise<void>[] = [];
    for (let i = 0; i < 40; i++) {
      const written = await store.create(`/registry/configmaps/default/cm-${i}`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: 'default' } }, { group: '', resource: 'configmaps' });
      const writtenAt = Number(written.metadata!.resourceVersion);
      // Left running while the next writes go on, so later calls find a read in flight that began before them.
      checks.push(store.currentRevision().then((revision) => expect(revision).toBeGreaterThanOrEqual(writtenAt)));
    }
    await Promise.all(checks);
  });

  it('passes a failure on to every caller sharing the read', async () => {
    await cluster.stop();
    const results = await Promise.allSettled([store.currentRevision(), store.currentRevision(), store.currentRevision()]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
  }, 60_000);
});
