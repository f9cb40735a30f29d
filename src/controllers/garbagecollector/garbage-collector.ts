// The garbage collector (garbagecollector.go, simplified to a fixed set of kinds, plus the kinds of
// custom-resource owners it meets, found through discovery): a dependent whose
// owners are all gone is deleted (Background); an owner deleted with the `foregroundDeletion` finalizer
// has its dependents deleted first, then loses the finalizer; one with the `orphan` finalizer has its
// dependents' references to it removed, then loses the finalizer. An owner missing from the caches is
// looked up live before its dependents are judged, so a lagging cache never deletes anything.

import { isNotFound, Resources, runWorker, WorkQueue, type Informer, type KubeObject, type OwnerReference, type ResourceRef } from '../../client/kube/index.js';
import type { Controller, ControllerContext } from '../shared/controller-context.js';

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';

/** The kinds watched, as owners and as dependents. */
export const COLLECTED_RESOURCES: readonly ResourceRef[] = [
  Resources.pods, Resources.replicaSets, Resources.deployments, Resources.replicationControllers, Resources.jobs, Resources.cronJobs,
  Resources.daemonSets, Resources.statefulSets, Resources.controllerRevisions, Resources.endpointSlices, Resources.configMaps, Resources.secrets, Resources.services,
];

type Key = string;

export class GarbageCollector implements Controller {
  private readonly queue = new WorkQueue<Key>();
  private readonly informers = new Map<string, Informer<KubeObject>>();

  constructor(
    private readonly context: ControllerContext,
    resources: readonly ResourceRef[],
  ) {
    for (const resource of resources) this.monitor(resource);
  }

  private monitor(resource: ResourceRef): Informer<KubeObject> {
    const informer = this.context.informers.for<KubeObject>(resource);
    this.informers.set(resource.plural + '.' + resource.group, informer);
    const touched = (object: KubeObject): void => this.touched(resource, object);
    informer.onAdd(touched).onUpdate((_, object) => touched(object)).onDelete((object) => this.deleted(object));
    return informer;
  }

  /**
   * An owner of a kind outside the fixed set (a custom resource): found through discovery, then watched
   * from then on, as kube's garbage collector monitors every resource discovery lists, so its deletion
   * reaches its dependents. Undefined while discovery does not know the kind (nothing is deleted then).
   */
  private async discoveredOwnerResource(ref: OwnerReference): Promise<ResourceRef | undefined> {
    const [group, version] = ref.apiVersion.includes('/') ? (ref.apiVersion.split('/') as [string, string]) : ['', ref.apiVersion];
    const known = (): ResourceRef | undefined =>
      [...this.informers.values()].find((informer) => informer.resource.kind === ref.kind && informer.resource.group === group && informer.resource.version === version)?.resource;
    if (known()) return known();
    let discovery: { resources?: Array<{ name: string; kind: string; namespaced: boolean }> };
    try {
      discovery = await this.context.client.raw(group ? `/apis/${group}/${version}` : `/api/${version}`);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    const found = discovery.resources?.find((r) => r.kind === ref.kind && !r.name.includes('/'));
    if (!found) return undefined;
    // Another worker may have started the monitor while this one waited for discovery.
    if (known()) return known();
    const informer = this.monitor({ group, version, plural: found.name, namespaced: found.namespaced, kind: found.kind });
    informer.start();
    return informer.resource;
  }

  async run(workers: number, signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => this.queue.shutdown(), { once: true });
    const onError = (key: Key, error: unknown): void => this.context.log(`garbage-collector: ${key}: ${(error as Error).message}`);
    await Promise.all(Array.from({ length: workers }, () => runWorker(this.queue, (key) => this.process(key), onError)));
  }

  private keyOf(resource: ResourceRef, object: KubeObject): Key {
    return `${resource.plural}.${resource.group}|${object.metadata.namespace ?? ''}|${object.metadata.name}`;
  }

  private touched(resource: ResourceRef, object: KubeObject): void {
    const deleting = object.metadata.deletionTimestamp && object.metadata.finalizers?.some((f) => f === FOREGROUND_FINALIZER || f === ORPHAN_FINALIZER);
    if (deleting || object.metadata.ownerReferences?.length) this.queue.add(this.keyOf(resource, object));
  }

  /** A deleted object's dependents are judged again, and owners waiting for it look again. */
  private deleted(object: KubeObject): void {
    for (const [id, informer] of this.informers) {
      for (const dependent of informer.lister.byIndex('owner', object.metadata.uid!)) this.queue.add(`${id}|${dependent.metadata.namespace ?? ''}|${dependent.metadata.name}`);
      for (const ref of object.metadata.ownerReferences ?? []) {
        const owner = informer.lister.get(informer.resource.namespaced ? object.metadata.namespace : undefined, ref.name);
        if (owner?.metadata.uid === ref.uid && owner.metadata.deletionTimestamp) this.queue.add(this.keyOf(informer.resource, owner));
      }
    }
  }

