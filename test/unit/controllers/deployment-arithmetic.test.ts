import { describe, expect, it } from 'vitest';
import { maxSurge, maxUnavailable, resolveFenceposts } from '../../../src/controllers/deployment/fenceposts.js';
import { proportionalScalePlan } from '../../../src/controllers/deployment/proportional-scaling.js';
import { findActiveOrLatest, newRSNewReplicas } from '../../../src/controllers/deployment/replica-sets.js';
import { reconcileOldPlan } from '../../../src/controllers/deployment/rolling-plan.js';
import type { Deployment, IntOrString, ReplicaSet } from '../../../src/controllers/shared/types.js';

function deployment(replicas: number, surge: IntOrString = '25%', unavailable: IntOrString = '25%', type: 'RollingUpdate' | 'Recreate' = 'RollingUpdate', statusReplicas = 0): Deployment {
  return {
    metadata: { name: 'web', namespace: 'default', generation: 1 },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: {}, strategy: { type, rollingUpdate: type === 'Recreate' ? undefined : { maxSurge: surge, maxUnavailable: unavailable } } },
    status: { replicas: statusReplicas },
  };
}

function rs(name: string, replicas: number, available = replicas, created = '2026-01-01T00:00:00Z', maxReplicas?: number): ReplicaSet {
  return {
    metadata: { name, namespace: 'default', creationTimestamp: created, annotations: maxReplicas === undefined ? {} : { 'deployment.kubernetes.io/max-replicas': String(maxReplicas) } },
    spec: { replicas, selector: {}, template: {} },
    status: { replicas, availableReplicas: available, readyReplicas: available },
  };
}

describe('resolveFenceposts', () => {
  it.each([
    { surge: '25%', unavailable: '25%', desired: 10, want: { surge: 3, unavailable: 2 } },
    { surge: 0, unavailable: 0, desired: 10, want: { surge: 0, unavailable: 1 } },
    { surge: '0%', unavailable: '0%', desired: 0, want: { surge: 0, unavailable: 1 } },
    { surge: '50%', unavailable: '50%', desired: 3, want: { surge: 2, unavailable: 1 } },
    { surge: 1, unavailable: 0, desired: 5, want: { surge: 1, unavailable: 0 } },
    { surge: '10%', unavailable: '10%', desired: 1, want: { surge: 1, unavailable: 0 } },
    { surge: '1%', unavailable: '1%', desired: 0, want: { surge: 0, unavailable: 1 } },
  ])('surge $surge, unavailable $unavailable of $desired', ({ surge, unavailable, desired, want }) => {
    expect(resolveFenceposts(surge, unavailable, desired)).toEqual(want);
  });

  it('rejects a string that is not a percentage', () => {
    expect(() => resolveFenceposts('3', 0, 10)).toThrow('string is not a percentage');
  });

  it('caps maxUnavailable at the desired count and is 0 for Recreate', () => {
    expect(maxUnavailable(deployment(2, 0, 5))).toBe(2);
    expect(maxUnavailable(deployment(2, 0, 5, 'Recreate'))).toBe(0);
    expect(maxSurge(deployment(2, 0, 5, 'Recreate'))).toBe(0);
    expect(maxUnavailable(deployment(0, 0, 5))).toBe(0);
  });
});

describe('newRSNewReplicas', () => {
  it.each([
    { name: 'first surge step', d: deployment(10), sets: [rs('old', 10)], newSize: 0, want: 3 },
    { name: 'at the surge limit', d: deployment(10), sets: [rs('old', 10)], newSize: 3, want: 3 },
    { name: 'never past the desired count', d: deployment(10), sets: [rs('old', 2)], newSize: 8, want: 10 },
    { name: 'no surge, no growth until old shrink', d: deployment(4, 0, 1), sets: [rs('old', 4)], newSize: 0, want: 0 },
    { name: 'recreate jumps to desired', d: deployment(5, 0, 0, 'Recreate'), sets: [rs('old', 0)], newSize: 0, want: 5 },
  ])('$name', ({ d, sets, newSize, want }) => {
    const newSet = rs('new', newSize, 0);
    expect(newRSNewReplicas(d, [...sets, newSet], newSet)).toBe(want);
  });
});

