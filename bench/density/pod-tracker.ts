// Watches the benchmark's pods and notes, for each, when this client first saw it, saw it bound to a node
// and saw it Running. Times are when the watch event arrived here, as clusterloader2's pod startup latency
// measures from its own watch: creation → Running as the kubelet reports it, seen by a client.

import { Informer, KubeClient, Resources, type KubeObject } from '../../src/client/kube/index.js';

interface PodLike extends KubeObject {
  spec?: { nodeName?: string };
  status?: { phase?: string };
}

export interface PodTimes {
  created: number;
  scheduled?: number;
  running?: number;
}

export class PodTracker {
  readonly pods = new Map<string, PodTimes>();
  private running = 0;
  private readonly informer: Informer<PodLike>;

  constructor(client: KubeClient, namespace: string, private readonly now: () => number = performance.now.bind(performance)) {
    this.informer = new Informer<PodLike>(client, Resources.pods, { namespace });
    this.informer.onAdd((pod) => this.seen(pod)).onUpdate((_, pod) => this.seen(pod));
  }

  async start(): Promise<void> {
    this.informer.start();
    await this.informer.waitForSync();
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }

  get runningCount(): number {
    return this.running;
  }

  get scheduledTimes(): number[] {
    return [...this.pods.values()].flatMap((p) => (p.scheduled === undefined ? [] : [p.scheduled]));
  }

  /** Milliseconds from first sight to Running, for every pod that got there. */
  startupLatencies(): number[] {
    return [...this.pods.values()].flatMap((p) => (p.running === undefined ? [] : [p.running - p.created]));
  }

  /**
   * The startup split where the scheduler hands over to the kubelet, as clusterloader2's create_to_schedule
   * and schedule_to_run: first sight → bound, and bound → Running, for every pod that got to Running.
   */
  startupPhases(): { toBound: number[]; boundToRunning: number[] } {
    const ran = [...this.pods.values()].filter((p) => p.running !== undefined && p.scheduled !== undefined);
    return { toBound: ran.map((p) => p.scheduled! - p.created), boundToRunning: ran.map((p) => p.running! - p.scheduled!) };
  }

  /** When the pods slower than `ms` from first sight to Running were first seen (this tracker's clock). */
  firstSeenOfSlowerThan(ms: number): number[] {
    return [...this.pods.values()].flatMap((p) => (p.running !== undefined && p.running - p.created > ms ? [p.created] : []));
  }

  private seen(pod: PodLike): void {
    const at = this.now();
    const key = pod.metadata?.name ?? '';
    let times = this.pods.get(key);
    if (!times) this.pods.set(key, (times = { created: at }));
    if (times.scheduled === undefined && pod.spec?.nodeName) times.scheduled = at;
    if (times.running === undefined && pod.status?.phase === 'Running') {
      times.running = at;
      this.running++;
    }
  }
}
