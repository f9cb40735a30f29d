// The EndpointSlice and Endpoints controllers as one loop per Service with a selector: the desired slice
// and Endpoints from the pod cache, written only when they differ from what is stored.

import { isAlreadyExists, isNotFound, labelSelectorMatches, objectKey, Resources, runWorker, WorkQueue, type Informer, type KubeObject } from '../../client/kube/index.js';
import { canonicalJson } from '../shared/canonical-json.js';
import type { Controller, ControllerContext } from '../shared/controller-context.js';
import { controllerRef } from '../shared/owner-refs.js';
import type { Pod } from '../shared/types.js';
import { endpointSubsets, MANAGED_BY, MANAGED_BY_LABEL, podEndpoints, SERVICE_NAME_LABEL, sliceContent, type Service } from './desired-endpoints.js';

export class EndpointsController implements Controller {
  private readonly queue = new WorkQueue<string>();
  private readonly services: Informer<Service>;
  private readonly pods: Informer<Pod>;
  private readonly slices: Informer<KubeObject>;
  private readonly endpoints: Informer<KubeObject>;

  constructor(private readonly context: ControllerContext) {
    this.services = context.informers.for<Service>(Resources.services);
    this.pods = context.informers.for<Pod>(Resources.pods);
    this.slices = context.informers.for<KubeObject>(Resources.endpointSlices);
    this.endpoints = context.informers.for<KubeObject>(Resources.endpoints);
    this.services.onAdd((svc) => this.queue.add(objectKey(svc))).onUpdate((_, svc) => this.queue.add(objectKey(svc)));
    const podChanged = (pod: Pod): void => {
      for (const svc of this.services.lister.list(undefined, pod.metadata.namespace)) {
        const selector = svc.spec?.selector;
        if (selector && Object.keys(selector).length && labelSelectorMatches({ matchLabels: selector }, pod.metadata.labels ?? {})) this.queue.add(objectKey(svc));
      }
    };
    this.pods.onAdd(podChanged).onUpdate((old, pod) => (podChanged(old), podChanged(pod))).onDelete(podChanged);
  }

  async run(workers: number, signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => this.queue.shutdown(), { once: true });
    const onError = (key: string, error: unknown): void => this.context.log(`endpointslice-controller: sync ${key}: ${(error as Error).message}`);
    await Promise.all(Array.from({ length: workers }, () => runWorker(this.queue, (key) => this.sync(key), onError)));
  }

  private async sync(key: string): Promise<void> {
    const slash = key.indexOf('/');
    const namespace = key.slice(0, slash);
    const service = this.services.lister.get(namespace, key.slice(slash + 1));
    // A deleted service's slice goes with it through the garbage collector (owner reference).
    if (!service || service.metadata.deletionTimestamp || !service.spec?.selector || Object.keys(service.spec.selector).length === 0) return;
    const entries = podEndpoints(service, this.pods.lister.list(undefined, namespace));
    await this.syncSlice(service, sliceContent(service, entries));
    await this.syncEndpoints(service, endpointSubsets(entries));
  }

  private async syncSlice(service: Service, content: Record<string, unknown>): Promise<void> {
    const ours = this.slices.lister.list(undefined, service.metadata.namespace).filter((slice) => slice.metadata.labels?.[SERVICE_NAME_LABEL] === service.metadata.name && slice.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY);
    const [current, ...extra] = ours;
    for (const slice of extra) await this.context.client.delete(Resources.endpointSlices, slice.metadata.namespace, slice.metadata.name!).catch(ignoreNotFound);
    const labels = { ...(service.metadata.labels ?? {}), [SERVICE_NAME_LABEL]: service.metadata.name!, [MANAGED_BY_LABEL]: MANAGED_BY };
    if (current) {
      const same = canonicalJson({ a: current['addressType'], e: current['endpoints'] ?? [], p: current['ports'] ?? [] }) === canonicalJson({ a: content['addressType'], e: content['endpoints'], p: content['ports'] });
      if (!same) await this.context.client.update(Resources.endpointSlices, { ...current, ...content, metadata: { ...current.metadata, labels } });
      return;
    }
    await this.context.client.create(Resources.endpointSlices, {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { generateName: `${service.metadata.name}-`, namespace: service.metadata.namespace, labels, ownerReferences: [controllerRef(service, 'v1', 'Service')] },
      ...content,
    });
  }

  private async syncEndpoints(service: Service, subsets: Array<Record<string, unknown>>): Promise<void> {
    const current = this.endpoints.lister.get(service.metadata.namespace, service.metadata.name!);
    const body = subsets.length ? { subsets } : {};
    if (current) {
      if (canonicalJson(current['subsets'] ?? []) === canonicalJson(subsets)) return;
      const { subsets: _old, ...rest } = current;
      await this.context.client.update(Resources.endpoints, { ...rest, ...body });
      return;
    }
    await this.context.client
      .create(Resources.endpoints, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: service.metadata.name, namespace: service.metadata.namespace, labels: { ...(service.metadata.labels ?? {}) } }, ...body })
      .catch((error: unknown) => {
        if (!isAlreadyExists(error)) throw error;
      });
  }
}

function ignoreNotFound(error: unknown): void {
  if (!isNotFound(error)) throw error;
}
