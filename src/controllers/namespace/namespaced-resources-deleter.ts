// Emptying a Terminating namespace (namespace deletion's namespacedResourcesDeleter): mark it
// Terminating, delete its pods first (OrderedNamespaceDeletion), then everything else it holds of every
// served namespaced resource, report what is left in its conditions, and once nothing is left remove
// the `kubernetes` finalizer through /finalize; the apiserver then deletes the namespace.

import { isConflict, isMethodNotSupported, isNotFound, metaTime, Resources, type KubeClient, type KubeObject, type ResourceRef } from '../../client/kube/index.js';
import { failedConditions, updateConditions, type DeletionOutcome, type NamespaceCondition } from './namespace-conditions.js';
import { discoverDeletableNamespacedResources } from './namespaced-resources.js';

export const FINALIZER_TOKEN = 'kubernetes';
/** How long to wait for remaining items that only wait on finalizers (kube's finalizerEstimateSeconds). */
export const FINALIZER_ESTIMATE_SECONDS = 15;

export interface Namespace extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: NamespaceCondition[] };
}

interface Pod extends KubeObject {
  spec?: { terminationGracePeriodSeconds?: number };
  status?: { phase?: string };
}

interface ResourceOutcome {
  estimate: number;
  remaining: number;
  finalizers: Map<string, number>;
}

const NOTHING_LEFT: ResourceOutcome = { estimate: 0, remaining: 0, finalizers: new Map() };

const groupResource = (resource: ResourceRef): string => `${resource.plural}.${resource.group}`;
const isPods = (resource: ResourceRef): boolean => resource.group === '' && resource.plural === 'pods';

export class NamespacedResourcesDeleter {
  constructor(
    private readonly client: KubeClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** One pass; resolves to the seconds to wait for content still going (0: done or nothing to do). */
  async delete(name: string): Promise<number> {
    let namespace: Namespace;
    try {
      namespace = await this.client.get<Namespace>(Resources.namespaces, undefined, name);
      if (!namespace.metadata.deletionTimestamp) return 0;
      namespace = await this.retryOnConflict(namespace, (latest) => this.markTerminating(latest));
    } catch (error) {
      if (isNotFound(error)) return 0;
      throw error;
    }
    if (!namespace.metadata.deletionTimestamp || !(namespace.spec?.finalizers ?? []).length) return 0;
    const estimate = await this.deleteAllContent(namespace);
    if (estimate > 0) return estimate;
    await this.retryOnConflict(namespace, (latest) => this.finalize(latest)).catch((error: unknown) => {
      // Another controller sharing the token may have finished the deletion.
      if (!isNotFound(error)) throw error;
    });
    return 0;
  }

  private async retryOnConflict(namespace: Namespace, update: (latest: Namespace) => Promise<Namespace>): Promise<Namespace> {
    let latest = namespace;
    for (;;) {
      try {
        return await update(latest);
      } catch (error) {
        if (!isConflict(error)) throw error;
      }
      const previous = latest;
      latest = await this.client.get<Namespace>(Resources.namespaces, undefined, namespace.metadata.name!);
      if (latest.metadata.uid !== previous.metadata.uid) throw new Error('namespace uid has changed across retries');
    }
  }

  private async markTerminating(namespace: Namespace): Promise<Namespace> {
    if (namespace.status?.phase === 'Terminating') return namespace;
    return this.client.updateStatus(Resources.namespaces, { ...namespace, status: { ...namespace.status, phase: 'Terminating' } });
  }

  private finalize(namespace: Namespace): Promise<Namespace> {
    const finalizers = [...new Set(namespace.spec?.finalizers ?? [])].filter((f) => f !== FINALIZER_TOKEN).sort();
    const body: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: namespace.metadata, spec: { ...namespace.spec, finalizers } };
    return this.client.updateSubresource(Resources.namespaces, body, 'finalize');
  }

