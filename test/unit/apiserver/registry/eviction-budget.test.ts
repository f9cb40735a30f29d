// What pods/eviction asks of PodDisruptionBudgets, as kube's EvictionREST: which budgets guard a pod,
// when an unready pod may go for free, and checkAndDecrement's refusals (429 with kube's Status and
// DisruptionBudget cause, 403) and its bookkeeping (one disruption fewer, the pod in disruptedPods).

import { describe, expect, it } from 'vitest';
import { StatusError } from '../../../../src/apiserver/errors/status.js';
import { budgetsFor, checkAndDecrement, unhealthyPodMayGo } from '../../../../src/apiserver/registry/eviction-budget.js';
import type { KubeObject } from '../../../../src/apiserver/schema/types.js';

const NOW = new Date('2026-01-01T12:00:00Z');

function pdb(status: Record<string, unknown>, extra: { name?: string; selector?: Record<string, unknown>; generation?: number; namespace?: string; policy?: string } = {}): KubeObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: extra.name ?? 'web', namespace: extra.namespace ?? 'default', generation: extra.generation ?? 1 },
    spec: { selector: extra.selector ?? { matchLabels: { app: 'web' } }, ...(extra.policy ? { unhealthyPodEvictionPolicy: extra.policy } : {}) },
    status: { observedGeneration: 1, ...status },
  };
}

const pod: KubeObject = { metadata: { name: 'web-1', namespace: 'default', labels: { app: 'web', tier: 'front' } } };

function refusal(fn: () => unknown): Record<string, unknown> {
  try {
    fn();
  } catch (error) {
    if (error instanceof StatusError) return error.toStatus();
    throw error;
  }
  throw new Error('no refusal');
}

describe('budgets guarding a pod', () => {
  it('matches by selector in the pod namespace; a missing or empty selector guards nothing', () => {
    const budgets = [
      pdb({}, { name: 'match' }),
      pdb({}, { name: 'expression', selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] } }),
      pdb({}, { name: 'empty', selector: {} }),
      pdb({}, { name: 'other-labels', selector: { matchLabels: { app: 'db' } } }),
      pdb({}, { name: 'other-namespace', namespace: 'kube-system' }),
    ];
    expect(budgetsFor(pod, budgets).map((b) => b.metadata?.name)).toEqual(['match', 'expression']);
  });
});

describe('unready pods', () => {
  it.each<[string, boolean, Record<string, unknown>, string | undefined, boolean]>([
    ['a ready pod always spends the budget', true, { currentHealthy: 3, desiredHealthy: 2 }, undefined, false],
    ['unready, the application healthy enough: free', false, { currentHealthy: 2, desiredHealthy: 2 }, undefined, true],
    ['unready, the application short: spends (and is refused)', false, { currentHealthy: 1, desiredHealthy: 2 }, undefined, false],
    ['unready, nothing desired: spends', false, { currentHealthy: 0, desiredHealthy: 0 }, undefined, false],
    ['unready with AlwaysAllow: free', false, { currentHealthy: 0, desiredHealthy: 2 }, 'AlwaysAllow', true],
    ['unready with IfHealthyBudget, short: spends', false, { currentHealthy: 1, desiredHealthy: 2 }, 'IfHealthyBudget', false],
  ])('%s', (_, ready, status, policy, want) => {
    expect(unhealthyPodMayGo(pdb(status, policy ? { policy } : {}), ready)).toBe(want);
  });
});

describe('checkAndDecrement', () => {
  it('takes one disruption and records the pod', () => {
    const budget = pdb({ disruptionsAllowed: 2, currentHealthy: 3, desiredHealthy: 1, expectedPods: 3, disruptedPods: { 'web-0': '2026-01-01T11:59:50Z' } });
    expect(checkAndDecrement(budget, 'web-1', false, NOW)['status']).toEqual({
      observedGeneration: 1,
      disruptionsAllowed: 1,
      currentHealthy: 3,
      desiredHealthy: 1,
      expectedPods: 3,
      disruptedPods: { 'web-0': '2026-01-01T11:59:50Z', 'web-1': '2026-01-01T12:00:00Z' },
    });
  });

  it('turns DisruptionAllowed False when it takes the last one', () => {
    const condition = { type: 'DisruptionAllowed', status: 'True', observedGeneration: 1, lastTransitionTime: '2026-01-01T11:00:00Z', reason: 'SufficientPods', message: '' };
    const status = checkAndDecrement(pdb({ disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, conditions: [condition] }), 'web-1', false, NOW)['status'] as { conditions: unknown[] };
    expect(status.conditions).toEqual([{ type: 'DisruptionAllowed', status: 'False', observedGeneration: 1, lastTransitionTime: '2026-01-01T12:00:00Z', reason: 'InsufficientPods', message: '' }]);
  });

  it('changes nothing on a dry run', () => {
    const budget = pdb({ disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2 });
    expect(checkAndDecrement(budget, 'web-1', true, NOW)).toBe(budget);
  });

  it('refuses with 429 and the DisruptionBudget cause when no disruption is allowed', () => {
    expect(refusal(() => checkAndDecrement(pdb({ disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2 }), 'web-1', false, NOW))).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      reason: 'TooManyRequests',
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 2 currently' }] },
      code: 429,
    });
  });

  it('asks to come back in 10 s while the controller has not seen the latest spec', () => {
    expect(refusal(() => checkAndDecrement(pdb({ disruptionsAllowed: 3 }, { generation: 2 }), 'web-1', false, NOW))).toMatchObject({
      code: 429,
      reason: 'TooManyRequests',
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web is still being processed by the server.' }], retryAfterSeconds: 10 },
    });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a negative allowance', { disruptionsAllowed: -1 }, 'poddisruptionbudget.policy "web" is forbidden: pdb disruptions allowed is negative'],
    [
      'too many unconfirmed evictions',
      { disruptionsAllowed: 5, disruptedPods: Object.fromEntries(Array.from({ length: 2001 }, (_, i) => [`p${i}`, '2026-01-01T11:59:00Z'])) },
      'poddisruptionbudget.policy "web" is forbidden: DisruptedPods map too big - too many evictions not confirmed by PDB controller',
    ],
  ])('forbids %s', (_, status, message) => {
    expect(refusal(() => checkAndDecrement(pdb(status), 'web-1', false, NOW))).toMatchObject({ code: 403, reason: 'Forbidden', message });
  });
});
