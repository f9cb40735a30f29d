// The ResourceQuota controller (pkg/controller/resourcequota): keeps each quota's `status.hard` equal to
// its `spec.hard` and `status.used` true, recomputing a quota when it changes, when an object it counts
// changes, and every --resource-quota-sync-period. Those of pods, services, claims, config maps, secrets,
// replication controllers and quotas the server serves are watched through shared informers from the
// start; any other resource a quota counts (`count/<resource>.<group>`) once a quota names it.
// Unlike kube, whose admission plugin charges a create to `status.used` itself, Barge's admission counts
// live objects, so a create here is replenished too, keeping `kubectl describe quota` current.

import { objectKey, Resources, runWorker, splitKey, WorkQueue, type Informer, type KubeObject, type ResourceRef } from '../../client/kube/index.js';
import type { Controller, ControllerContext } from '../shared/controller-context.js';
import { countName, evaluatorFor, resourcesNamedBy, usageOf, type QuotaResource, type QuotaSpec } from '../../shared/quota/quota-usage.js';
import { listJson, maskList, resourceList, type ResourceList } from '../../shared/quota/resource-lists.js';

export const RESOURCE_QUOTAS: ResourceRef = { group: '', version: 'v1', plural: 'resourcequotas', namespaced: true, kind: 'ResourceQuota' };

const MONITORED: readonly ResourceRef[] = [Resources.pods, Resources.services, Resources.persistentVolumeClaims, Resources.configMaps, Resources.secrets, Resources.replicationControllers, RESOURCE_QUOTAS];

interface ResourceQuota extends KubeObject {
  spec?: QuotaSpec;
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const groupResource = (r: QuotaResource): string => `${r.group}/${r.plural}`;

export class ResourceQuotaController implements Controller {
  private readonly queue = new WorkQueue<string>();
  private readonly quotas: Informer<ResourceQuota>;
  private readonly monitors = new Map<string, Informer<KubeObject>>();
  private readonly starting = new Map<string, Promise<Informer<KubeObject> | undefined>>();

  constructor(
    private readonly context: ControllerContext,
    private readonly resyncMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.quotas = context.informers.for<ResourceQuota>(RESOURCE_QUOTAS);
    this.quotas.onAdd((quota) => this.enqueue(quota)).onUpdate((old, quota) => {
      // Its own status writes come back as updates: only a changed spec (or a status someone else changed) counts.
      if (!same(old.spec, quota.spec) || !same(quota.status?.hard ?? {}, listJson(resourceList(quota.spec?.hard)))) this.enqueue(quota);
    });
    // As kube's quota monitors, only what the server serves: an informer on anything else never syncs.
    for (const resource of MONITORED.filter(context.served)) this.monitor(resource);
  }

  /** An informer on `resource` whose changes recompute the quotas counting it (kube's quota monitor). */
  private monitor(resource: ResourceRef): Informer<KubeObject> {
    const informer = this.context.informers.for<KubeObject>(resource);
    this.monitors.set(groupResource(resource), informer);
    const evaluator = evaluatorFor(resource);
    const replenish = (object: KubeObject): void => this.replenish(resource, object.metadata.namespace ?? '');
    informer.onAdd(replenish).onDelete(replenish).onUpdate((old, object) => {
      const now = this.now();
      if (!same(listJson(evaluator.usage(old, now)), listJson(evaluator.usage(object, now)))) replenish(object);
    });
    return informer;
  }

  async run(workers: number, signal: AbortSignal): Promise<void> {
    const resync = setInterval(() => this.quotas.lister.list().forEach((quota) => this.enqueue(quota)), this.resyncMs);
    signal.addEventListener('abort', () => (clearInterval(resync), this.queue.shutdown()), { once: true });
    const onError = (key: string, error: unknown): void => this.context.log(`resourcequota-controller: sync ${key}: ${(error as Error).message}`);
    await Promise.all(Array.from({ length: workers }, () => runWorker(this.queue, (key) => this.sync(key), onError)));
  }

  private enqueue(quota: ResourceQuota): void {
    this.queue.add(objectKey(quota));
  }

  /** The quotas of `namespace` that count `resource`. */
  private replenish(resource: QuotaResource, namespace: string): void {
    const { answers } = evaluatorFor(resource);
    for (const quota of this.quotas.lister.list(undefined, namespace)) {
      if (Object.keys(quota.spec?.hard ?? {}).some(answers)) this.enqueue(quota);
    }
  }

  /** Where `resource` is served, from discovery; undefined when it is not, or is not namespaced (quotas count only those). */
  private async discover(resource: QuotaResource): Promise<ResourceRef | undefined> {
    const raw = <T>(path: string): Promise<T | undefined> => this.context.client.raw<T>(path).catch(() => undefined);
    const version = resource.group === '' ? 'v1' : (await raw<{ preferredVersion?: { version?: string } }>(`/apis/${resource.group}`))?.preferredVersion?.version;
    if (!version) return undefined;
    const list = await raw<{ resources?: Array<{ name: string; namespaced: boolean; kind: string }> }>(resource.group === '' ? '/api/v1' : `/apis/${resource.group}/${version}`);
    const served = list?.resources?.find((r) => r.name === resource.plural);
    return served?.namespaced ? { group: resource.group, version, plural: resource.plural, namespaced: true, kind: served.kind } : undefined;
  }

  /** The objects of `resource` in `namespace`, from its informer (started the first time a quota counts it); undefined when it is not served. */
  private async objects(resource: QuotaResource, namespace: string): Promise<readonly KubeObject[] | undefined> {
    const key = groupResource(resource);
    let informer = this.monitors.get(key);
    if (!informer) {
      // One discovery per resource however many workers ask at once, so its handlers are added once.
      let starting = this.starting.get(key);
      if (!starting) {
        starting = this.discover(resource).then((ref) => ref && this.monitor(ref).start()).finally(() => this.starting.delete(key));
        this.starting.set(key, starting);
      }
      informer = await starting;
      if (!informer) return undefined;
    }
    await informer.waitForSync();
    return informer.lister.list(undefined, namespace);
  }

  private async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const quota = this.quotas.lister.get(namespace, name);
    if (!quota) return;
    const spec = quota.spec ?? {};
    const hard = resourceList(spec.hard);
    // As kube: what it cannot compute keeps its last value; what is no longer hard goes.
    const used: ResourceList = resourceList(quota.status?.used);
    for (const resource of resourcesNamedBy(spec.hard ?? {})) {
      const objects = await this.objects(resource, namespace);
      if (!objects) {
        this.context.log(`resourcequota-controller: ${key}: ${countName(resource)} is not served; its usage is not known`);
        continue;
      }
      for (const [resourceName, quantity] of usageOf(resource, objects, spec, this.now())) used.set(resourceName, quantity);
    }
    const status = { hard: listJson(hard), used: listJson(maskList(used, hard.keys())) };
    if (same(status, { hard: listJson(resourceList(quota.status?.hard)), used: listJson(resourceList(quota.status?.used)) })) return;
    await this.context.client.updateStatus(RESOURCE_QUOTAS, { ...quota, status });
  }
}
