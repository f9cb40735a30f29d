// The client library against `barge apiserver` over a Barge cluster: the REST verbs and their Status
// errors; the event recorder; an informer that resyncs, follows bookmarks, watches adds/updates/deletes,
// and after an apiserver restart during which the store changed and was compacted (its RV is then too
// old: 410) relists to exactly the store.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventRecorder, Indexes, Informer, isAlreadyExists, isConflict, isNotFound, KubeApiError, KubeClient, loadKubeconfig, Resources, type KubeObject } from '../../src/client/kube/index.js';
import type { ProcessCluster } from '../support/process-cluster.js';
import { until } from '../support/wait.js';
import { ApiserverProcess, prepareBargeBinary, startCluster } from './apiserver/apiserver-process.js';

interface Pod extends KubeObject {
  spec: { nodeName?: string; containers: { name: string; image: string }[] };
  status?: { phase?: string };
}

const pod = (name: string, namespace = 'default', labels: Record<string, string> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels },
  spec: { containers: [{ name: 'main', image: 'busybox' }] },
});

/** A pod as the apiserver stores it, written straight into etcd while the apiserver is down. */
const storedPod = (name: string): string =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: '00000000-0000-4000-8000-0000000000c1', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { containers: [{ name: 'main', image: 'busybox' }] },
  });

