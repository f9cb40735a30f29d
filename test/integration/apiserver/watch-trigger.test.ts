// Pod watches indexed by spec.nodeName, as kube-apiserver's cacher indexes them (the pod registry's
// trigger field): a watch whose field selector requires one node gets exactly the events of pods that
// were or became bound to it, including the ADDED and DELETED of a pod crossing its selector; the other
// watches are untouched by the index.

import { describe, expect, it } from 'vitest';
import { KubeClient, loadKubeconfig, Resources, type KubeObject, type WatchEvent, type WatchStream } from '../../../src/client/kube/index.js';
import { until } from '../../support/wait.js';
import { apiserverOnBarge } from './apiserver-process.js';

const pod = (name: string, nodeName?: string): KubeObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'pause' }] } }) as KubeObject;

function collect(stream: WatchStream): { seen: string[]; done: Promise<void> } {
  const seen: string[] = [];
  const done = (async () => {
    for await (const event of stream as AsyncIterable<WatchEvent>) if (event.type !== 'BOOKMARK') seen.push(`${event.type} ${event.object.metadata.name}`);
  })();
  return { seen, done };
}

describe('pod watches indexed by spec.nodeName', () => {
  const env = apiserverOnBarge();

  it('hands each node-selected watch the events of its pods only, and every event to the others', async () => {
    const client = new KubeClient(loadKubeconfig(env.api.kubeconfig));
    const open = (fieldSelector?: string) => client.watch(Resources.pods, { namespace: 'default', resourceVersion: '0', ...(fieldSelector !== undefined ? { fieldSelector } : {}) });
    const streams = { a: await open('spec.nodeName=node-a'), b: await open('spec.nodeName=node-b'), unbound: await open('spec.nodeName='), all: await open() };
    const watches = Object.fromEntries(Object.entries(streams).map(([k, s]) => [k, collect(s)])) as Record<keyof typeof streams, ReturnType<typeof collect>>;
    try {
      await client.create(Resources.pods, pod('on-a', 'node-a'));
      await client.create(Resources.pods, pod('on-b', 'node-b'));
      await client.create(Resources.pods, pod('pending'));
      // Bound to node-a: it leaves the unbound watch (DELETED) and enters node-a's (ADDED).
      await client.bind(await client.get(Resources.pods, 'default', 'pending'), 'node-a');
      await client.delete(Resources.pods, 'default', 'on-b', { gracePeriodSeconds: 0 });

      await until('every watch to see its events', () => watches.all.seen.length >= 5 && watches.a.seen.length >= 2 && watches.unbound.seen.length >= 2 && watches.b.seen.length >= 2, { timeoutMs: 20_000 });
      expect(watches.a.seen).toEqual(['ADDED on-a', 'ADDED pending']);
      expect(watches.b.seen).toEqual(['ADDED on-b', 'DELETED on-b']);
      expect(watches.unbound.seen).toEqual(['ADDED pending', 'DELETED pending']);
      expect(watches.all.seen).toEqual(['ADDED on-a', 'ADDED on-b', 'ADDED pending', 'MODIFIED pending', 'DELETED on-b']);
    } finally {
      for (const stream of Object.values(streams)) stream.stop();
      await Promise.all(Object.values(watches).map((w) => w.done));
    }
  }, 60_000);
});