describe('reconcileOldPlan (cleanup unhealthy, then scale down)', () => {
  it.each([
    { name: 'scales old down by what availability allows', d: deployment(10), old: [rs('old', 10)], newSet: rs('new', 3, 0), want: { old: 8 } },
    { name: 'unhealthy pods go first and count', d: deployment(10), old: [rs('old', 10, 7)], newSet: rs('new', 3, 0), want: { old: 8 } },
    { name: 'oldest set first', d: deployment(10), old: [rs('b', 5, 5, '2026-01-02T00:00:00Z'), rs('a', 5, 5, '2026-01-01T00:00:00Z')], newSet: rs('new', 0, 0), want: { a: 3 } },
    { name: 'nothing while new pods are unavailable', d: deployment(4, 1, 0), old: [rs('old', 4)], newSet: rs('new', 1, 0), want: {} },
    { name: 'new pods available let old go', d: deployment(4, 1, 0), old: [rs('old', 4)], newSet: rs('new', 1, 1), want: { old: 3 } },
    { name: 'unhealthy cleanup is bounded by the new set\'s unavailable pods', d: deployment(3, 1, 1), old: [rs('old', 3, 0)], newSet: rs('new', 1, 0), want: { old: 2 } },
    { name: 'unhealthy old pods all go once the new set is available', d: deployment(3, 1, 1), old: [rs('old', 3, 0)], newSet: rs('new', 1, 1), want: { old: 1 } },
    // The old set was just scaled 10 → 9 and still reports 10 available: the pod it is deleting is not capacity.
    { name: 'a set counts no more available pods than its size', d: deployment(10, 3, 1), old: [{ ...rs('old', 9), status: { replicas: 10, availableReplicas: 10 } }], newSet: rs('new', 3, 1), want: { old: 8 } },
  ])('$name', ({ d, old, newSet, want }) => {
    expect(Object.fromEntries(reconcileOldPlan(d, newSet, old))).toEqual(want);
  });
});

describe('proportionalScalePlan', () => {
  it('spreads a scale-up over the active sets by size', () => {
    const d = deployment(20, 3, 0, 'RollingUpdate', 13);
    const plan = proportionalScalePlan(d, rs('new', 5, 0, '2026-01-02T00:00:00Z', 13), [rs('old', 8, 8, '2026-01-01T00:00:00Z', 13)]);
    expect(Object.fromEntries(plan)).toEqual({ old: 14, new: 9 });
  });

  it('spreads a scale-down the same way', () => {
    const d = deployment(10, 3, 0, 'RollingUpdate', 23);
    const plan = proportionalScalePlan(d, rs('new', 9, 0, '2026-01-02T00:00:00Z', 23), [rs('old', 14, 14, '2026-01-01T00:00:00Z', 23)]);
    expect(Object.fromEntries(plan)).toEqual({ old: 8, new: 5 });
  });

  it('gives leftovers to the largest set', () => {
    const d = deployment(11, 0, 1, 'RollingUpdate', 10);
    const plan = proportionalScalePlan(d, rs('new', 5, 0, '2026-01-02T00:00:00Z', 10), [rs('old', 5, 5, '2026-01-01T00:00:00Z', 10)]);
    // Both sets round 5.5 up to 6, the second is capped at the 1 left; the sizes sum to the target.
    expect(Object.fromEntries(plan)).toEqual({ new: 6, old: 5 });
  });

  it('scales a lone active set straight to the desired count', () => {
    const plan = proportionalScalePlan(deployment(7), rs('new', 3, 3), [rs('old', 0, 0)]);
    expect(Object.fromEntries(plan)).toEqual({ new: 7 });
  });

  it('findActiveOrLatest picks the newest when none is active', () => {
    const older = rs('a', 0, 0, '2026-01-01T00:00:00Z');
    const newer = rs('b', 0, 0, '2026-01-03T00:00:00Z');
    expect(findActiveOrLatest(undefined, [older, newer])?.metadata.name).toBe('b');
    expect(findActiveOrLatest(rs('n', 1), [rs('o', 1)])).toBeUndefined();
  });
});