  private dependentsOf(owner: KubeObject): Array<{ resource: ResourceRef; object: KubeObject }> {
    const found: Array<{ resource: ResourceRef; object: KubeObject }> = [];
    for (const informer of this.informers.values()) {
      for (const object of informer.lister.byIndex('owner', owner.metadata.uid!)) found.push({ resource: informer.resource, object });
    }
    return found;
  }

  private async process(key: Key): Promise<void> {
    const [id, namespace, name] = key.split('|') as [string, string, string];
    const informer = this.informers.get(id);
    const object = informer?.lister.get(namespace || undefined, name);
    if (!informer || !object) return;
    const finalizers = object.metadata.finalizers ?? [];
    if (object.metadata.deletionTimestamp && finalizers.includes(ORPHAN_FINALIZER)) return this.orphanDependents(informer.resource, object);
    if (object.metadata.deletionTimestamp && finalizers.includes(FOREGROUND_FINALIZER)) return this.deleteDependentsFirst(informer.resource, object);
    if (object.metadata.ownerReferences?.length) await this.judgeDependent(informer.resource, object);
  }

  /** attemptToDeleteItem: delete when every owner is gone; foreground when an owner waits for it. */
  private async judgeDependent(resource: ResourceRef, object: KubeObject): Promise<void> {
    if (object.metadata.deletionTimestamp) return;
    const owners = await Promise.all((object.metadata.ownerReferences ?? []).map((ref) => this.ownerState(object.metadata.namespace, ref)));
    if (owners.some((state) => state === 'present')) return;
    const propagationPolicy = owners.some((state) => state === 'waiting') ? 'Foreground' : 'Background';
    await this.deleteIgnoringGone(resource, object, propagationPolicy);
  }

  private async ownerState(namespace: string | undefined, ref: OwnerReference): Promise<'present' | 'absent' | 'waiting'> {
    const resource = COLLECTED_RESOURCES.find((candidate) => candidate.kind === ref.kind && `${candidate.group ? candidate.group + '/' : ''}${candidate.version}` === ref.apiVersion) ?? (await this.discoveredOwnerResource(ref));
    if (!resource) return 'present';
    let owner: KubeObject | undefined = this.informers.get(`${resource.plural}.${resource.group}`)?.lister.get(resource.namespaced ? namespace : undefined, ref.name);
    if (!owner || owner.metadata.uid !== ref.uid) {
      try {
        owner = await this.context.client.get(resource, resource.namespaced ? namespace : undefined, ref.name);
      } catch (error) {
        if (isNotFound(error)) return 'absent';
        throw error;
      }
    }
    if (owner.metadata.uid !== ref.uid) return 'absent';
    const waiting = owner.metadata.deletionTimestamp && owner.metadata.finalizers?.includes(FOREGROUND_FINALIZER);
    return waiting ? 'waiting' : 'present';
  }

  private async deleteDependentsFirst(resource: ResourceRef, owner: KubeObject): Promise<void> {
    const dependents = this.dependentsOf(owner);
    for (const { resource: dependentResource, object } of dependents) {
      if (!object.metadata.deletionTimestamp) await this.deleteIgnoringGone(dependentResource, object, 'Foreground');
    }
    if (dependents.length === 0) await this.removeFinalizer(resource, owner, FOREGROUND_FINALIZER);
  }

  private async orphanDependents(resource: ResourceRef, owner: KubeObject): Promise<void> {
    for (const { resource: dependentResource, object } of this.dependentsOf(owner)) {
      const patch = { metadata: { ownerReferences: [{ $patch: 'delete', uid: owner.metadata.uid }], uid: object.metadata.uid } };
      await this.context.client.patch(dependentResource, object.metadata.namespace, object.metadata.name!, patch, 'strategic').catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
    }
    await this.removeFinalizer(resource, owner, ORPHAN_FINALIZER);
  }

  private async removeFinalizer(resource: ResourceRef, owner: KubeObject, finalizer: string): Promise<void> {
    const finalizers = (owner.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    const patch = [
      { op: 'test', path: '/metadata/resourceVersion', value: owner.metadata.resourceVersion },
      { op: 'replace', path: '/metadata/finalizers', value: finalizers },
    ];
    await this.context.client.patch(resource, owner.metadata.namespace, owner.metadata.name!, patch, 'json').catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
  }

  private async deleteIgnoringGone(resource: ResourceRef, object: KubeObject, propagationPolicy: 'Background' | 'Foreground'): Promise<void> {
    try {
      await this.context.client.delete(resource, object.metadata.namespace, object.metadata.name!, { propagationPolicy, preconditions: { uid: object.metadata.uid } });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}
