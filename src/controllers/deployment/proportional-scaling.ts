// sync.go's scale(): when the deployment is resized mid-rollout, the extra (or missing) pods are spread
// over the active sets in proportion to their size, leftovers to the largest.

import { replicasOf, type Deployment, type ReplicaSet } from '../shared/types.js';
import { MAX_REPLICAS_ANNOTATION } from './annotations.js';
import { isRollingUpdate, maxSurge } from './fenceposts.js';
import { activeReplicaSets, bySizeNewer, bySizeOlder, findActiveOrLatest, isSaturated, specReplicaCount } from './replica-sets.js';
import type { ScalePlan } from './rolling-plan.js';

/** Go's math.Round: halves away from zero. */
function roundHalfAway(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value));
}

/** getReplicaSetFraction: the set's share of the change, from the deployment size it was last scaled for. */
function replicaSetFraction(rs: ReplicaSet, deployment: Deployment): number {
  const desired = replicasOf(deployment);
  if (desired === 0) return -replicasOf(rs);
  const maxReplicas = desired + maxSurge(deployment);
  let before = Number(rs.metadata.annotations?.[MAX_REPLICAS_ANNOTATION]);
  if (!Number.isInteger(before) || before === 0) {
    before = deployment.status?.replicas ?? 0;
    if (before === 0) return 0;
  }
  return roundHalfAway((replicasOf(rs) * maxReplicas) / before) - replicasOf(rs);
}

export function proportion(rs: ReplicaSet, deployment: Deployment, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, deployment);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** The sizes scale() would set; sets absent from the plan keep their size. */
export function proportionalScalePlan(deployment: Deployment, newSet: ReplicaSet | undefined, oldSets: readonly ReplicaSet[]): ScalePlan {
  const desired = replicasOf(deployment);
  const single = findActiveOrLatest(newSet, oldSets);
  if (single) return replicasOf(single) === desired ? new Map() : new Map([[single.metadata.name!, desired]]);
  if (isSaturated(deployment, newSet)) return new Map(activeReplicaSets(oldSets).map((rs) => [rs.metadata.name!, 0]));
  if (!isRollingUpdate(deployment)) return new Map();

  const sets = activeReplicaSets([...oldSets, newSet]);
  const allowedSize = desired > 0 ? desired + maxSurge(deployment) : 0;
  const toAdd = allowedSize - specReplicaCount(sets);
  if (toAdd > 0) sets.sort(bySizeNewer);
  else if (toAdd < 0) sets.sort(bySizeOlder);

  const sizes = new Map<string, number>();
  let added = 0;
  for (const rs of sets) {
    const share = proportion(rs, deployment, toAdd, added);
    sizes.set(rs.metadata.name!, replicasOf(rs) + share);
    added += share;
  }
  if (sets.length > 0 && toAdd !== 0) {
    const largest = sets[0]!.metadata.name!;
    sizes.set(largest, Math.max(0, sizes.get(largest)! + toAdd - added));
  }
  return sizes;
}
