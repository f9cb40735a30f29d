// rolling.go's arithmetic, as plans of new sizes (set name → replicas) the controller then applies.

import { replicasOf, type Deployment, type ReplicaSet } from '../shared/types.js';
import { maxUnavailable } from './fenceposts.js';
import { byCreation, specReplicaCount } from './replica-sets.js';

export type ScalePlan = Map<string, number>;

/**
 * How many old pods may go now: all pods minus the minimum that must stay available minus the new set's
 * pods that are not available yet (they may never become so, and must not count as capacity).
 */
export function maxOldScaleDown(deployment: Deployment, allSets: readonly ReplicaSet[], newSet: ReplicaSet): number {
  const minAvailable = replicasOf(deployment) - maxUnavailable(deployment);
  const newUnavailable = replicasOf(newSet) - (newSet.status?.availableReplicas ?? 0);
  return specReplicaCount(allSets) - minAvailable - newUnavailable;
}

/** cleanupUnhealthyReplicas: oldest first, drop each old set's unavailable pods, at most `maxCleanup` in all. */
export function cleanupUnhealthyPlan(oldSets: readonly ReplicaSet[], maxCleanup: number): ScalePlan {
  const plan: ScalePlan = new Map();
  let total = 0;
  for (const rs of [...oldSets].sort(byCreation)) {
    if (total >= maxCleanup) break;
    const replicas = replicasOf(rs);
    const unhealthy = replicas - (rs.status?.availableReplicas ?? 0);
    if (replicas === 0 || unhealthy <= 0) continue;
    const down = Math.min(maxCleanup - total, unhealthy);
    plan.set(rs.metadata.name!, replicas - down);
    total += down;
  }
  return plan;
}

/**
 * scaleDownOldReplicaSetsForRollingUpdate: oldest first, as far as availability above the minimum allows.
 * One step more careful than kube's: a set counts no more available pods than its size. A set scaled
 * down a moment ago still reports the pods it is deleting until its controller catches up, and kube,
 * counting them, may scale down again by as many, below maxUnavailable.
 */
export function scaleDownOldPlan(deployment: Deployment, allSets: readonly ReplicaSet[], oldSets: readonly ReplicaSet[]): ScalePlan {
  const plan: ScalePlan = new Map();
  const minAvailable = replicasOf(deployment) - maxUnavailable(deployment);
  const available = allSets.reduce((sum, rs) => sum + Math.min(replicasOf(rs), rs.status?.availableReplicas ?? 0), 0);
  if (available <= minAvailable) return plan;
  const allowed = available - minAvailable;
  let total = 0;
  for (const rs of [...oldSets].sort(byCreation)) {
    if (total >= allowed) break;
    const replicas = replicasOf(rs);
    if (replicas === 0) continue;
    const down = Math.min(replicas, allowed - total);
    plan.set(rs.metadata.name!, replicas - down);
    total += down;
  }
  return plan;
}

/** Both steps of reconcileOldReplicaSets, the second seeing the first's sizes. */
export function reconcileOldPlan(deployment: Deployment, newSet: ReplicaSet, oldSets: readonly ReplicaSet[]): ScalePlan {
  if (specReplicaCount(oldSets) === 0) return new Map();
  const maxScaledDown = maxOldScaleDown(deployment, [...oldSets, newSet], newSet);
  if (maxScaledDown <= 0) return new Map();
  const cleanup = cleanupUnhealthyPlan(oldSets, maxScaledDown);
  const cleaned = oldSets.map((rs) => (cleanup.has(rs.metadata.name!) ? { ...rs, spec: { ...rs.spec, replicas: cleanup.get(rs.metadata.name!) } } : rs));
  const scaleDown = scaleDownOldPlan(deployment, [...cleaned, newSet], cleaned);
  return new Map([...cleanup, ...scaleDown]);
}
