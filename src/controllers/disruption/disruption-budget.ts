// The disruption controller's arithmetic (pkg/controller/disruption), pure: how many pods a
// PodDisruptionBudget expects and needs healthy (minAvailable / maxUnavailable, an int or a percent of
// the pods' controllers' scale), how many are healthy (Ready, not being deleted, not just evicted), and
// the status that follows, with its DisruptionAllowed condition.

import { controllerOf, type KubeObject, type LabelSelector, type ResourceRef } from '../../client/kube/index.js';
import { scaledValueFromIntOrPercent } from '../shared/int-or-percent.js';
import { isPodReady } from '../shared/pod-util.js';
import type { IntOrString, Pod } from '../shared/types.js';

export const PODDISRUPTIONBUDGETS: ResourceRef = { group: 'policy', version: 'v1', plural: 'poddisruptionbudgets', namespaced: true, kind: 'PodDisruptionBudget' };

/** An eviction the controller has not seen carried out within this long is forgotten (DeletionTimeout). */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export interface PodDisruptionBudgetStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: Condition[];
}

export interface PodDisruptionBudget extends KubeObject {
  spec: { minAvailable?: IntOrString; maxUnavailable?: IntOrString; selector?: LabelSelector | null; unhealthyPodEvictionPolicy?: string };
  status?: PodDisruptionBudgetStatus;
}

/** The scale of the workload controlling a pod, keyed by that workload's uid. */
export interface ControllerScale {
  uid: string;
  scale: number;
}

export interface ExpectedCount {
  expectedCount: number;
  desiredHealthy: number;
  /** Selected pods with no controller: a percent or maxUnavailable cannot account for them. */
  unmanagedPods: string[];
}

const metaTime = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** Whether the budget's percentages or maxUnavailable need the controllers' scale. */
export function needsScale(pdb: PodDisruptionBudget): boolean {
  return isSet(pdb.spec.maxUnavailable) || typeof pdb.spec.minAvailable === 'string';
}

const isSet = (value: IntOrString | undefined | null): value is IntOrString => value !== undefined && value !== null;

/**
 * getExpectedScale: the sum of the scales of the controllers of the pods (each counted once).
 * `scales` maps a pod's controllerRef uid to its workload's scale; a controller not found is an error.
 */
function expectedScale(pods: readonly Pod[], scales: ReadonlyMap<string, ControllerScale | undefined>): { expectedCount: number; unmanagedPods: string[] } {
  const byController = new Map<string, number>();
  const unmanagedPods: string[] = [];
  for (const pod of pods) {
    const ref = controllerOf(pod);
    if (!ref) {
      unmanagedPods.push(pod.metadata.name!);
      continue;
    }
    const found = scales.get(ref.uid);
    if (!found) throw new Error(`found no controllers for pod "${pod.metadata.name}"`);
    byController.set(found.uid, found.scale);
  }
  return { expectedCount: [...byController.values()].reduce((sum, n) => sum + n, 0), unmanagedPods };
}

/** getExpectedPodCount: maxUnavailable wins over minAvailable; an int minAvailable counts the pods themselves. */
export function expectedPodCount(pdb: PodDisruptionBudget, pods: readonly Pod[], scales: ReadonlyMap<string, ControllerScale | undefined>): ExpectedCount {
  const { maxUnavailable, minAvailable } = pdb.spec;
  if (isSet(maxUnavailable)) {
    const { expectedCount, unmanagedPods } = expectedScale(pods, scales);
    const desiredHealthy = Math.max(0, expectedCount - scaledValueFromIntOrPercent(maxUnavailable, expectedCount, true));
    return { expectedCount, desiredHealthy, unmanagedPods };
  }
  if (typeof minAvailable === 'number') return { expectedCount: pods.length, desiredHealthy: minAvailable, unmanagedPods: [] };
  if (typeof minAvailable === 'string') {
    const { expectedCount, unmanagedPods } = expectedScale(pods, scales);
    return { expectedCount, desiredHealthy: scaledValueFromIntOrPercent(minAvailable, expectedCount, true), unmanagedPods };
  }
  return { expectedCount: 0, desiredHealthy: 0, unmanagedPods: [] };
}

export interface DisruptedPods {
  /** Evicted pods still expected to go, by name, with the eviction time. */
  kept: Record<string, string>;
  /** When the earliest of them times out (a recheck is due then). */
  recheckAt?: number;
  /** Evicted pods that outlived the timeout (a NotDeleted event each). */
  notDeleted: Pod[];
}

