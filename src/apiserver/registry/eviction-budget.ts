// What the eviction subresource asks of PodDisruptionBudgets (kube's EvictionREST): which budgets guard
// a pod, whether an unready pod may go without spending the budget, and checkAndDecrement, which
// either refuses with 429 TooManyRequests (kube's Status and DisruptionBudget cause) or takes one
// disruption and records the pod in status.disruptedPods for the disruption controller to see.

import { StatusError } from '../errors/status.js';
import { selectorIsEmpty, selectorMatches } from '../resources/label-selector.js';
import type { KubeObject } from '../schema/types.js';
import { timestamp } from './object-meta.js';

/** More evictions than this unconfirmed by the disruption controller: refuse (MaxDisruptedPodSize). */
export const MAX_DISRUPTED_POD_SIZE = 2000;

export const VIOLATES_BUDGET = "Cannot evict pod as it would violate the pod's disruption budget.";

interface BudgetStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  conditions?: Array<{ type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string; observedGeneration?: number }>;
}

interface Budget {
  metadata?: KubeObject['metadata'];
  spec?: { selector?: Record<string, unknown>; unhealthyPodEvictionPolicy?: string };
  status?: BudgetStatus;
}

const statusOf = (pdb: KubeObject): BudgetStatus => (pdb as Budget).status ?? {};

/** getPodDisruptionBudgets: a budget with a missing or empty selector guards nothing here. */
export function budgetsFor(pod: KubeObject, pdbs: readonly KubeObject[]): KubeObject[] {
  return pdbs.filter((pdb) => {
    const selector = (pdb as Budget).spec?.selector;
    return pdb.metadata?.namespace === pod.metadata?.namespace && selector !== undefined && !selectorIsEmpty(selector) && selectorMatches(selector, pod.metadata?.labels);
  });
}

function tooManyRequests(message: string, causeMessage: string, retryAfterSeconds?: number): StatusError {
  return new StatusError(429, 'TooManyRequests', message, { causes: [{ reason: 'DisruptionBudget', message: causeMessage }], ...(retryAfterSeconds ? { retryAfterSeconds } : {}) });
}

/** The budget's status is behind its spec: come back in ten seconds (createTooManyRequestsError). */
export function budgetBeingProcessed(name: string): StatusError {
  return tooManyRequests(VIOLATES_BUDGET, `The disruption budget ${name} is still being processed by the server.`, 10);
}

function forbiddenBudget(name: string, why: string): StatusError {
  return new StatusError(403, 'Forbidden', `poddisruptionbudget.policy "${name}" is forbidden: ${why}`, { name, group: 'policy', kind: 'poddisruptionbudget' });
}

/**
 * An unready pod goes without spending a disruption when the budget says AlwaysAllow, or when the
 * application it guards is healthy enough anyway (IfHealthyBudget, the default).
 */
export function unhealthyPodMayGo(pdb: KubeObject, podReady: boolean): boolean {
  if (podReady) return false;
  if ((pdb as Budget).spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow') return true;
  const { currentHealthy = 0, desiredHealthy = 0 } = statusOf(pdb);
  return currentHealthy >= desiredHealthy && desiredHealthy > 0;
}

/**
 * checkAndDecrement on the stored budget: the budget with one disruption fewer and the pod recorded
 * (unchanged on a dry run), or the refusal.
 */
export function checkAndDecrement(pdb: KubeObject, podName: string, dryRun: boolean, now: Date): KubeObject {
  const name = pdb.metadata?.name ?? '';
  const status = statusOf(pdb);
  const allowed = status.disruptionsAllowed ?? 0;
  if ((status.observedGeneration ?? 0) < (pdb.metadata?.generation ?? 0)) throw budgetBeingProcessed(name);
  if (allowed < 0) throw forbiddenBudget(name, 'pdb disruptions allowed is negative');
  if (Object.keys(status.disruptedPods ?? {}).length > MAX_DISRUPTED_POD_SIZE) throw forbiddenBudget(name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
  if (allowed === 0) {
    throw tooManyRequests(VIOLATES_BUDGET, `The disruption budget ${name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently`);
  }
  if (dryRun) return pdb;
  const next: BudgetStatus = { ...status, disruptionsAllowed: allowed - 1, disruptedPods: { ...(status.disruptedPods ?? {}), [podName]: timestamp(now) } };
  if (next.disruptionsAllowed === 0) {
    // The last allowed disruption taken: DisruptionAllowed turns False/InsufficientPods at once.
    const conditions = status.conditions ?? [];
    const previous = conditions.find((c) => c.type === 'DisruptionAllowed');
    const since = previous?.status === 'False' && previous.lastTransitionTime ? previous.lastTransitionTime : timestamp(now);
    const condition = { type: 'DisruptionAllowed', status: 'False', ...(status.observedGeneration ? { observedGeneration: status.observedGeneration } : {}), lastTransitionTime: since, reason: 'InsufficientPods', message: '' };
    next.conditions = previous ? conditions.map((c) => (c === previous ? condition : c)) : [...conditions, condition];
  }
  return { ...pdb, status: next };
}
