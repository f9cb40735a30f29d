// One deployment sync's writes (sync.go, rolling.go, recreate.go): finding or creating the new ReplicaSet
// with its revision, scaling sets with their annotations and events, pruning history, and the status.

import { isAlreadyExists, isNotFound, Resources, type EventRecorder, type KubeClient } from '../../client/kube/index.js';
import { canonicalJson } from '../shared/canonical-json.js';
import { controllerRef } from '../shared/owner-refs.js';
import { replicasOf, type Deployment, type DeploymentStatus, type ReplicaSet } from '../shared/types.js';
import { maxRevision, revisionOf, REVISION_ANNOTATION, setDeploymentRevision, setNewReplicaSetAnnotations, setReplicasAnnotations } from './annotations.js';
import { getCondition, newCondition, Reasons, setCondition } from './conditions.js';
import { maxSurge } from './fenceposts.js';
import { computeHash, equalIgnoreHash, POD_TEMPLATE_HASH_LABEL } from './pod-template-hash.js';
import { byCreation, newRSNewReplicas } from './replica-sets.js';
import type { ScalePlan } from './rolling-plan.js';
import { hasProgressDeadline } from './status.js';

export const DEFAULT_REVISION_HISTORY_LIMIT = 10;

const nowString = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface ReplicaSetsOfDeployment {
  newSet: ReplicaSet | undefined;
  oldSets: ReplicaSet[];
}

export class DeploymentSync {
  constructor(
    private readonly client: KubeClient,
    private readonly recorder: EventRecorder,
  ) {}

  /** FindNewReplicaSet: the oldest set whose template equals the deployment's, hash label aside. */
  split(deployment: Deployment, sets: readonly ReplicaSet[]): ReplicaSetsOfDeployment {
    const sorted = [...sets].sort(byCreation);
    const newSet = sorted.find((rs) => equalIgnoreHash(rs.spec.template, deployment.spec.template));
    return { newSet, oldSets: sorted.filter((rs) => rs !== newSet) };
  }

  /**
   * getAllReplicaSetsAndSyncRevision: the new set brought to revision max(old)+1 (created when asked),
   * and the deployment's revision annotation and Progressing condition kept in step.
   */
  async syncRevision(deployment: Deployment, sets: readonly ReplicaSet[], create: boolean): Promise<ReplicaSetsOfDeployment> {
    const { newSet, oldSets } = this.split(deployment, sets);
    const newRevision = maxRevision(oldSets) + 1;
    if (newSet) return { newSet: await this.syncExisting(deployment, newSet, newRevision), oldSets };
    if (!create) return { newSet: undefined, oldSets };
    return { newSet: await this.createNewSet(deployment, [...oldSets], newRevision), oldSets };
  }

  private async syncExisting(deployment: Deployment, rs: ReplicaSet, newRevision: number): Promise<ReplicaSet> {
    let current = rs;
    const copy = structuredClone(rs);
    const annotationsChanged = setNewReplicaSetAnnotations(deployment, copy, newRevision, true, maxSurge(deployment));
    const minReadyChanged = (copy.spec.minReadySeconds ?? 0) !== (deployment.spec.minReadySeconds ?? 0);
    if (minReadyChanged) copy.spec.minReadySeconds = deployment.spec.minReadySeconds ?? 0;
    if (annotationsChanged || minReadyChanged) current = await this.client.update(Resources.replicaSets, copy);
    const revision = current.metadata.annotations?.[REVISION_ANNOTATION] ?? String(newRevision);
    await this.writeRevision(deployment, revision);
    if (hasProgressDeadline(deployment) && !getCondition(deployment.status, 'Progressing')) {
      const status = structuredClone(deployment.status ?? {});
      setCondition(status, newCondition('Progressing', 'True', Reasons.foundNewReplicaSet, `Found new replica set "${current.metadata.name}"`, nowString()));
      await this.writeStatus(deployment, status);
    }
    return current;
  }