  /** Deletes what the namespace holds; the largest wait any resource asks for. Throws the aggregated failures. */
  private async deleteAllContent(namespace: Namespace): Promise<number> {
    const outcome: DeletionOutcome = { discoveryFailures: [], contentErrors: [], remaining: new Map(), finalizers: new Map() };
    let resources: ResourceRef[] = [];
    try {
      const discovered = await discoverDeletableNamespacedResources(this.client);
      resources = discovered.resources;
      outcome.discoveryFailures = discovered.failures;
    } catch (error) {
      outcome.discoveryFailures = [(error as Error).message];
    }
    const deletedAt = Date.parse(namespace.metadata.deletionTimestamp!);
    let estimate = 0;
    const pass = async (resource: ResourceRef): Promise<void> => {
      let result: ResourceOutcome;
      try {
        result = await this.deleteAllOf(resource, namespace.metadata.name!, deletedAt);
      } catch (error) {
        outcome.contentErrors.push((error as Error).message);
        result = (error as { outcome?: ResourceOutcome }).outcome ?? NOTHING_LEFT;
      }
      estimate = Math.max(estimate, result.estimate);
      if (result.remaining > 0) outcome.remaining.set(groupResource(resource), result.remaining);
      for (const [finalizer, count] of result.finalizers) outcome.finalizers.set(finalizer, (outcome.finalizers.get(finalizer) ?? 0) + count);
    };
    // Pods go first: the rest (service accounts, config the pods read) stays until they are gone.
    const pods = resources.find(isPods);
    if (pods) await pass(pods);
    if (!outcome.remaining.has(groupResource(Resources.pods))) {
      for (const resource of resources.filter((candidate) => !isPods(candidate))) await pass(resource);
    }
    const time = metaTime(this.now());
    const conditions = [...(namespace.status?.conditions ?? [])].map((condition) => ({ ...condition }));
    if (updateConditions(conditions, failedConditions(outcome, time), time)) {
      await this.client.updateStatus(Resources.namespaces, { ...namespace, status: { ...namespace.status, conditions } }).catch(() => {
        // As kube's controller, a lost condition update is only logged: the next pass writes it again.
      });
    }
    const errors = [...outcome.discoveryFailures, ...outcome.contentErrors];
    if (errors.length > 0) throw new Error(errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`);
    return estimate;
  }

  private async deleteAllOf(resource: ResourceRef, namespace: string, deletedAt: number): Promise<ResourceOutcome> {
    const estimate = isPods(resource) ? await this.podTerminationEstimate(namespace, deletedAt) : 0;
    const items = await this.listIfSupported(resource, namespace);
    for (const item of items ?? []) {
      await this.client.delete(resource, namespace, item.metadata.name!, { propagationPolicy: 'Background' }).catch((error: unknown) => {
        if (!isNotFound(error) && !isMethodNotSupported(error)) throw error;
      });
    }
    const left = await this.listIfSupported(resource, namespace);
    if (!left || left.length === 0) return { ...NOTHING_LEFT, estimate: left ? 0 : estimate };
    const finalizers = new Map<string, number>();
    for (const item of left) for (const finalizer of item.metadata.finalizers ?? []) finalizers.set(finalizer, (finalizers.get(finalizer) ?? 0) + 1);
    if (estimate > 0) return { estimate, remaining: left.length, finalizers };
    // Items held by finalizers are normal (the garbage collector, an operator): wait for them.
    if (finalizers.size > 0) return { estimate: FINALIZER_ESTIMATE_SECONDS, remaining: left.length, finalizers };
    const failure = new Error(`unexpected items still remain in namespace: ${namespace} for gvr: ${resource.group}/${resource.version}, Resource=${resource.plural}`);
    throw Object.assign(failure, { outcome: { estimate, remaining: left.length, finalizers } });
  }

  /** The items in the namespace; undefined when the resource cannot be listed (404/405). */
  private async listIfSupported(resource: ResourceRef, namespace: string): Promise<KubeObject[] | undefined> {
    try {
      return (await this.client.list(resource, { namespace })).items;
    } catch (error) {
      if (isNotFound(error) || isMethodNotSupported(error)) return undefined;
      throw error;
    }
  }

  /** The longest grace period of the pods still running, unless the namespace has been going that long already. */
  private async podTerminationEstimate(namespace: string, deletedAt: number): Promise<number> {
    const pods = (await this.client.list<Pod>(Resources.pods, { namespace })).items;
    const estimate = Math.max(0, ...pods.filter((pod) => pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed').map((pod) => pod.spec?.terminationGracePeriodSeconds ?? 0));
    return this.now() - deletedAt >= estimate * 1000 ? 0 : estimate;
  }
}
