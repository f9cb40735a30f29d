// One density run on one store, as clusterloader2's density test: Deployments of `podsPerNode` pods, one per
// node, created open-loop at a steady pod rate (or as fast as the in-flight bound lets; see pacer.ts), until
// every pod of those created is Running; creates that failed, started late or not at all are reported. It
// measures pod startup latency, how fast the scheduler binds, the apiserver's latency per verb (from its own
// histogram), how long a write takes to reach a watcher, and CPU and peak memory of every process. With no
// pods per node it measures the nodes' heartbeats alone (Lease renewals, mostly) for `timeoutSec`, once
// every node has its Lease.

import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { KubeClient, loadKubeconfig, Resources, type KubeObject } from '../../src/client/kube/index.js';
import type { Implementation } from '../../test/support/process-cluster.js';
import { Latency, type LatencySummary } from '../load/histogram.js';
import { DensityControlPlane, upWaitSec } from './control-plane.js';
import { Pacer } from './pacer.js';
import { PodTracker } from './pod-tracker.js';
import { type Histogram, difference, quantile, requestDurationsByCall, requestDurationsByVerb, storeDurationsByMethod } from './prometheus-histogram.js';
import { scrapeMetrics, WatchLatencyProbe } from './probes.js';
import { countsBetween, requestCounts } from './request-counts.js';
import { memoryMiB, processCpuSeconds } from '../process-usage.js';

export interface DensitySpec {
  readonly nodes: number;
  readonly podsPerNode: number;
  /** Pods per second to create; 0: as fast as `maxInFlight` lets. */
  readonly rate: number;
  /** Deployment creates in flight at most. */
  readonly maxInFlight: number;
  readonly timeoutSec: number;
  /** Write a CPU profile of every Node process under <dir>/<store>/. */
  readonly cpuProfileDir?: string;
}

export interface DensityRun {
  readonly implementation: Implementation;
  readonly pods: number;
  readonly running: number;
  readonly allRunningSec: number;
  readonly creation: Creation;
  readonly startup: LatencySummary;
  /** The startup's two halves: first sight → bound (the scheduler's), bound → Running (the kubelet's). */
  readonly startupPhases: { readonly toBound: LatencySummary; readonly boundToRunning: LatencySummary };
  /** Pods over the 5 s startup SLO, and when the first and last of them was seen (seconds into the run). */
  readonly overSlo: { readonly count: number; readonly firstSec?: number; readonly lastSec?: number };
  /** Pods bound per second: over the whole binding span, and the busiest second. */
  readonly bindRate: { readonly average: number; readonly peak: number };
  /** apiserver p99 (ms) by verb, from apiserver_request_duration_seconds over the run. */
  readonly apiP99Ms: Record<string, number>;
  /** The same by call, "VERB resource[/subresource]". */
  readonly callP99Ms: Record<string, number>;
  /** The apiserver's calls to the store, p99 (ms) by gRPC method, as the apiserver timed them (etcd_request_duration_seconds). */
  readonly storeP99Ms: Record<string, number>;
  /** Requests the apiserver served during the run by "VERB resource", most first. */
  readonly requests: Array<[string, number]>;
  readonly watchDelivery: LatencySummary;
  readonly components: Record<string, { cpuSec: number; peakRssMiB: number }>;
  /** [seconds since the first create, pods Running]. */
  readonly runningOverTime: Array<[number, number]>;
  /** 1-minute load average of the machine when the first Deployment was created and when all ran. */
  readonly load: { readonly start: number; readonly end: number };
  /** Profile files by component, when profiling. */
  profiles: Map<string, string>;
}

/** How the Deployments' creation went, against --rate. */
export interface Creation {
  readonly succeeded: number;
  readonly failed: number;
  readonly notStarted: number;
  /** Creates that started more than LATE_MS behind their due time. */
  readonly late: number;
  readonly peakInFlight: number;
  /** Pods asked for per second, from the first create sent to the last. */
  readonly sentPodsPerSec: number;
}

const NAMESPACE = 'density';
/** A create sent this long behind its due time means --rate was not kept. */
export const LATE_MS = 1000;
/** Kubernetes' pod startup SLO: p99 ≤ 5 s. */
export const STARTUP_SLO_MS = 5000;

