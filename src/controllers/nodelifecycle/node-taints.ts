// Which taints a node's conditions call for (doNoScheduleTaintingPass, doNoExecuteTaintingPass), and the
// taint-eviction decision for a pod on a NoExecute-tainted node (tainteviction).

import { readyCondition } from './node-health.js';
import { TaintKeys, type Node, type Taint, type Toleration } from './node-types.js';

const CONDITION_TAINTS: Array<{ type: string; status: string; key: string }> = [
  { type: 'Ready', status: 'False', key: TaintKeys.notReady },
  { type: 'Ready', status: 'Unknown', key: TaintKeys.unreachable },
  { type: 'MemoryPressure', status: 'True', key: TaintKeys.memoryPressure },
  { type: 'DiskPressure', status: 'True', key: TaintKeys.diskPressure },
  { type: 'PIDPressure', status: 'True', key: TaintKeys.pidPressure },
  { type: 'NetworkUnavailable', status: 'True', key: TaintKeys.networkUnavailable },
];

/** Every NoSchedule taint the controller owns; these are applied at once. */
export const CONTROLLED_NO_SCHEDULE_KEYS = new Set([...CONDITION_TAINTS.map((entry) => entry.key), TaintKeys.unschedulable]);

export function desiredNoScheduleTaints(node: Node): Taint[] {
  const taints: Taint[] = [];
  for (const { type, status, key } of CONDITION_TAINTS) {
    if (node.status?.conditions?.some((condition) => condition.type === type && condition.status === status)) taints.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) taints.push({ key: TaintKeys.unschedulable, effect: 'NoSchedule' });
  return taints;
}

/** not-ready or unreachable NoExecute by the Ready condition; none while Ready. */
export function desiredNoExecuteTaint(node: Node): Taint | undefined {
  const ready = readyCondition(node);
  if (ready?.status === 'False') return { key: TaintKeys.notReady, effect: 'NoExecute' };
  if (ready?.status === 'Unknown') return { key: TaintKeys.unreachable, effect: 'NoExecute' };
  return undefined;
}

/** The node's taints with the controller's own NoSchedule ones replaced by `desired`; undefined if equal. */
export function reconcileNoScheduleTaints(node: Node, desired: readonly Taint[], now: string): Taint[] | undefined {
  const current = node.spec?.taints ?? [];
  const ours = current.filter((taint) => taint.effect === 'NoSchedule' && CONTROLLED_NO_SCHEDULE_KEYS.has(taint.key));
  const same = ours.length === desired.length && desired.every((taint) => ours.some((existing) => existing.key === taint.key));
  if (same) return undefined;
  const others = current.filter((taint) => !ours.includes(taint));
  return [...others, ...desired.map((taint) => ({ ...taint, timeAdded: now }))];
}

/** The node's taints with not-ready/unreachable NoExecute set to `desired` (or removed); undefined if equal. */
export function reconcileNoExecuteTaint(node: Node, desired: Taint | undefined, now: string): Taint[] | undefined {
  const current = node.spec?.taints ?? [];
  const isOurs = (taint: Taint): boolean => taint.effect === 'NoExecute' && (taint.key === TaintKeys.notReady || taint.key === TaintKeys.unreachable);
  const ours = current.filter(isOurs);
  if (desired ? ours.length === 1 && ours[0]!.key === desired.key : ours.length === 0) return undefined;
  return [...current.filter((taint) => !isOurs(taint)), ...(desired ? [{ ...desired, timeAdded: now }] : [])];
}

/** v1helper.TolerationsTolerateTaint: key (or Exists with no key), value for Equal, and effect (or any). */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  if (!toleration.key && toleration.operator !== 'Exists') return false;
  if (toleration.operator === 'Exists') return true;
  return (toleration.value ?? '') === (taint.value ?? '');
}

export type EvictionDecision = { evict: 'now' } | { evict: 'after'; delayMs: number } | { evict: 'never' };

/**
 * The pod goes at once if some NoExecute taint is not tolerated; otherwise after the smallest
 * tolerationSeconds (counted from when the taint was added) among the tolerations used; never if none
 * limits it.
 */
export function evictionDecision(tolerations: readonly Toleration[], taints: readonly Taint[], nowMs: number): EvictionDecision {
  const noExecute = taints.filter((taint) => taint.effect === 'NoExecute');
  if (noExecute.length === 0) return { evict: 'never' };
  let deadline = Infinity;
  for (const taint of noExecute) {
    const used = tolerations.filter((toleration) => tolerates(toleration, taint));
    if (used.length === 0) return { evict: 'now' };
    const seconds = Math.min(...used.map((toleration) => toleration.tolerationSeconds ?? Infinity));
    if (seconds === Infinity) continue;
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : nowMs;
    deadline = Math.min(deadline, added + Math.max(seconds, 0) * 1000);
  }
  if (deadline === Infinity) return { evict: 'never' };
  return deadline <= nowMs ? { evict: 'now' } : { evict: 'after', delayMs: deadline - nowMs };
}
