// One run of the apiserver benchmark in a namespace of its own: create `pods` Pods with `concurrency`
// requests in flight, get each once, patch each one's status as a kubelet reports it running, list them all (consistent, from etcd's revision, and at
// resourceVersion=0, from the watch cache), then `watchers` watches on the namespace's ConfigMaps while
// one ConfigMap is rewritten `updates` times: latency and throughput of each phase, and the CPU the
// apiserver and the store members spent on it per request (per delivered event for the watch).

import type { KubeClient, KubeObject } from '../../src/client/kube/index.js';
import { Resources } from '../../src/client/kube/index.js';
import { Latency, type LatencySummary } from '../load/histogram.js';
import { processCpuSeconds } from '../process-usage.js';
import type { ApiserverPlane } from './apiserver-plane.js';

export interface RunSpec {
  readonly pods: number;
  readonly concurrency: number;
  readonly lists: number;
  readonly watchers: number;
  readonly updates: number;
  /** Updates per second during the watch phase. */
  readonly updateRate: number;
}

export interface PhaseFigures {
  readonly perSecond: number;
  readonly latency: LatencySummary;
  /** CPU milliseconds per request (per delivered event for the watch phase). */
  readonly apiserverCpuMs: number;
  readonly storeCpuMs: number;
}

export type Phase = 'create' | 'get' | 'status' | 'list' | 'list-rv0' | 'watch';

export type RunFigures = Record<Phase, PhaseFigures>;

interface Sequenced extends KubeObject {
  data?: { sequence?: string };
}

const pod = (namespace: string, name: string): KubeObject => ({
  metadata: { name, namespace, labels: { app: 'bench' } },
  spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] },
});

/** What a kubelet's status manager sends once a pod's container runs (a strategic merge patch of pods/status). */
const runningStatus = (i: number): unknown => {
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const types = ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];
  return {
    status: {
      '$setElementOrder/conditions': types.map((type) => ({ type })),
      conditions: types.map((type) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now })),
      phase: 'Running',
      hostIP: '10.1.0.1',
      podIP: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`,
      startTime: now,
      containerStatuses: [{ name: 'c', ready: true, restartCount: 0, started: true, image: 'registry.k8s.io/pause:3.10', imageID: '', containerID: `bench://${i}`, state: { running: { startedAt: now } } }],
    },
  };
};

/** Runs `count` calls of `call` with `concurrency` in flight; each call's latency is recorded. */
async function closedLoop(count: number, concurrency: number, call: (i: number) => Promise<unknown>, latency: Latency): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const started = process.hrtime.bigint();
      await call(i);
      latency.recordNs(process.hrtime.bigint() - started);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** Measures one phase: its wall time, latency and the CPU the apiserver and the store used meanwhile. */
async function phase(plane: ApiserverPlane, work: (latency: Latency) => Promise<number>): Promise<PhaseFigures> {
  const latency = Latency.create();
  const cpu = (): [number, number] => [processCpuSeconds(plane.apiserverPid), plane.storePids.reduce((sum, pid) => sum + processCpuSeconds(pid), 0)];
  const [apiBefore, storeBefore] = cpu();
  const started = performance.now();
  const requests = await work(latency);
  const seconds = (performance.now() - started) / 1000;
  const [apiAfter, storeAfter] = cpu();
  return {
    perSecond: requests / seconds,
    latency: latency.summary(),
    apiserverCpuMs: ((apiAfter - apiBefore) * 1000) / requests,
    storeCpuMs: ((storeAfter - storeBefore) * 1000) / requests,
  };
}

async function watchPhase(client: KubeClient, namespace: string, spec: RunSpec, latency: Latency): Promise<number> {
  const probe = await client.create<Sequenced>(Resources.configMaps, { metadata: { name: 'watch-probe', namespace }, data: { sequence: '0' } });
  const sentAt = new Map<string, bigint>();
  let delivered = 0;
  let allDelivered: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (allDelivered = resolve));
  const streams = await Promise.all(
    Array.from({ length: spec.watchers }, () => client.watch<Sequenced>(Resources.configMaps, { namespace, resourceVersion: probe.metadata.resourceVersion })),
  );
  for (const stream of streams) {
    void (async () => {
      for await (const event of stream) {
        const sent = sentAt.get(event.object.data?.sequence ?? '');
        if (sent === undefined) continue;
        latency.recordNs(process.hrtime.bigint() - sent);
        if (++delivered === spec.watchers * spec.updates) allDelivered();
      }
    })().catch(() => undefined);
  }
  let current = probe;
  const started = performance.now();
  for (let i = 1; i <= spec.updates; i++) {
    const due = started + (i * 1000) / spec.updateRate;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    sentAt.set(String(i), process.hrtime.bigint());
    current = await client.update<Sequenced>(Resources.configMaps, { ...current, data: { sequence: String(i) } });
  }
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, 60_000));
  await Promise.race([done, timeout]);
  for (const stream of streams) stream.stop();
  return Math.max(1, delivered);
}

export async function runOnce(plane: ApiserverPlane, namespace: string, spec: RunSpec, log: (line: string) => void): Promise<RunFigures> {
  const { client } = plane;
  await client.create(Resources.namespaces, { metadata: { name: namespace } });
  // The ServiceAccount admission wants the namespace's default ServiceAccount; no controller runs here to make it.
  await client.create(Resources.serviceAccounts, { metadata: { name: 'default', namespace } }).catch(() => undefined);
  const name = (i: number) => `pod-${String(i).padStart(6, '0')}`;

  log(`${namespace}: creating ${spec.pods} pods`);
  const create = await phase(plane, async (latency) => {
    await closedLoop(spec.pods, spec.concurrency, (i) => client.create(Resources.pods, pod(namespace, name(i))), latency);
    return spec.pods;
  });
  log(`${namespace}: getting them`);
  const get = await phase(plane, async (latency) => {
    await closedLoop(spec.pods, spec.concurrency, (i) => client.get(Resources.pods, namespace, name(i)), latency);
    return spec.pods;
  });
  log(`${namespace}: patching their status`);
  const status = await phase(plane, async (latency) => {
    await closedLoop(spec.pods, spec.concurrency, (i) => client.patch(Resources.pods, namespace, name(i), runningStatus(i), 'strategic', { subresource: 'status' }), latency);
    return spec.pods;
  });
  const listAll = (resourceVersion?: string) => async (latency: Latency) => {
    await closedLoop(spec.lists, 1, async () => {
      const list = await client.list(Resources.pods, { namespace, ...(resourceVersion ? { resourceVersion } : {}) });
      if (list.items.length !== spec.pods) throw new Error(`listed ${list.items.length} pods of ${spec.pods}`);
    }, latency);
    return spec.lists;
  };
  log(`${namespace}: listing them ${spec.lists} times, consistent and from the cache`);
  const list = await phase(plane, listAll());
  const listRv0 = await phase(plane, listAll('0'));
  log(`${namespace}: ${spec.watchers} watchers, ${spec.updates} updates at ${spec.updateRate}/s`);
  const watch = await phase(plane, (latency) => watchPhase(client, namespace, spec, latency));
  return { create, get, status, list, 'list-rv0': listRv0, watch };
}
