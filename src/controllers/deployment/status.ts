// calculateStatus and syncRolloutStatus (sync.go, progress.go) as pure functions of the sets and the time.

import { replicasOf, type Deployment, type DeploymentStatus, type ReplicaSet } from '../shared/types.js';
import { getCondition, newCondition, Reasons, removeCondition, setCondition } from './conditions.js';
import { maxUnavailable } from './fenceposts.js';
import { actualReplicaCount, availableReplicaCount, readyReplicaCount, specReplicaCount } from './replica-sets.js';

const NO_DEADLINE = 2 ** 31 - 1;

export function hasProgressDeadline(deployment: Deployment): boolean {
  const seconds = deployment.spec.progressDeadlineSeconds;
  return seconds !== undefined && seconds !== NO_DEADLINE;
}

/** Counts from the sets, the deployment's conditions copied, Available set from the minimum availability. */
export function calculateStatus(deployment: Deployment, allSets: readonly ReplicaSet[], newSet: ReplicaSet | undefined, now: string): DeploymentStatus {
  const available = availableReplicaCount(allSets);
  const status: DeploymentStatus = {
    observedGeneration: deployment.metadata.generation,
    replicas: actualReplicaCount(allSets),
    updatedReplicas: actualReplicaCount([newSet]),
    readyReplicas: readyReplicaCount(allSets),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, specReplicaCount(allSets) - available),
    conditions: (deployment.status?.conditions ?? []).map((condition) => ({ ...condition })),
  };
  if (deployment.status?.collisionCount !== undefined) status.collisionCount = deployment.status.collisionCount;
  if (available >= replicasOf(deployment) - maxUnavailable(deployment)) {
    setCondition(status, newCondition('Available', 'True', Reasons.minimumReplicasAvailable, 'Deployment has minimum availability.', now));
  } else {
    setCondition(status, newCondition('Available', 'False', Reasons.minimumReplicasUnavailable, 'Deployment does not have minimum availability.', now));
  }
  return status;
}

/** Every replica updated and available, and the latest spec observed. */
export function deploymentComplete(deployment: Deployment, status: DeploymentStatus): boolean {
  const desired = replicasOf(deployment);
  return status.updatedReplicas === desired && status.replicas === desired && status.availableReplicas === desired && (status.observedGeneration ?? 0) >= (deployment.metadata.generation ?? 0);
}

/** Some progress since the last status: more updated, ready or available pods, or fewer old ones. */
export function deploymentProgressing(deployment: Deployment, status: DeploymentStatus): boolean {
  const old = deployment.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (status.replicas ?? 0) - (status.updatedReplicas ?? 0);
  return (status.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || (status.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || newOld < oldOld || (status.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

/** No progress for progressDeadlineSeconds since the Progressing condition last changed. */
export function deploymentTimedOut(deployment: Deployment, nowMs: number): boolean {
  if (!hasProgressDeadline(deployment)) return false;
  const condition = getCondition(deployment.status, 'Progressing');
  if (!condition || condition.reason === Reasons.newRSAvailable) return false;
  if (condition.reason === Reasons.timedOut) return true;
  const from = Date.parse(condition.lastUpdateTime ?? '');
  return from + deployment.spec.progressDeadlineSeconds! * 1000 < nowMs;
}

/** syncRolloutStatus's new status: calculateStatus plus the Progressing condition. */
export function rolloutStatus(deployment: Deployment, allSets: readonly ReplicaSet[], newSet: ReplicaSet | undefined, nowMs: number): DeploymentStatus {
  const now = new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const status = calculateStatus(deployment, allSets, newSet, now);
  if (!hasProgressDeadline(deployment)) removeCondition(status, 'Progressing');
  const current = getCondition(deployment.status, 'Progressing');
  const complete = status.replicas === status.updatedReplicas && current?.reason === Reasons.newRSAvailable;
  if (!hasProgressDeadline(deployment) || complete) return status;
  const subject = newSet ? `ReplicaSet "${newSet.metadata.name}"` : `Deployment "${deployment.metadata.name}"`;
  if (deploymentComplete(deployment, status)) {
    setCondition(status, newCondition('Progressing', 'True', Reasons.newRSAvailable, `${subject} has successfully progressed.`, now));
  } else if (deploymentProgressing(deployment, status)) {
    const condition = newCondition('Progressing', 'True', Reasons.replicaSetUpdated, `${subject} is progressing.`, now);
    if (current?.status === 'True') condition.lastTransitionTime = current.lastTransitionTime;
    removeCondition(status, 'Progressing');
    setCondition(status, condition);
  } else if (deploymentTimedOut(deployment, nowMs)) {
    setCondition(status, newCondition('Progressing', 'False', Reasons.timedOut, `${subject} has timed out progressing.`, now));
  }
  return status;
}
