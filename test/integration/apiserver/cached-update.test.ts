// EtcdStore.guaranteedUpdate deciding first on the watch cache's copy, as kube-apiserver's cacher hands
// it down, against real etcd 3.4 and Barge: a current copy costs no Range; a stale copy never loses a
// write, nor turns a decision that fails or changes nothing on it into the answer; the key's lease (an
// event's TTL) stays on it whatever copy the write was decided on.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreClient } from '../../../src/client/etcd/store-client.js';
import { conflict } from '../../../src/apiserver/errors/status.js';
import { EtcdStore } from '../../../src/apiserver/storage/etcd-store.js';
import type { KubeObject } from '../../../src/apiserver/schema/types.js';
import { ProcessCluster, type Implementation } from '../../support/process-cluster.js';

const Q = { group: '', resource: 'configmaps' };
type ConfigMap = KubeObject & { data?: Record<string, string> };
const configMap = (name: string, data: Record<string, string>): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data });

describe.each<Implementation>(['etcd', 'barge'])('EtcdStore.guaranteedUpdate from a cached copy, on %s', (implementation) => {
  let cluster: ProcessCluster;
  let client: StoreClient;
  let store: EtcdStore;
  const calls: string[] = [];
  /** What the "watch cache" holds, by key: set by each test. */
  const cache = new Map<string, KubeObject>();

  beforeAll(async () => {
    cluster = await ProcessCluster.start(1, implementation);
    client = new StoreClient({ endpoints: cluster.endpoints, observe: (method) => void calls.push(method) });
    store = new EtcdStore(client, '/registry', (key) => cache.get(key));
  }, 60_000);

  afterAll(async () => {
    client?.close();
    await cluster?.stop();
  });

  const key = (name: string): string => `/registry/configmaps/default/${name}`;
  const setValue = (value: string) => (cm: KubeObject): ConfigMap => ({ ...cm, data: { ...(cm as ConfigMap).data, v: value } });

  it('decides on a current copy without reading the key', async () => {
    const created = await store.create(key('fresh'), configMap('fresh', { v: '0' }), Q);
    cache.set(key('fresh'), created);
    calls.length = 0;
    const updated = (await store.guaranteedUpdate(key('fresh'), Q, 'fresh', setValue('1'))) as ConfigMap;
    expect(calls).toEqual(['Txn']);
    expect(updated.data).toEqual({ v: '1' });
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));
  });

  it('loses no write decided on a stale copy: the failed Txn returns the current state, decided on again', async () => {
    const stale = await store.create(key('stale'), configMap('stale', { a: '1' }), Q);
    await store.guaranteedUpdate(key('stale'), Q, 'stale', (cm) => ({ ...cm, data: { a: '1', b: '2' } }));
    cache.set(key('stale'), stale);
    calls.length = 0;
    const updated = (await store.guaranteedUpdate(key('stale'), Q, 'stale', setValue('3'))) as ConfigMap;
    expect(calls).toEqual(['Txn', 'Txn']);
    expect(updated.data).toEqual({ a: '1', b: '2', v: '3' });
  });

  it('reads the key again when the decision fails on a stale copy, and answers on the current state', async () => {
    const stale = await store.create(key('conflict'), configMap('conflict', { v: '0' }), Q);
    const current = await store.guaranteedUpdate(key('conflict'), Q, 'conflict', setValue('1'));
    cache.set(key('conflict'), stale);
    // A client's PUT carries the current resourceVersion: a conflict against the stale copy only.
    const wanted = current.metadata?.resourceVersion;
    const decide = (cm: KubeObject): KubeObject => {
      if (cm.metadata?.resourceVersion !== wanted) throw conflict(Q, 'conflict');
      return setValue('2')(cm);
    };
    calls.length = 0;
    expect(((await store.guaranteedUpdate(key('conflict'), Q, 'conflict', decide)) as ConfigMap).data).toEqual({ v: '2' });
    expect(calls).toEqual(['Range', 'Txn']);
    // A real conflict (the client's version is gone) is still one.
    await expect(store.guaranteedUpdate(key('conflict'), Q, 'conflict', decide)).rejects.toMatchObject({ code: 409, reason: 'Conflict' });
  });

  it('reads the key again when the decision changes nothing on a stale copy, and writes what the current state lacks', async () => {
    const stale = await store.create(key('noop'), configMap('noop', { v: '1' }), Q);
    await store.guaranteedUpdate(key('noop'), Q, 'noop', setValue('2'));
    cache.set(key('noop'), stale);
    calls.length = 0;
    const updated = (await store.guaranteedUpdate(key('noop'), Q, 'noop', setValue('1'))) as ConfigMap;
    expect(calls).toEqual(['Range', 'Txn']);
    expect(updated.data).toEqual({ v: '1' });
    // As kube's: even on a current copy, "nothing to write" is confirmed on a read, and nothing is written.
    cache.set(key('noop'), updated);
    calls.length = 0;
    expect(((await store.guaranteedUpdate(key('noop'), Q, 'noop', setValue('1'))) as ConfigMap).metadata?.resourceVersion).toBe(updated.metadata?.resourceVersion);
    expect(calls).toEqual(['Range']);
  });

  it("keeps the key's lease on a write decided on a copy that does not carry it", async () => {
    const lease = await client.leaseGrant(3600);
    const created = await store.create(key('leased'), configMap('leased', { v: '0' }), Q, lease);
    cache.set(key('leased'), created);
    await store.guaranteedUpdate(key('leased'), Q, 'leased', setValue('1'));
    const [kv] = (await client.range(key('leased'))).kvs;
    expect(kv?.lease).toBe(lease);
    // And a deleted key is NotFound, whatever the cache still holds.
    await store.delete(key('leased'), Q, 'leased', () => undefined);
    await expect(store.guaranteedUpdate(key('leased'), Q, 'leased', setValue('2'))).rejects.toMatchObject({ code: 404, reason: 'NotFound' });
  });
});
