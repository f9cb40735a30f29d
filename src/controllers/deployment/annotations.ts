// The annotations a deployment and its ReplicaSets carry (deploymentutil), and revision bookkeeping.

import { replicasOf, type Deployment, type ReplicaSet } from '../shared/types.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
const ROLLBACK_TO_ANNOTATION = 'deprecated.deployment.rollback.to';

/** The sets' revision-history list is kept under this many characters, as the controller's default. */
export const MAX_REVISION_HISTORY_CHARS = 2000;

/** Annotations that are the controller's own and never copied from the deployment to its sets. */
const SKIPPED = new Set([LAST_APPLIED_ANNOTATION, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION, DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, ROLLBACK_TO_ANNOTATION]);

export function revisionOf(object: { metadata: { annotations?: Record<string, string> } }): number {
  const value = Number(object.metadata.annotations?.[REVISION_ANNOTATION] ?? '0');
  return Number.isInteger(value) ? value : 0;
}

export function maxRevision(sets: readonly ReplicaSet[]): number {
  return sets.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0);
}

/** Copies the deployment's annotations onto the set (mutates); true when something changed. */
function copyDeploymentAnnotations(deployment: Deployment, rs: ReplicaSet): boolean {
  const target = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [key, value] of Object.entries(deployment.metadata.annotations ?? {})) {
    if (SKIPPED.has(key) || target[key] === value) continue;
    target[key] = value;
    changed = true;
  }
  return changed;
}

/** desired-replicas and max-replicas on a set (mutates); true when something changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const target = (rs.metadata.annotations ??= {});
  const changed = target[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || target[MAX_REPLICAS_ANNOTATION] !== String(max);
  target[DESIRED_REPLICAS_ANNOTATION] = String(desired);
  target[MAX_REPLICAS_ANNOTATION] = String(max);
  return changed;
}

/**
 * SetNewReplicaSetAnnotations (mutates): deployment annotations copied, the new revision set, and when a
 * set that had a revision is brought back (a rollback) its old revision appended to revision-history,
 * oldest dropped past the character limit. A set about to be created also gets the replica annotations.
 */
export function setNewReplicaSetAnnotations(deployment: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean, surge: number, historyLimitChars = MAX_REVISION_HISTORY_CHARS): boolean {
  let changed = copyDeploymentAnnotations(deployment, rs);
  const annotations = (rs.metadata.annotations ??= {});
  const oldRevision = annotations[REVISION_ANNOTATION];
  const oldRevisionNumber = Number(oldRevision ?? '0');
  if (oldRevisionNumber < newRevision) {
    annotations[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (oldRevision !== undefined) appendRevisionHistory(annotations, oldRevision, historyLimitChars);
  }
  const desired = replicasOf(deployment);
  if (!exists && setReplicasAnnotations(rs, desired, desired + surge)) changed = true;
  return changed;
}

function appendRevisionHistory(annotations: Record<string, string>, oldRevision: string, limit: number): void {
  const history = annotations[REVISION_HISTORY_ANNOTATION] ?? '';
  if (history === '') {
    annotations[REVISION_HISTORY_ANNOTATION] = oldRevision;
    return;
  }
  const revisions = history.split(',');
  let total = history.length + oldRevision.length + 1;
  let start = 0;
  while (total > limit && start < revisions.length) {
    total -= revisions[start]!.length + 1;
    start++;
  }
  if (total <= limit) annotations[REVISION_HISTORY_ANNOTATION] = [...revisions.slice(start), oldRevision].join(',');
}

/** The deployment's own revision annotation (mutates); true when it changed. */
export function setDeploymentRevision(deployment: Deployment, revision: string): boolean {
  const annotations = (deployment.metadata.annotations ??= {});
  if (annotations[REVISION_ANNOTATION] === revision) return false;
  annotations[REVISION_ANNOTATION] = revision;
  return true;
}
