// Counting and ordering a deployment's ReplicaSets (deploymentutil and controller_utils' sort orders).

import { replicasOf, type Deployment, type ReplicaSet } from '../shared/types.js';
import { maxSurge } from './fenceposts.js';
import { DESIRED_REPLICAS_ANNOTATION } from './annotations.js';

const specReplicas = (rs: ReplicaSet): number => replicasOf(rs);

export function specReplicaCount(sets: readonly (ReplicaSet | undefined)[]): number {
  return sets.reduce((sum, rs) => sum + (rs ? specReplicas(rs) : 0), 0);
}

export function actualReplicaCount(sets: readonly (ReplicaSet | undefined)[]): number {
  return sets.reduce((sum, rs) => sum + (rs?.status?.replicas ?? 0), 0);
}

export function readyReplicaCount(sets: readonly (ReplicaSet | undefined)[]): number {
  return sets.reduce((sum, rs) => sum + (rs?.status?.readyReplicas ?? 0), 0);
}

export function availableReplicaCount(sets: readonly (ReplicaSet | undefined)[]): number {
  return sets.reduce((sum, rs) => sum + (rs?.status?.availableReplicas ?? 0), 0);
}

/** Sets with spec.replicas > 0. */
export function activeReplicaSets(sets: readonly (ReplicaSet | undefined)[]): ReplicaSet[] {
  return sets.filter((rs): rs is ReplicaSet => rs !== undefined && specReplicas(rs) > 0);
}

function created(rs: ReplicaSet): number {
  return Date.parse(rs.metadata.creationTimestamp ?? '') || 0;
}

/** ReplicaSetsByCreationTimestamp: oldest first, names breaking ties. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const delta = created(a) - created(b);
  return delta !== 0 ? delta : (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

/** ReplicaSetsBySizeNewer: largest first, then newest. */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  return specReplicas(b) - specReplicas(a) || byCreation(b, a);
}

/** ReplicaSetsBySizeOlder: largest first, then oldest. */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  return specReplicas(b) - specReplicas(a) || byCreation(a, b);
}

/**
 * NewRSNewReplicas: Recreate jumps to the desired count; a rolling update grows the new set up to
 * replicas + maxSurge pods in all, never past the desired count.
 */
export function newRSNewReplicas(deployment: Deployment, allSets: readonly ReplicaSet[], newSet: ReplicaSet): number {
  const desired = replicasOf(deployment);
  if (deployment.spec.strategy?.type === 'Recreate') return desired;
  const maxTotal = desired + maxSurge(deployment);
  const current = specReplicaCount(allSets);
  if (current >= maxTotal) return specReplicas(newSet);
  const scaleUp = Math.min(maxTotal - current, desired - specReplicas(newSet));
  return specReplicas(newSet) + scaleUp;
}

/** The new set runs exactly the desired count, all of them available. */
export function isSaturated(deployment: Deployment, newSet: ReplicaSet | undefined): boolean {
  if (!newSet) return false;
  const desired = replicasOf(deployment);
  const annotated = Number(newSet.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION]);
  return specReplicas(newSet) === desired && annotated === desired && (newSet.status?.availableReplicas ?? 0) === desired;
}

/** The one active set, or the newest when none is active; undefined when several are. */
export function findActiveOrLatest(newSet: ReplicaSet | undefined, oldSets: readonly ReplicaSet[]): ReplicaSet | undefined {
  if (!newSet && oldSets.length === 0) return undefined;
  const newestFirst = [...oldSets].sort((a, b) => byCreation(b, a));
  const active = activeReplicaSets([...newestFirst, newSet]);
  if (active.length === 0) return newSet ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}
