// @kubernetes/client-node (1.x) against `barge apiserver` over Barge: an informer lists and watches,
// sees objects come and go, and after an apiserver restart during which the store changed and was
// compacted (its watch position is then too old: 410, relist) ends with exactly the store's objects.

import * as k8s from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { until } from '../../support/wait.js';
import { apiserverOnBarge } from './apiserver-process.js';

const pod = (name: string): k8s.V1Pod => ({ metadata: { name }, spec: { containers: [{ name: 'main', image: 'busybox' }] } });

/** A pod as the apiserver stores it, written straight into etcd while the apiserver is down. */
const storedPod = (name: string): string =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `00000000-0000-4000-8000-00000000000${name.length}`, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { containers: [{ name: 'main', image: 'busybox' }] },
  });

describe('client-node informers', () => {
  const env = apiserverOnBarge(90_000);

  it('list and watch, then relist after a restart over a compacted store', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(env.api.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedPod({ namespace: 'default', body: pod('a') });

    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/pods', () => core.listNamespacedPod({ namespace: 'default' }));
    const events: string[] = [];
    let running = true;
    informer.on('add', (obj) => events.push(`add ${obj.metadata?.name}`));
    informer.on('update', (obj) => events.push(`update ${obj.metadata?.name}`));
    informer.on('delete', (obj) => events.push(`delete ${obj.metadata?.name}`));
    // As client-node's own examples do: an informer stopped by an error is started again.
    informer.on('error', () => {
      if (running) setTimeout(() => running && void informer.start().catch(() => undefined), 300);
    });
    const names = (): string[] => informer.list().map((p) => p.metadata?.name ?? '').sort();
    try {
      await informer.start();
      await until('the list', () => names().join() === 'a', { timeoutMs: 10_000 });

      await core.createNamespacedPod({ namespace: 'default', body: pod('b') });
      await core.deleteNamespacedPod({ namespace: 'default', name: 'a', gracePeriodSeconds: 0 });
      await until('the watch events', () => events.includes('add b') && events.includes('delete a'), { timeoutMs: 10_000 });
      expect(names()).toEqual(['b']);

      await env.api.restart(() => {
        expect(env.cluster.etcdctl(['put', '/registry/pods/default/c', storedPod('c')]).status).toBe(0);
        expect(env.cluster.etcdctl(['del', '/registry/pods/default/b']).status).toBe(0);
        const status = JSON.parse(env.cluster.etcdctl(['endpoint', 'status', '-w', 'json']).stdout) as { Status: { header: { revision: number } } }[];
        expect(env.cluster.etcdctl(['compact', String(status[0]!.Status.header.revision)]).status).toBe(0);
      });
      await until('the relist', () => names().join() === 'c', { timeoutMs: 20_000 });
      expect(events).toContain('delete b');
      expect(events).toContain('add c');
      const stored = env.cluster.etcdctl(['get', '/registry/pods/default/', '--prefix', '--keys-only']).stdout.split('\n').filter((k) => k !== '');
      expect(stored.map((k) => k.split('/').pop()).sort()).toEqual(names());
    } finally {
      running = false;
      await informer.stop();
    }
  });
});
