// The ReplicaSet controller (replica_set.go), also run for ReplicationControllers: keeps `replicas` active
// pods per set, adopting and releasing by selector, creating in slow-start batches and deleting the
// lowest-ranked pods, guarded by expectations; then writes the status.

import { controllerOf, isConflict, isNotFound, labelSelectorMatches, objectKey, runWorker, WorkQueue, type EventRecorder, type Informer, type LabelSelector, type ResourceRef } from '../../client/kube/index.js';
import { Resources } from '../../client/kube/index.js';
import { canonicalJson } from '../shared/canonical-json.js';
import { claimObjects, freshOwnerCheck } from '../shared/claim.js';
import type { Controller, ControllerContext } from '../shared/controller-context.js';
import { Expectations } from '../shared/expectations.js';
import { controllerRef } from '../shared/owner-refs.js';
import { isPodActive, isPodReady } from '../shared/pod-util.js';
import { SLOW_START_INITIAL_BATCH_SIZE, slowStartBatch } from '../shared/slow-start.js';
import { replicasOf, type Pod, type ReplicaSet } from '../shared/types.js';
import { podsToDelete } from './pod-ranking.js';
import { calculateReplicaSetStatus } from './status.js';

/** At most this many creations or deletions per sync (burstReplicas). */
export const BURST_REPLICAS = 500;

export interface ReplicaSetKind {
  resource: ResourceRef;
  apiVersion: string;
  kind: string;
  component: string;
  /** ReplicaSets carry a LabelSelector, ReplicationControllers a plain map. */
  selectorOf: (owner: ReplicaSet) => LabelSelector;
}

export const REPLICA_SET_KIND: ReplicaSetKind = {
  resource: Resources.replicaSets,
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  component: 'replicaset-controller',
  selectorOf: (rs) => rs.spec.selector,
};

export const REPLICATION_CONTROLLER_KIND: ReplicaSetKind = {
  resource: Resources.replicationControllers,
  apiVersion: 'v1',
  kind: 'ReplicationController',
  component: 'replication-controller',
  selectorOf: (rc) => ({ matchLabels: (rc.spec.selector ?? rc.spec.template.metadata?.labels ?? {}) as Record<string, string> }),
};

export class ReplicaSetController implements Controller {
  private readonly queue = new WorkQueue<string>();
  private readonly expectations = new Expectations();
  private readonly sets: Informer<ReplicaSet>;
  private readonly pods: Informer<Pod>;
  private readonly recorder: EventRecorder;

  constructor(
    private readonly context: ControllerContext,
    private readonly kind: ReplicaSetKind = REPLICA_SET_KIND,
  ) {
    this.sets = context.informers.for<ReplicaSet>(kind.resource);
    this.pods = context.informers.for<Pod>(Resources.pods);
    this.recorder = context.recorder(kind.component);
    this.sets.onAdd((rs) => this.enqueue(rs)).onUpdate((_, rs) => this.enqueue(rs)).onDelete((rs) => {
      this.expectations.forget(objectKey(rs));
      this.enqueue(rs);
    });
    this.pods.onAdd((pod) => this.podAdded(pod)).onUpdate((old, pod) => this.podUpdated(old, pod)).onDelete((pod) => this.podDeleted(pod));
  }

