// The Deployment controller (deployment_controller.go, sync.go, rolling.go, recreate.go, progress.go):
// claims its ReplicaSets, then per sync either scales proportionally (a resize or a paused deployment) or
// rolls out by its strategy, and writes the status with the Available and Progressing conditions.

import { controllerOf, labelSelectorMatches, objectKey, Resources, runWorker, WorkQueue, type Informer } from '../../client/kube/index.js';
import { claimObjects, freshOwnerCheck } from '../shared/claim.js';
import type { Controller, ControllerContext } from '../shared/controller-context.js';
import { isPodActive } from '../shared/pod-util.js';
import { replicasOf, type Deployment, type Pod, type ReplicaSet } from '../shared/types.js';
import { DESIRED_REPLICAS_ANNOTATION } from './annotations.js';
import { getCondition, newCondition, Reasons, setCondition } from './conditions.js';
import { DeploymentSync } from './deployment-sync.js';
import { proportionalScalePlan } from './proportional-scaling.js';
import { activeReplicaSets, newRSNewReplicas } from './replica-sets.js';
import { reconcileOldPlan } from './rolling-plan.js';
import { calculateStatus, deploymentComplete, hasProgressDeadline, rolloutStatus } from './status.js';

const nowString = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export class DeploymentController implements Controller {
  private readonly queue = new WorkQueue<string>();
  private readonly deployments: Informer<Deployment>;
  private readonly sets: Informer<ReplicaSet>;
  private readonly pods: Informer<Pod>;
  private readonly sync: DeploymentSync;

  constructor(private readonly context: ControllerContext) {
    this.deployments = context.informers.for<Deployment>(Resources.deployments);
    this.sets = context.informers.for<ReplicaSet>(Resources.replicaSets);
    this.pods = context.informers.for<Pod>(Resources.pods);
    this.sync = new DeploymentSync(context.client, context.recorder('deployment-controller'));
    this.deployments.onAdd((d) => this.enqueue(d)).onUpdate((_, d) => this.enqueue(d)).onDelete((d) => this.enqueue(d));
    this.sets.onAdd((rs) => this.setChanged(rs)).onUpdate((old, rs) => {
      this.setChanged(rs);
      if (controllerOf(old)?.uid !== controllerOf(rs)?.uid) this.setChanged(old);
    }).onDelete((rs) => this.setChanged(rs));
    // Recreate waits for old pods to be gone.
    this.pods.onDelete((pod) => {
      const ref = controllerOf(pod);
      const rs = ref?.kind === 'ReplicaSet' ? this.sets.lister.get(pod.metadata.namespace, ref.name) : undefined;
      if (rs) this.setChanged(rs);
    });
  }

  async run(workers: number, signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => this.queue.shutdown(), { once: true });
    const onError = (key: string, error: unknown): void => this.context.log(`deployment-controller: sync ${key}: ${(error as Error).message}`);
    await Promise.all(Array.from({ length: workers }, () => runWorker(this.queue, (key) => this.syncDeployment(key), onError)));
  }

  private enqueue(deployment: Deployment): void {
    this.queue.add(objectKey(deployment));
  }

  private setChanged(rs: ReplicaSet): void {
    const ref = controllerOf(rs);
    if (ref) {
      if (ref.kind !== 'Deployment') return;
      const deployment = this.deployments.lister.get(rs.metadata.namespace, ref.name);
      if (deployment?.metadata.uid === ref.uid) this.enqueue(deployment);
      return;
    }
    for (const deployment of this.deployments.lister.list(undefined, rs.metadata.namespace)) {
      if (labelSelectorMatches(deployment.spec.selector, rs.metadata.labels ?? {})) this.enqueue(deployment);
    }
  }

  private async syncDeployment(key: string): Promise<void> {
    const slash = key.indexOf('/');
    const cached = this.deployments.lister.get(key.slice(0, slash), key.slice(slash + 1));
    if (!cached) return;
    const deployment = structuredClone(cached);
    const selector = deployment.spec.selector;
    if (!selector.matchLabels && !selector.matchExpressions) {
      this.context.recorder('deployment-controller').event(this.sync.owner(deployment), 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      return;
    }
    const sets = await claimObjects(this.sets.lister.ownedOrOrphaned(deployment), {
      client: this.context.client,
      owner: deployment,
      ownerApiVersion: 'apps/v1',
      ownerKind: 'Deployment',
      resource: Resources.replicaSets,
      matches: (rs) => labelSelectorMatches(selector, rs.metadata.labels ?? {}),
      canAdopt: freshOwnerCheck(this.context.client, Resources.deployments, deployment),
    });
    if (deployment.metadata.deletionTimestamp) return this.syncStatusOnly(deployment, sets);
    await this.checkPausedConditions(deployment);
    if (deployment.spec.paused || this.isScalingEvent(deployment, sets)) return this.scaleAndSync(deployment, sets);
    if (deployment.spec.strategy?.type === 'Recreate') return this.rolloutRecreate(deployment, sets);
    return this.rolloutRolling(deployment, sets);
  }

  /** A resize: some active set was last sized for another desired count. */
  private isScalingEvent(deployment: Deployment, sets: readonly ReplicaSet[]): boolean {
    const { newSet, oldSets } = this.sync.split(deployment, sets);
    return activeReplicaSets([newSet, ...oldSets]).some((rs) => {
      const desired = rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION];
      return desired !== undefined && Number(desired) !== replicasOf(deployment);
    });
  }

  private async checkPausedConditions(deployment: Deployment): Promise<void> {
    if (!hasProgressDeadline(deployment)) return;
    const condition = getCondition(deployment.status, 'Progressing');
    if (condition?.reason === Reasons.timedOut) return;
    const paused = deployment.spec.paused === true;
    const status = structuredClone(deployment.status ?? {});
    if (paused && condition?.reason !== Reasons.paused) {
      setCondition(status, newCondition('Progressing', 'Unknown', Reasons.paused, 'Deployment is paused', nowString()));
    } else if (!paused && condition?.reason === Reasons.paused) {
      setCondition(status, newCondition('Progressing', 'Unknown', Reasons.resumed, 'Deployment is resumed', nowString()));
    } else {
      return;
    }
    await this.sync.writeStatus(deployment, status);
  }

  private async syncStatusOnly(deployment: Deployment, sets: readonly ReplicaSet[]): Promise<void> {
    const { newSet, oldSets } = await this.sync.syncRevision(deployment, sets, false);
    await this.sync.writeStatus(deployment, calculateStatus(deployment, [...oldSets, ...(newSet ? [newSet] : [])], newSet, nowString()));
  }

  /** sync(): proportional scaling, history cleanup when paused, then the plain status. */
  private async scaleAndSync(deployment: Deployment, sets: readonly ReplicaSet[]): Promise<void> {
    const { newSet, oldSets } = await this.sync.syncRevision(deployment, sets, false);
    const all = [...oldSets, ...(newSet ? [newSet] : [])];
    await this.sync.applyPlan(deployment, all, proportionalScalePlan(deployment, newSet, oldSets));
    if (deployment.spec.paused) await this.sync.cleanup(deployment, oldSets);
    await this.sync.writeStatus(deployment, calculateStatus(deployment, all, newSet, nowString()));
  }

  private async rolloutRolling(deployment: Deployment, sets: readonly ReplicaSet[]): Promise<void> {
    const { newSet, oldSets } = await this.sync.syncRevision(deployment, sets, true);
    const all = [...oldSets, newSet!];
    const desired = replicasOf(deployment);
    const target = replicasOf(newSet!) > desired ? desired : newRSNewReplicas(deployment, all, newSet!);
    if (await this.sync.scale(deployment, newSet!, target)) return this.syncRolloutStatus(deployment, all, newSet);
    if (await this.sync.applyPlan(deployment, oldSets, reconcileOldPlan(deployment, newSet!, oldSets))) return this.syncRolloutStatus(deployment, all, newSet);
    if (deploymentComplete(deployment, deployment.status ?? {})) await this.sync.cleanup(deployment, oldSets);
    return this.syncRolloutStatus(deployment, all, newSet);
  }

  /** Recreate: old sets to zero, wait until none of their pods run, then the new set to full size. */
  private async rolloutRecreate(deployment: Deployment, sets: readonly ReplicaSet[]): Promise<void> {
    let { newSet, oldSets } = await this.sync.syncRevision(deployment, sets, false);
    const all = (): ReplicaSet[] => [...oldSets, ...(newSet ? [newSet] : [])];
    const zeroes = new Map(activeReplicaSets(oldSets).map((rs) => [rs.metadata.name!, 0]));
    if (await this.sync.applyPlan(deployment, oldSets, zeroes)) return this.syncRolloutStatus(deployment, all(), newSet);
    if (this.oldPodsRunning(oldSets)) return this.syncRolloutStatus(deployment, all(), newSet);
    if (!newSet) ({ newSet, oldSets } = await this.sync.syncRevision(deployment, sets, true));
    if (await this.sync.scale(deployment, newSet!, replicasOf(deployment))) return this.syncRolloutStatus(deployment, all(), newSet);
    if (deploymentComplete(deployment, deployment.status ?? {})) await this.sync.cleanup(deployment, oldSets);
    return this.syncRolloutStatus(deployment, all(), newSet);
  }

  private oldPodsRunning(oldSets: readonly ReplicaSet[]): boolean {
    if (oldSets.some((rs) => (rs.status?.replicas ?? 0) > 0)) return true;
    return oldSets.some((rs) => this.pods.lister.controlledBy(rs).some(isPodActive));
  }

  private async syncRolloutStatus(deployment: Deployment, all: readonly ReplicaSet[], newSet: ReplicaSet | undefined): Promise<void> {
    const status = rolloutStatus(deployment, all, newSet, Date.now());
    await this.sync.writeStatus(deployment, status);
    this.requeueStuck(deployment);
  }

  /** requeueStuckDeployment: look again when the progress deadline would pass. */
  private requeueStuck(deployment: Deployment): void {
    const condition = getCondition(deployment.status, 'Progressing');
    if (!hasProgressDeadline(deployment) || !condition || condition.reason === Reasons.newRSAvailable || condition.reason === Reasons.timedOut) return;
    if (deploymentComplete(deployment, deployment.status ?? {})) return;
    const after = Date.parse(condition.lastUpdateTime ?? '') + deployment.spec.progressDeadlineSeconds! * 1000 - Date.now();
    this.queue.addAfter(objectKey(deployment), Math.max(after, 0) + 1000);
  }
}