function deployment(name: string, replicas: number): KubeObject {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NAMESPACE },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '10m', memory: '10Mi' } } }] },
      },
    },
  } as KubeObject;
}

function summary(valuesMs: readonly number[]): LatencySummary {
  const latency = Latency.create();
  for (const value of valuesMs) latency.recordNs(value * 1e6);
  return latency.summary();
}

function startupPhases(tracker: PodTracker): DensityRun['startupPhases'] {
  const { toBound, boundToRunning } = tracker.startupPhases();
  return { toBound: summary(toBound), boundToRunning: summary(boundToRunning) };
}

function overSlo(firstSeenSec: readonly number[]): DensityRun['overSlo'] {
  if (firstSeenSec.length === 0) return { count: 0 };
  return { count: firstSeenSec.length, firstSec: Math.min(...firstSeenSec), lastSec: Math.max(...firstSeenSec) };
}

function bindRate(times: readonly number[]): { average: number; peak: number } {
  if (times.length < 2) return { average: times.length, peak: times.length };
  const sorted = [...times].sort((a, b) => a - b);
  const spanSec = (sorted.at(-1)! - sorted[0]!) / 1000;
  let peak = 0;
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= 1000) start++;
    peak = Math.max(peak, end - start + 1);
  }
  return { average: sorted.length / Math.max(spanSec, 1e-3), peak };
}

interface Usage {
  readonly cpuSeconds: number;
  readonly hwmMiB: number;
}

/** p99 in ms of what each histogram observed between two scrapes (those that observed nothing left out). */
function p99sMs(before: ReadonlyMap<string, Histogram>, after: ReadonlyMap<string, Histogram>): Record<string, number> {
  return Object.fromEntries(
    [...after].map(([key, histogram]) => [key, quantile(0.99, difference(histogram, before.get(key))) * 1000] as const).filter(([, p99]) => !Number.isNaN(p99)),
  );
}

function usages(plane: DensityControlPlane): Map<string, Usage> {
  return new Map([...plane.processes()].map(([name, pid]) => [name, { cpuSeconds: processCpuSeconds(pid), hwmMiB: memoryMiB(pid, 'VmHWM') }]));
}

