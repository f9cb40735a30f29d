// client-go's SharedInformerFactory: one informer (one LIST+WATCH, one cache) per resource and selector,
// shared by every controller in a process that asks for it.

import type { KubeClient } from './client.js';
import { Informer, type InformerOptions } from './informer.js';
import type { KubeObject } from './objects.js';
import { apiVersionOf, type ResourceRef } from './resource.js';

export type SharedInformerOptions = Pick<InformerOptions<KubeObject>, 'namespace' | 'labelSelector' | 'fieldSelector' | 'clock' | 'onError' | 'pageSize'>;

export class InformerFactory {
  private readonly informers = new Map<string, Informer<KubeObject>>();
  private started = false;

  /** `defaults` apply to every informer (a namespace, the resync period, an error sink). */
  constructor(
    private readonly client: KubeClient,
    private readonly defaults: InformerOptions<KubeObject> = {},
  ) {}

  /** The shared informer for `resource` (and selectors); created on first use, started if the factory runs. */
  informerFor<T extends KubeObject>(resource: ResourceRef, options: SharedInformerOptions = {}): Informer<T> {
    const merged = { ...this.defaults, ...options };
    const key = [apiVersionOf(resource), resource.plural, merged.namespace ?? '', merged.labelSelector ?? '', merged.fieldSelector ?? ''].join('|');
    let informer = this.informers.get(key);
    if (!informer) {
      informer = new Informer<KubeObject>(this.client, resource, merged);
      this.informers.set(key, informer);
      if (this.started) informer.start();
    }
    return informer as unknown as Informer<T>;
  }

  /** Starts every informer made so far, and any made later. */
  start(): void {
    this.started = true;
    for (const informer of this.informers.values()) informer.start();
  }

  /** WaitForCacheSync over every informer made so far. */
  async waitForSync(): Promise<void> {
    await Promise.all([...this.informers.values()].map((informer) => informer.waitForSync()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((informer) => informer.stop()));
  }
}