describe('client library against barge apiserver', () => {
  let cluster: ProcessCluster;
  let api: ApiserverProcess;
  let client: KubeClient;

  beforeAll(async () => {
    prepareBargeBinary();
    cluster = await startCluster(1, 'barge');
    // Frequent bookmarks, so the informer's use of them shows within a test.
    api = await ApiserverProcess.start(cluster.endpoints, ['--bookmark-interval=1']);
    client = new KubeClient(loadKubeconfig(api.kubeconfig));
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    await cluster?.stop();
  });

  it('creates, reads, updates, patches, binds and deletes, with the server Status on failure', async () => {
    const created = await client.create(Resources.pods, pod('rest', 'default', { app: 'web' }));
    expect(created.metadata.uid).toBeTruthy();
    const duplicate = await client.create(Resources.pods, pod('rest')).catch((error: unknown) => error);
    expect(isAlreadyExists(duplicate)).toBe(true);
    expect((duplicate as KubeApiError).status.message).toBe('pods "rest" already exists');

    const read = await client.get<Pod>(Resources.pods, 'default', 'rest');
    const updated = await client.update(Resources.pods, { ...read, metadata: { ...read.metadata, labels: { app: 'web', tier: 'front' } } });
    expect(updated.metadata.labels).toEqual({ app: 'web', tier: 'front' });
    const stale = await client.update(Resources.pods, read).catch((error: unknown) => error);
    expect(isConflict(stale)).toBe(true);

    const patched = await client.patch<Pod>(Resources.pods, 'default', 'rest', { metadata: { annotations: { note: 'x' } } }, 'merge');
    expect(patched.metadata.annotations).toEqual({ note: 'x' });
    const withStatus = await client.updateStatus<Pod>(Resources.pods, { ...patched, status: { phase: 'Running' } });
    expect(withStatus.status?.phase).toBe('Running');

    await client.bind(patched, 'node-1');
    expect((await client.get<Pod>(Resources.pods, 'default', 'rest')).spec.nodeName).toBe('node-1');

    const list = await client.list<Pod>(Resources.pods, { namespace: 'default', labelSelector: 'tier=front', limit: 1 });
    expect(list.items.map((p) => p.metadata.name)).toEqual(['rest']);
    expect(list.items[0]).toMatchObject({ apiVersion: 'v1', kind: 'Pod' });
    expect(Number(list.metadata.resourceVersion)).toBeGreaterThan(0);

    await client.delete(Resources.pods, 'default', 'rest', { gracePeriodSeconds: 0 });
    const gone = await client.get(Resources.pods, 'default', 'rest').catch((error: unknown) => error);
    expect(isNotFound(gone)).toBe(true);
    expect((gone as KubeApiError).status).toMatchObject({ kind: 'Status', code: 404, reason: 'NotFound', message: 'pods "rest" not found' });
  });

  it('pages a list across continue tokens and refuses a compacted watch with 410', async () => {
    for (const name of ['p1', 'p2', 'p3']) await client.create(Resources.pods, pod(name, 'default', { page: 'yes' }));
    const paged = await client.list<Pod>(Resources.pods, { namespace: 'default', labelSelector: 'page=yes', limit: 1 });
    expect(paged.items.map((p) => p.metadata.name)).toEqual(['p1', 'p2', 'p3']);

    const before = paged.metadata.resourceVersion!;
    for (const name of ['p1', 'p2', 'p3']) await client.delete(Resources.pods, 'default', name, { gracePeriodSeconds: 0 });
    const status = JSON.parse(cluster.etcdctl(['endpoint', 'status', '-w', 'json']).stdout) as { Status: { header: { revision: number } } }[];
    expect(cluster.etcdctl(['compact', String(status[0]!.Status.header.revision)]).status).toBe(0);
    // The server may refuse before streaming (HTTP 410) or send an ERROR event; either is an expired RV.
    const outcome = await client
      .watch(Resources.pods, { namespace: 'default', resourceVersion: String(Number(before) - 1) })
      .then(async (stream) => {
        for await (const event of stream) {
          stream.stop();
          return event.type === 'ERROR' ? (event.object as unknown as { code: number }).code : `unexpected ${event.type}`;
        }
        return 'ended';
      })
      .catch((error: unknown) => (error instanceof KubeApiError ? error.code : String(error)));
    expect(outcome).toBe(410);
  });

  it('event recorder: repeats of an event become one Event whose count grows', async () => {
    const subject = await client.create(Resources.pods, pod('evented'));
    const recorder = new EventRecorder(client, { component: 'client-kube-test', host: 'h1' });
    for (let i = 0; i < 3; i++) recorder.event(subject, 'Warning', 'Tested', 'the same message');
    recorder.event(subject, 'Normal', 'Other', 'another message');
    await recorder.flush();
    const events = await client.list<KubeObject & { reason: string; count: number; source: { component: string }; involvedObject: { uid: string } }>(Resources.events, {
      namespace: 'default',
      fieldSelector: 'involvedObject.name=evented',
    });
    const byReason = Object.fromEntries(events.items.map((e) => [e.reason, e]));
    expect(events.items).toHaveLength(2);
    expect(byReason.Tested).toMatchObject({ count: 3, type: 'Warning', message: 'the same message', source: { component: 'client-kube-test', host: 'h1' } });
    expect(byReason.Tested!.involvedObject).toMatchObject({ kind: 'Pod', name: 'evented', uid: subject.metadata.uid });
    expect(byReason.Other).toMatchObject({ count: 1, type: 'Normal' });
    await client.delete(Resources.pods, 'default', 'evented', { gracePeriodSeconds: 0 });
  });

  it('informer resync re-delivers cached objects as updates without touching the API', async () => {
    await client.create(Resources.pods, pod('resynced', 'default', { resync: 'yes' }));
    let resyncs = 0;
    const informer = new Informer<Pod>(client, Resources.pods, { namespace: 'default', labelSelector: 'resync=yes', resyncPeriodMs: 200 })
      .onUpdate((previous, current) => {
        if (previous === current && current.metadata.name === 'resynced') resyncs++;
      })
      .start();
    try {
      await informer.waitForSync();
      await until('two resyncs', () => resyncs >= 2, { timeoutMs: 10_000 });
    } finally {
      await informer.stop();
    }
    expect(informer.lister.list().map((p) => p.metadata.name)).toEqual(['resynced']);
    await client.delete(Resources.pods, 'default', 'resynced', { gracePeriodSeconds: 0 });
  });

  it('informer: bookmarks advance the resourceVersion of a quiet watch', async () => {
    let delivered = 0;
    const informer = new Informer<Pod>(client, Resources.pods, { namespace: 'default', labelSelector: 'quiet=yes' })
      .onAdd(() => delivered++)
      .onUpdate(() => delivered++)
      .start();
    try {
      await informer.waitForSync();
      const synced = Number(informer.lastSyncResourceVersion());
      const other = await client.create(Resources.pods, pod('noise', 'default', { quiet: 'no' }));
      await until('a bookmark past the unrelated write', () => Number(informer.lastSyncResourceVersion()) >= Number(other.metadata.resourceVersion), { timeoutMs: 15_000 });
      expect(Number(informer.lastSyncResourceVersion())).toBeGreaterThan(synced);
      expect(delivered).toBe(0);
    } finally {
      await informer.stop();
    }
    await client.delete(Resources.pods, 'default', 'noise', { gracePeriodSeconds: 0 });
  });

  it('informer: list, watch adds/updates/deletes, indexes; relists after a restart over a compacted store', async () => {
    await client.create(Resources.pods, pod('a', 'default', { app: 'web' }));
    const events: string[] = [];
    const informer = new Informer<Pod>(client, Resources.pods, { namespace: 'default' })
      .onAdd((p) => events.push(`add ${p.metadata.name}`))
      .onUpdate((_old, p) => events.push(`update ${p.metadata.name}`))
      .onDelete((p, unknown) => events.push(`delete ${p.metadata.name}${unknown ? ' (relist)' : ''}`));
    const names = (): string => informer.lister.list().map((p) => p.metadata.name).sort().join();
    informer.start();
    try {
      await informer.waitForSync();
      expect(informer.hasSynced()).toBe(true);
      expect(names()).toBe('a');

      await client.create(Resources.pods, pod('b', 'default', { app: 'db' }));
      await client.patch(Resources.pods, 'default', 'a', { metadata: { labels: { app: 'web', seen: 'yes' } } }, 'merge');
      const a = informer.lister.get('default', 'a')!;
      await client.bind(a, 'node-7');
      await client.delete(Resources.pods, 'default', 'b', { gracePeriodSeconds: 0 });
      await until('the watch events', () => events.includes('add b') && events.includes('delete b'), { timeoutMs: 15_000 });
      await until('the binding', () => informer.lister.byIndex(Indexes.nodeName, 'node-7').length === 1, { timeoutMs: 15_000 });
      expect(events).toContain('update a');
      expect(informer.lister.list({ matchLabels: { seen: 'yes' } }).map((p) => p.metadata.name)).toEqual(['a']);
      expect(informer.lister.byIndex(Indexes.namespace, 'default').map((p) => p.metadata.name)).toEqual(['a']);

      await api.restart(() => {
        expect(cluster.etcdctl(['put', '/registry/pods/default/c', storedPod('c')]).status).toBe(0);
        expect(cluster.etcdctl(['del', '/registry/pods/default/a']).status).toBe(0);
        const status = JSON.parse(cluster.etcdctl(['endpoint', 'status', '-w', 'json']).stdout) as { Status: { header: { revision: number } } }[];
        expect(cluster.etcdctl(['compact', String(status[0]!.Status.header.revision)]).status).toBe(0);
      });
      await until('the relist', () => names() === 'c', { timeoutMs: 30_000 });
      // Both changes happened behind a compaction: only a relist can reveal them.
      expect(events).toContain('delete a (relist)');
      expect(events).toContain('add c');

      // And the watch is live again after the relist.
      await client.create(Resources.pods, pod('d'));
      await until('a watch event after the restart', () => events.includes('add d'), { timeoutMs: 15_000 });
      const stored = cluster.etcdctl(['get', '/registry/pods/default/', '--prefix', '--keys-only']).stdout.split('\n').filter((k) => k !== '');
      expect(stored.map((k) => k.split('/').pop()).sort().join()).toBe(names());
    } finally {
      await informer.stop();
    }
  }, 90_000);
});