/** buildDisruptedPodMap: the evictions still pending; the ones for pods gone or being deleted drop out. */
export function buildDisruptedPodMap(pdb: PodDisruptionBudget, pods: readonly Pod[], now: number): DisruptedPods {
  const recorded = pdb.status?.disruptedPods ?? {};
  const result: DisruptedPods = { kept: {}, notDeleted: [] };
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const evictedAt = recorded[pod.metadata.name!];
    if (evictedAt === undefined) continue;
    const expectedDeletion = Date.parse(evictedAt) + DELETION_TIMEOUT_MS;
    if (expectedDeletion < now) {
      result.notDeleted.push(pod);
    } else {
      result.kept[pod.metadata.name!] = evictedAt;
      if (result.recheckAt === undefined || expectedDeletion < result.recheckAt) result.recheckAt = expectedDeletion;
    }
  }
  return result;
}

/** countHealthyPods: Ready, not being deleted, and not evicted within the timeout. */
export function countHealthyPods(pods: readonly Pod[], disrupted: Readonly<Record<string, string>>, now: number): number {
  return pods.filter((pod) => {
    if (pod.metadata.deletionTimestamp) return false;
    const evictedAt = disrupted[pod.metadata.name!];
    if (evictedAt !== undefined && Date.parse(evictedAt) + DELETION_TIMEOUT_MS > now) return false;
    return isPodReady(pod);
  }).length;
}

/** apimeta.SetStatusCondition: the transition time moves only when the status does. */
export function setCondition(conditions: readonly Condition[], condition: Omit<Condition, 'lastTransitionTime'>, now: number): Condition[] {
  const existing = conditions.find((c) => c.type === condition.type);
  const lastTransitionTime = existing && existing.status === condition.status ? existing.lastTransitionTime : metaTime(now);
  const updated: Condition = { type: condition.type, status: condition.status, observedGeneration: condition.observedGeneration, lastTransitionTime, reason: condition.reason, message: condition.message };
  return existing ? conditions.map((c) => (c === existing ? updated : c)) : [...conditions, updated];
}

/** UpdateDisruptionAllowedCondition: True/SufficientPods when a disruption is allowed, else False/InsufficientPods. */
export function disruptionAllowedCondition(status: PodDisruptionBudgetStatus, now: number): Condition[] {
  const allowed = status.disruptionsAllowed > 0;
  const condition = { type: 'DisruptionAllowed', status: allowed ? 'True' : 'False', reason: allowed ? 'SufficientPods' : 'InsufficientPods', message: '', observedGeneration: status.observedGeneration } as const;
  return setCondition(status.conditions ?? [], condition, now);
}

/** ConditionsAreUpToDate. */
function conditionsUpToDate(pdb: PodDisruptionBudget): boolean {
  const status = pdb.status;
  const condition = status?.conditions?.find((c) => c.type === 'DisruptionAllowed');
  if (!status || !condition || status.observedGeneration !== pdb.metadata.generation) return false;
  return status.disruptionsAllowed > 0 ? condition.status === 'True' && condition.reason === 'SufficientPods' : condition.status === 'False' && condition.reason === 'InsufficientPods';
}

const sameMap = (a: Readonly<Record<string, string>> = {}, b: Readonly<Record<string, string>> = {}): boolean =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

/**
 * updatePdbStatus: the new status, or undefined when the stored one already says all this. Nothing is
 * allowed while no pods are expected, so a budget whose first pods appear before this runs is safe.
 */
export function nextStatus(pdb: PodDisruptionBudget, counts: { currentHealthy: number; desiredHealthy: number; expectedCount: number }, disruptedPods: Record<string, string>, now: number): PodDisruptionBudgetStatus | undefined {
  const { currentHealthy, desiredHealthy, expectedCount } = counts;
  const disruptionsAllowed = expectedCount <= 0 || currentHealthy - desiredHealthy <= 0 ? 0 : currentHealthy - desiredHealthy;
  const old = pdb.status;
  if (
    old &&
    old.currentHealthy === currentHealthy &&
    old.desiredHealthy === desiredHealthy &&
    old.expectedPods === expectedCount &&
    old.disruptionsAllowed === disruptionsAllowed &&
    sameMap(old.disruptedPods, disruptedPods) &&
    old.observedGeneration === pdb.metadata.generation &&
    conditionsUpToDate(pdb)
  ) {
    return undefined;
  }
  const status: PodDisruptionBudgetStatus = {
    observedGeneration: pdb.metadata.generation,
    ...(Object.keys(disruptedPods).length > 0 ? { disruptedPods } : {}),
    disruptionsAllowed,
    currentHealthy,
    desiredHealthy,
    expectedPods: expectedCount,
    conditions: old?.conditions ?? [],
  };
  return { ...status, conditions: disruptionAllowedCondition(status, now) };
}

/** failSafe: when the status cannot be worked out, allow nothing and say why (SyncFailed). */
export function failSafeStatus(pdb: PodDisruptionBudget, error: Error, now: number): PodDisruptionBudgetStatus {
  const old = pdb.status ?? { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 };
  const condition = { type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed', message: error.message, observedGeneration: old.observedGeneration } as const;
  return { ...old, disruptionsAllowed: 0, conditions: setCondition(old.conditions ?? [], condition, now) };
}
