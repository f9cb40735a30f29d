// The watch cache's window against `barge apiserver` with its default flags: it keeps 75 s of events,
// as kube-apiserver's does, so a burst larger than the old fixed window of 1,000 events leaves a watcher
// that resumes from the last event it saw with every event since; a resourceVersion from before the
// window still gets 410 Expired.

import { describe, expect, it } from 'vitest';
import { KubeClient, loadKubeconfig, Resources, type KubeObject, type WatchEvent } from '../../../src/client/kube/index.js';
import { apiserverOnBarge } from './apiserver-process.js';

const NAMESPACE = 'default';
const BURST = 1200;

const configMap = (name: string, value: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NAMESPACE }, data: { v: value } }) as KubeObject;

/** The first `count` events of a watch, then stops it. */
async function firstEvents(client: KubeClient, options: { resourceVersion: string; fieldSelector?: string }, count: number): Promise<WatchEvent[]> {
  const stream = await client.watch(Resources.configMaps, { namespace: NAMESPACE, ...options });
  const events: WatchEvent[] = [];
  for await (const event of stream) {
    events.push(event);
    if (events.length === count || event.type === 'ERROR') break;
  }
  stream.stop();
  return events;
}

describe('the watch cache window (sized by time)', () => {
  const env = apiserverOnBarge();

  it(`gives a watcher that resumes after a burst of ${BURST} events everything it missed, and 410 for a revision before the window`, async () => {
    const client = new KubeClient(loadKubeconfig(env.api.kubeconfig));
    // A list from the cache makes it (on first use) before anything below is written.
    await client.list(Resources.configMaps, { namespace: NAMESPACE, resourceVersion: '0' });
    // A watcher on one object (as a kubelet on its pods) sees it created: the last event it saw.
    const opened = await client.watch(Resources.configMaps, { namespace: NAMESPACE, resourceVersion: '0', fieldSelector: 'metadata.name=target' });
    const target = await client.create(Resources.configMaps, configMap('target', '0'));
    const before = target.metadata.resourceVersion!;
    for await (const event of opened) {
      expect(event).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'target', resourceVersion: before } } });
      break;
    }
    opened.stop();

    // The burst: more events than the old window held, within seconds; then the watched object changes.
    for (let next = 0; next < BURST; next += 20) {
      await Promise.all(Array.from({ length: 20 }, (_, i) => client.create(Resources.configMaps, configMap(`burst-${next + i}`, '0'))));
    }
    const changed = await client.update(Resources.configMaps, { ...target, data: { v: '1' } } as KubeObject);

    const resumed = await firstEvents(client, { resourceVersion: before, fieldSelector: 'metadata.name=target' }, 1);
    expect(resumed).toEqual([{ type: 'MODIFIED', object: expect.objectContaining({ metadata: expect.objectContaining({ name: 'target', resourceVersion: changed.metadata.resourceVersion }) }) }]);
    // Unfiltered, the same resume replays the whole burst in order.
    const replay = await firstEvents(client, { resourceVersion: before }, BURST + 1);
    expect(replay.map((e) => e.type)).toEqual([...Array<string>(BURST).fill('ADDED'), 'MODIFIED']);
    const replayed = replay.map((e) => Number(e.object.metadata.resourceVersion));
    expect(replayed).toEqual([...replayed].sort((a, b) => a - b));

    // Revision 1 is older than the list the cache began from: nothing can say what happened since.
    const expired = await firstEvents(client, { resourceVersion: '1' }, 1);
    expect(expired).toEqual([
      { type: 'ERROR', object: expect.objectContaining({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410, message: expect.stringMatching(/^too old resource version: 1 \(\d+\)$/) }) },
    ]);
  }, 180_000);
});