  async run(workers: number, signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => this.queue.shutdown(), { once: true });
    const onError = (key: string, error: unknown): void => this.context.log(`${this.kind.component}: sync ${key}: ${(error as Error).message}`);
    await Promise.all(Array.from({ length: workers }, () => runWorker(this.queue, (key) => this.sync(key), onError)));
  }

  private enqueue(rs: ReplicaSet): void {
    this.queue.add(objectKey(rs));
  }

  private ownerOf(pod: Pod): ReplicaSet | undefined {
    const ref = controllerOf(pod);
    if (!ref || ref.kind !== this.kind.kind) return undefined;
    const rs = this.sets.lister.get(pod.metadata.namespace, ref.name);
    return rs?.metadata.uid === ref.uid ? rs : undefined;
  }

  /** Orphans wake every set whose selector matches them, so one of them adopts. */
  private matchingSets(pod: Pod): ReplicaSet[] {
    return this.sets.lister.list(undefined, pod.metadata.namespace).filter((rs) => labelSelectorMatches(this.kind.selectorOf(rs), pod.metadata.labels ?? {}));
  }

  private podAdded(pod: Pod): void {
    if (pod.metadata.deletionTimestamp) return this.podDeleted(pod);
    const owner = this.ownerOf(pod);
    if (owner) {
      this.expectations.creationObserved(objectKey(owner));
      this.enqueue(owner);
    } else if (!controllerOf(pod)) {
      this.matchingSets(pod).forEach((rs) => this.enqueue(rs));
    }
  }

  private podUpdated(old: Pod, pod: Pod): void {
    if (old.metadata.resourceVersion === pod.metadata.resourceVersion) return;
    if (pod.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) this.podDeleted(pod);
    const oldOwner = this.ownerOf(old);
    const owner = this.ownerOf(pod);
    if (oldOwner && oldOwner !== owner) this.enqueue(oldOwner);
    if (owner) {
      this.enqueue(owner);
      const minReady = owner.spec.minReadySeconds ?? 0;
      if (minReady > 0 && !isPodReady(old) && isPodReady(pod)) this.queue.addAfter(objectKey(owner), minReady * 1000 + 1000);
    } else if (!controllerOf(pod)) {
      this.matchingSets(pod).forEach((rs) => this.enqueue(rs));
    }
  }

  private podDeleted(pod: Pod): void {
    const owner = this.ownerOf(pod);
    if (!owner) return;
    this.expectations.deletionObserved(objectKey(owner), objectKey(pod));
    this.enqueue(owner);
  }

  private async sync(key: string): Promise<void> {
    const cached = this.sets.lister.get(...splitNamespaced(key));
    if (!cached) {
      this.expectations.forget(key);
      return;
    }
    const rs = structuredClone(cached);
    const needsSync = this.expectations.satisfied(key);
    const selector = this.kind.selectorOf(rs);
    const candidates = this.pods.lister.ownedOrOrphaned(rs).filter(isPodActive);
    const pods = await claimObjects(candidates, {
      client: this.context.client,
      owner: rs,
      ownerApiVersion: this.kind.apiVersion,
      ownerKind: this.kind.kind,
      resource: Resources.pods,
      matches: (pod) => labelSelectorMatches(selector, pod.metadata.labels ?? {}),
      canAdopt: freshOwnerCheck(this.context.client, this.kind.resource, rs),
    });
    let manageError: Error | undefined;
    if (needsSync && !rs.metadata.deletionTimestamp) manageError = await this.manageReplicas(key, pods, rs);
    await this.writeStatus(rs, calculateReplicaSetStatus(rs, pods, manageError, Date.now()));
    if (manageError) throw manageError;
  }

  private async manageReplicas(key: string, pods: Pod[], rs: ReplicaSet): Promise<Error | undefined> {
    const diff = pods.length - replicasOf(rs);
    if (diff < 0) {
      const count = Math.min(-diff, BURST_REPLICAS);
      this.expectations.expectCreations(key, count);
      const { successes, error } = await slowStartBatch(count, SLOW_START_INITIAL_BATCH_SIZE, () => this.createPod(rs));
      for (let skipped = count - successes; skipped > 0; skipped--) this.expectations.creationFailed(key);
      return error;
    }
    if (diff > 0) {
      const victims = podsToDelete(pods, pods, Math.min(diff, BURST_REPLICAS));
      this.expectations.expectDeletions(key, victims.map(objectKey));
      const results = await Promise.allSettled(victims.map((pod) => this.deletePod(rs, pod)));
      const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      victims.forEach((pod, i) => results[i]!.status === 'rejected' && this.expectations.deletionObserved(key, objectKey(pod)));
      return failed ? (failed.reason as Error) : undefined;
    }
    return undefined;
  }

  private owner(rs: ReplicaSet): ReplicaSet {
    return { ...rs, apiVersion: this.kind.apiVersion, kind: this.kind.kind };
  }

  private async createPod(rs: ReplicaSet): Promise<void> {
    const template = rs.spec.template;
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: `${rs.metadata.name}-`,
        namespace: rs.metadata.namespace,
        labels: { ...(template.metadata?.labels ?? {}) },
        annotations: { ...(template.metadata?.annotations ?? {}) },
        ownerReferences: [controllerRef(rs, this.kind.apiVersion, this.kind.kind)],
      },
      spec: structuredClone(template.spec ?? {}),
    };
    try {
      const created = await this.context.client.create(Resources.pods, pod);
      this.recorder.event(this.owner(rs), 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
    } catch (error) {
      this.recorder.event(this.owner(rs), 'Warning', 'FailedCreate', `Error creating: ${(error as Error).message}`);
      throw error;
    }
  }

  private async deletePod(rs: ReplicaSet, pod: Pod): Promise<void> {
    try {
      await this.context.client.delete(Resources.pods, pod.metadata.namespace, pod.metadata.name!, { preconditions: { uid: pod.metadata.uid } });
      this.recorder.event(this.owner(rs), 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (error) {
      if (isNotFound(error)) return;
      this.recorder.event(this.owner(rs), 'Warning', 'FailedDelete', `Error deleting: ${(error as Error).message}`);
      throw error;
    }
  }

  /** updateReplicaSetStatus: only when something changed; one retry from a fresh read on a conflict. */
  private async writeStatus(rs: ReplicaSet, status: ReplicaSet['status']): Promise<void> {
    if (canonicalJson(rs.status ?? {}) === canonicalJson(status)) return;
    try {
      await this.context.client.updateStatus(this.kind.resource, { ...rs, status });
    } catch (error) {
      if (!isConflict(error)) throw error;
      const fresh = await this.context.client.get<ReplicaSet>(this.kind.resource, rs.metadata.namespace, rs.metadata.name!);
      await this.context.client.updateStatus(this.kind.resource, { ...fresh, status: { ...status, observedGeneration: rs.metadata.generation } });
    }
  }
}

function splitNamespaced(key: string): [string, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}
