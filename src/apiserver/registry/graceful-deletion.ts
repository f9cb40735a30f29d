// How long an object lingers once deleted, as kube-apiserver's BeforeDelete decides: a pod bound to a
// node and still running gets its grace period (the kubelet finishes the delete); an object with
// finalizers waits for them, including the garbage collector's `orphan` and `foregroundDeletion` that
// the delete's propagation policy asks for; anything else goes at once.

import type { KubeObject, ResourceSpec } from '../schema/types.js';

const DEFAULT_POD_GRACE_SECONDS = 30;

/** Seconds of grace the delete gets; 0 deletes at once (unless finalizers hold it). */
export function graceSeconds(spec: ResourceSpec, obj: KubeObject, requested: number | undefined): number {
  if (spec.group !== '' || spec.kind !== 'Pod') return 0;
  const podSpec = (obj['spec'] ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = (obj['status'] as { phase?: string } | undefined)?.phase;
  // Unscheduled and finished pods have nothing to stop.
  if (!podSpec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  const grace = requested ?? podSpec.terminationGracePeriodSeconds ?? DEFAULT_POD_GRACE_SECONDS;
  // A pod already being deleted keeps the shorter of its deadline and the new one.
  const current = obj.metadata?.deletionGracePeriodSeconds;
  return current !== undefined ? Math.min(current, grace) : grace;
}

/** Whether the delete leaves the object in place, marked with a deletionTimestamp. */
export function deletionPending(finalizers: readonly string[], grace: number): boolean {
  return grace > 0 || finalizers.length > 0;
}

const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';

/**
 * The finalizers an object keeps when deleted (deletionFinalizersForGarbageCollection): Orphan adds
 * `orphan`, Foreground `foregroundDeletion`, Background neither (each drops the others); without a
 * policy a garbage-collection finalizer already there stands. Unchanged sets come back as they were.
 */
export function finalizersForDelete(finalizers: readonly string[], policy: 'Background' | 'Foreground' | 'Orphan' | undefined): readonly string[] {
  const standing = finalizers.find((f) => f === ORPHAN || f === FOREGROUND);
  const orphan = policy ? policy === 'Orphan' : standing === ORPHAN;
  const foreground = policy ? policy === 'Foreground' : standing === FOREGROUND;
  const next = [...finalizers.filter((f) => f !== ORPHAN && f !== FOREGROUND), ...(orphan ? [ORPHAN] : []), ...(foreground ? [FOREGROUND] : [])];
  const same = next.length === new Set(finalizers).size && next.every((f) => finalizers.includes(f));
  return same ? finalizers : next;
}