async function until(check: () => boolean | Promise<boolean>, deadline: number): Promise<boolean> {
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

export async function runDensity(implementation: Implementation, spec: DensitySpec, log: (line: string) => void): Promise<DensityRun> {
  const total = spec.nodes * spec.podsPerNode;
  // Room for the pods of other namespaces, as a real node's max-pods leaves.
  const cpuProfileDir = spec.cpuProfileDir && join(spec.cpuProfileDir, implementation);
  if (cpuProfileDir) mkdirSync(cpuProfileDir, { recursive: true });
  const plane = await DensityControlPlane.start(implementation, { nodes: spec.nodes, maxPodsPerNode: spec.podsPerNode + 10, cpuProfileDir }, log);
  const config = loadKubeconfig(plane.kubeconfig);
  const client = new KubeClient(config);
  const tracker = new PodTracker(client, NAMESPACE);
  const probe = new WatchLatencyProbe(client, NAMESPACE);
  const runningOverTime: Array<[number, number]> = [];
  let sampler: NodeJS.Timeout | undefined;
  let run: DensityRun | undefined;
  try {
    await client.create(Resources.namespaces, { metadata: { name: NAMESPACE } });
    if (total === 0) {
      // Listing a thousand Leases is not free: every 2 s is enough to see registration end.
      const leases = async (): Promise<number> => (await client.list(Resources.leases, { namespace: 'kube-node-lease' })).items.length;
      const waitUntil = Date.now() + upWaitSec(spec.nodes) * 1000;
      let count = await leases();
      while (count < spec.nodes && Date.now() < waitUntil) {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        count = await leases();
      }
      if (count < spec.nodes) throw new Error(`only ${count} of ${spec.nodes} node Leases after ${upWaitSec(spec.nodes)} s`);
      log(`${implementation}: every node has its Lease; measuring ${spec.timeoutSec} s of heartbeats`);
    }
    // Pods are admitted once the namespace's default ServiceAccount exists, as on a real cluster.
    await until(() => client.get(Resources.serviceAccounts, NAMESPACE, 'default').then(() => true, () => false), Date.now() + 60_000);
    await tracker.start();
    await probe.start();
    const scrapeBefore = await scrapeMetrics(config);
    const usageBefore = usages(plane);

    const loadAtStart = loadavg()[0]!;
    const started = performance.now();
    const elapsedSec = (): number => (performance.now() - started) / 1000;
    const deadline = Date.now() + spec.timeoutSec * 1000;
    const pacer = new Pacer({
      count: total > 0 ? spec.nodes : 0,
      intervalMs: spec.rate > 0 ? (spec.podsPerNode / spec.rate) * 1000 : 0,
      maxInFlight: spec.maxInFlight,
      lateAfterMs: spec.rate > 0 ? LATE_MS : Infinity,
      stopAt: deadline,
    });
    sampler = setInterval(() => {
      runningOverTime.push([elapsedSec(), tracker.runningCount]);
      const creates = `${pacer.succeeded}/${spec.nodes} Deployments created (${pacer.inFlight} in flight, ${pacer.failed} failed, ${pacer.late} late)`;
      log(`${implementation}: ${creates}, ${tracker.pods.size}/${total} pods seen, ${tracker.scheduledTimes.length} bound, ${tracker.runningCount} Running (${elapsedSec().toFixed(0)} s)`);
    }, 1000);
    const paced = await pacer.run((i) => client.create(Resources.deployments, deployment(`density-${i + 1}`, spec.podsPerNode)));
    for (const [message, count] of paced.errors) log(`${implementation}: ${count} Deployment creates failed: ${message}`);
    if (paced.notStarted > 0) log(`${implementation}: ${paced.notStarted} Deployments not created by the timeout`);
    // The pods of the Deployments created; with none asked for (heartbeats alone) the whole timeout is the measurement.
    const target = paced.succeeded * spec.podsPerNode;
    const allRunning = await until(() => total > 0 && tracker.runningCount >= target, deadline);
    const allRunningSec = elapsedSec();
    runningOverTime.push([allRunningSec, tracker.runningCount]);
    if (!allRunning && total > 0) log(`${implementation}: timed out with ${tracker.runningCount}/${target} pods Running`);

    const scrapeAfter = await scrapeMetrics(config);
    const apiP99Ms = p99sMs(requestDurationsByVerb(scrapeBefore), requestDurationsByVerb(scrapeAfter));
    const callP99Ms = p99sMs(requestDurationsByCall(scrapeBefore), requestDurationsByCall(scrapeAfter));
    const storeP99Ms = p99sMs(storeDurationsByMethod(scrapeBefore), storeDurationsByMethod(scrapeAfter));
    const components: DensityRun['components'] = {};
    for (const [name, after] of usages(plane)) {
      components[name] = { cpuSec: after.cpuSeconds - (usageBefore.get(name)?.cpuSeconds ?? 0), peakRssMiB: after.hwmMiB };
    }
    run = {
      implementation, pods: total, running: tracker.runningCount, allRunningSec,
      creation: {
        succeeded: paced.succeeded, failed: paced.failed, notStarted: paced.notStarted, late: paced.late, peakInFlight: paced.peakInFlight,
        sentPodsPerSec: paced.issueMs > 0 ? ((paced.started - 1) * spec.podsPerNode * 1000) / paced.issueMs : NaN,
      },
      startup: summary(tracker.startupLatencies()), bindRate: bindRate(tracker.scheduledTimes),
      startupPhases: startupPhases(tracker),
      overSlo: overSlo(tracker.firstSeenOfSlowerThan(STARTUP_SLO_MS).map((at) => (at - started) / 1000)),
      apiP99Ms, callP99Ms, storeP99Ms, requests: countsBetween(requestCounts(scrapeBefore), requestCounts(scrapeAfter)), watchDelivery: summary(probe.latenciesMs), components, runningOverTime,
      load: { start: loadAtStart, end: loadavg()[0]! }, profiles: new Map(),
    };
  } finally {
    clearInterval(sampler);
    probe.stop();
    await tracker.stop();
    const profiles = await plane.stop();
    if (run) run.profiles = profiles;
  }
  return run;
}
