// What every controller is started with: the client, one shared informer per resource (client-go's
// SharedInformerFactory), an event recorder per component, and a logger.

import { EventRecorder, Informer, type KubeClient, type KubeObject, type ResourceRef } from '../../client/kube/index.js';

export type Log = (message: string) => void;

export class InformerFactory {
  private readonly informers = new Map<string, Informer<KubeObject>>();

  /** `resyncPeriodMs`: every informer re-delivers its objects as updates this often (0: never). */
  constructor(
    private readonly client: KubeClient,
    private readonly onError: (error: unknown) => void,
    private readonly resyncPeriodMs = 0,
  ) {}

  for<T extends KubeObject>(resource: ResourceRef): Informer<T> {
    const key = `${resource.group}/${resource.plural}`;
    let informer = this.informers.get(key);
    if (!informer) {
      informer = new Informer<KubeObject>(this.client, resource, { onError: this.onError, resyncPeriodMs: this.resyncPeriodMs });
      this.informers.set(key, informer);
    }
    return informer as unknown as Informer<T>;
  }

  /** Starts every informer asked for so far and waits until each has listed. */
  async startAndSync(): Promise<void> {
    for (const informer of this.informers.values()) informer.start();
    await Promise.all([...this.informers.values()].map((informer) => informer.waitForSync()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((informer) => informer.stop()));
  }
}

export interface ControllerContext {
  client: KubeClient;
  informers: InformerFactory;
  recorder: (component: string) => EventRecorder;
  log: Log;
  /** Whether the server serves the resource (from discovery at start). */
  served: (resource: ResourceRef) => boolean;
}

export interface Controller {
  /** Runs `workers` workers until the signal aborts. */
  run(workers: number, signal: AbortSignal): Promise<void>;
}