  private async createNewSet(deployment: Deployment, oldSets: ReplicaSet[], newRevision: number): Promise<ReplicaSet> {
    const hash = computeHash(deployment.spec.template, deployment.status?.collisionCount);
    const template = structuredClone(deployment.spec.template);
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } };
    const selector = structuredClone(deployment.spec.selector);
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${deployment.metadata.name}-${hash}`,
        namespace: deployment.metadata.namespace,
        labels: { ...template.metadata.labels },
        ownerReferences: [controllerRef(deployment, 'apps/v1', 'Deployment')],
      },
      spec: { replicas: 0, minReadySeconds: deployment.spec.minReadySeconds ?? 0, selector, template },
    };
    rs.spec.replicas = newRSNewReplicas(deployment, [...oldSets, rs], rs);
    setNewReplicaSetAnnotations(deployment, rs, newRevision, false, maxSurge(deployment));
    let created: ReplicaSet;
    try {
      created = await this.client.create(Resources.replicaSets, rs);
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      const existing = await this.client.get<ReplicaSet>(Resources.replicaSets, rs.metadata.namespace, rs.metadata.name!);
      const ours = existing.metadata.ownerReferences?.some((ref) => ref.uid === deployment.metadata.uid);
      if (ours && equalIgnoreHash(existing.spec.template, deployment.spec.template)) return existing;
      // A hash collision: bump collisionCount so the next sync computes another name.
      const status = { ...(deployment.status ?? {}), collisionCount: (deployment.status?.collisionCount ?? 0) + 1 };
      await this.writeStatus(deployment, status);
      throw new Error(`found a hash collision for deployment "${deployment.metadata.name}" - bumping collisionCount to ${status.collisionCount} to resolve it`);
    }
    const scaled = replicasOf(created);
    if (scaled > 0) this.recorder.event(this.owner(deployment), 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${scaled}`);
    await this.writeRevision(deployment, String(newRevision));
    if (hasProgressDeadline(deployment)) {
      const status = structuredClone(deployment.status ?? {});
      setCondition(status, newCondition('Progressing', 'True', Reasons.newReplicaSet, `Created new replica set "${created.metadata.name}"`, nowString()));
      await this.writeStatus(deployment, status);
    }
    return created;
  }

  /** The revision annotation is metadata, so it goes through an update of the deployment itself. */
  private async writeRevision(deployment: Deployment, revision: string): Promise<void> {
    const copy = structuredClone(deployment);
    if (!setDeploymentRevision(copy, revision)) return;
    const { status: _status, ...withoutStatus } = copy;
    const updated = await this.client.update<Deployment>(Resources.deployments, withoutStatus as Deployment);
    deployment.metadata = updated.metadata;
  }

  /** scaleReplicaSet: size and replica annotations in one update; an event when the size moved. */
  async scale(deployment: Deployment, rs: ReplicaSet, size: number): Promise<boolean> {
    const copy = structuredClone(rs);
    const from = replicasOf(rs);
    const annotationsChanged = setReplicasAnnotations(copy, replicasOf(deployment), replicasOf(deployment) + maxSurge(deployment));
    if (from === size && !annotationsChanged) return false;
    copy.spec.replicas = size;
    const updated = await this.client.update<ReplicaSet>(Resources.replicaSets, copy);
    Object.assign(rs, updated);
    if (from !== size) this.recorder.event(this.owner(deployment), 'Normal', 'ScalingReplicaSet', `Scaled ${size > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${size}`);
    return from !== size;
  }

  async applyPlan(deployment: Deployment, sets: readonly ReplicaSet[], plan: ScalePlan): Promise<boolean> {
    let scaled = false;
    for (const rs of sets) {
      const size = plan.get(rs.metadata.name!);
      if (size !== undefined && (await this.scale(deployment, rs, size))) scaled = true;
    }
    return scaled;
  }

  /** cleanupDeployment: delete the oldest empty old sets beyond revisionHistoryLimit. */
  async cleanup(deployment: Deployment, oldSets: readonly ReplicaSet[]): Promise<void> {
    const limit = deployment.spec.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT;
    const alive = oldSets.filter((rs) => !rs.metadata.deletionTimestamp);
    const excess = alive.length - limit;
    if (excess <= 0) return;
    const byRevision = [...alive].sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
    for (const rs of byRevision.slice(0, excess)) {
      const idle = (rs.status?.replicas ?? 0) === 0 && replicasOf(rs) === 0 && (rs.metadata.generation ?? 0) <= (rs.status?.observedGeneration ?? 0);
      if (!idle) continue;
      try {
        await this.client.delete(Resources.replicaSets, rs.metadata.namespace, rs.metadata.name!);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
  }

  /** Writes the status unless it is what the deployment already shows. */
  async writeStatus(deployment: Deployment, status: DeploymentStatus): Promise<void> {
    if (canonicalJson(deployment.status ?? {}) === canonicalJson(status)) return;
    const updated = await this.client.updateStatus<Deployment>(Resources.deployments, { ...deployment, status });
    deployment.metadata = updated.metadata;
    deployment.status = updated.status;
  }

  owner(deployment: Deployment): Deployment {
    return { ...deployment, apiVersion: 'apps/v1', kind: 'Deployment' };
  }
}
