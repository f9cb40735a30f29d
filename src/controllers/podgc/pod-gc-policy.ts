// Which pods the pod garbage collector removes (podgc/gc_controller.go): terminated pods beyond the
// threshold, oldest first; pods bound to nodes that no longer exist; unscheduled pods being deleted.

import type { Pod } from '../shared/types.js';

const TERMINATED_PHASES = new Set(['Succeeded', 'Failed']);

const created = (pod: Pod): number => Date.parse(pod.metadata.creationTimestamp ?? '') || 0;
const evicted = (pod: Pod): boolean => pod.status?.['reason'] === 'Evicted';

/** Terminated pods past `threshold` (0 disables), evicted ones first, then the oldest. */
export function terminatedPodsToDelete(pods: readonly Pod[], threshold: number): Pod[] {
  if (threshold <= 0) return [];
  const terminated = pods.filter((pod) => TERMINATED_PHASES.has(pod.status?.phase ?? '') && !pod.metadata.deletionTimestamp);
  const excess = terminated.length - threshold;
  if (excess <= 0) return [];
  const order = (a: Pod, b: Pod): number => Number(evicted(b)) - Number(evicted(a)) || created(a) - created(b);
  return [...terminated].sort(order).slice(0, excess);
}

/** Pods bound to a node absent from `nodeNames` (to be confirmed by a live read before deleting). */
export function podsOnMissingNodes(pods: readonly Pod[], nodeNames: ReadonlySet<string>): Pod[] {
  return pods.filter((pod) => pod.spec?.nodeName && !nodeNames.has(pod.spec.nodeName));
}

/** Pods being deleted that no kubelet will ever finish: never scheduled. */
export function unscheduledTerminatingPods(pods: readonly Pod[]): Pod[] {
  return pods.filter((pod) => pod.metadata.deletionTimestamp && !pod.spec?.nodeName);
}
