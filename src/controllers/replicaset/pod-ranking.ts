// controller.ActivePodsWithRanks: which pods a scale-down removes first. Unscheduled before scheduled,
// Pending before Unknown before Running, not ready before ready, lower pod-deletion-cost first, pods doubled
// up on a node with related pods first, then ready for less time, more restarts, and newer.

import { isPodReady, podCondition } from '../shared/pod-util.js';
import type { Pod } from '../shared/types.js';

export const POD_DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';
const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

export interface RankedPod {
  pod: Pod;
  /** How many related active pods share its node. */
  rank: number;
}

const time = (value: string | undefined): number => (value ? Date.parse(value) : 0);
const deletionCost = (pod: Pod): number => Number(pod.metadata.annotations?.[POD_DELETION_COST_ANNOTATION] ?? 0) || 0;
const restarts = (pod: Pod): number => Math.max(0, ...(pod.status?.containerStatuses ?? []).map((status) => status.restartCount ?? 0));

/** Negative when `a` should be deleted before `b`. */
export function compareForDeletion(a: RankedPod, b: RankedPod): number {
  const assignedA = a.pod.spec?.nodeName ? 1 : 0;
  const assignedB = b.pod.spec?.nodeName ? 1 : 0;
  if (assignedA !== assignedB) return assignedA - assignedB;
  const phaseA = PHASE_ORDER[a.pod.status?.phase ?? 'Pending'] ?? 0;
  const phaseB = PHASE_ORDER[b.pod.status?.phase ?? 'Pending'] ?? 0;
  if (phaseA !== phaseB) return phaseA - phaseB;
  const readyA = isPodReady(a.pod) ? 1 : 0;
  const readyB = isPodReady(b.pod) ? 1 : 0;
  if (readyA !== readyB) return readyA - readyB;
  if (deletionCost(a.pod) !== deletionCost(b.pod)) return deletionCost(a.pod) - deletionCost(b.pod);
  if (a.rank !== b.rank) return b.rank - a.rank;
  if (readyA && readyB) {
    const sinceA = time(podCondition(a.pod, 'Ready')?.lastTransitionTime);
    const sinceB = time(podCondition(b.pod, 'Ready')?.lastTransitionTime);
    if (sinceA !== sinceB) return sinceB - sinceA;
  }
  if (restarts(a.pod) !== restarts(b.pod)) return restarts(b.pod) - restarts(a.pod);
  return time(b.pod.metadata.creationTimestamp) - time(a.pod.metadata.creationTimestamp);
}

/** getPodsToDelete: the `count` pods to remove, ranked against the related pods on their nodes. */
export function podsToDelete(pods: readonly Pod[], relatedPods: readonly Pod[], count: number): Pod[] {
  if (count >= pods.length) return [...pods];
  const perNode = new Map<string, number>();
  for (const pod of relatedPods) {
    const node = pod.spec?.nodeName;
    if (node && !pod.metadata.deletionTimestamp) perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  const ranked = pods.map((pod) => ({ pod, rank: pod.spec?.nodeName ? (perNode.get(pod.spec.nodeName) ?? 0) : 0 }));
  return ranked.sort(compareForDeletion).slice(0, count).map((entry) => entry.pod);
}
