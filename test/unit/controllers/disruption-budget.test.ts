// The disruption controller's arithmetic, table-driven as upstream's disruption_test.go: expected and
// desired pod counts for minAvailable / maxUnavailable as ints and percents of the controllers' scale,
// healthy pods, pending evictions, and the status (with its DisruptionAllowed condition) that follows.

import { describe, expect, it } from 'vitest';
import {
  buildDisruptedPodMap,
  countHealthyPods,
  expectedPodCount,
  failSafeStatus,
  needsScale,
  nextStatus,
  type ControllerScale,
  type PodDisruptionBudget,
} from '../../../src/controllers/disruption/disruption-budget.js';
import type { IntOrString, Pod } from '../../../src/controllers/shared/types.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const ago = (seconds: number): string => new Date(NOW - seconds * 1000).toISOString().replace('.000Z', 'Z');

function pdb(spec: { minAvailable?: IntOrString; maxUnavailable?: IntOrString }, status?: PodDisruptionBudget['status'], generation = 1): PodDisruptionBudget {
  return { metadata: { name: 'web', namespace: 'default', generation }, spec: { ...spec, selector: { matchLabels: { app: 'web' } } }, ...(status ? { status } : {}) };
}

function pod(name: string, options: { ready?: boolean; owner?: string; deleting?: boolean } = {}): Pod {
  const { ready = true, owner = 'rs-1', deleting = false } = options;
  return {
    metadata: {
      name,
      namespace: 'default',
      labels: { app: 'web' },
      ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, uid: `${owner}-uid`, controller: true }] } : {}),
      ...(deleting ? { deletionTimestamp: ago(0) } : {}),
    },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

const pods = (n: number, owner = 'rs-1'): Pod[] => Array.from({ length: n }, (_, i) => pod(`p${i}`, { owner }));
/** rs-1 belongs to a Deployment of `scale`; rs-2 is a bare ReplicaSet of 2. */
const scales = (scale: number): Map<string, ControllerScale | undefined> =>
  new Map([
    ['rs-1-uid', { uid: 'deploy-uid', scale }],
    ['rs-old-uid', { uid: 'deploy-uid', scale }],
    ['rs-2-uid', { uid: 'rs-2-uid', scale: 2 }],
  ]);

describe('expected and desired pods', () => {
  it.each<[string, { minAvailable?: IntOrString; maxUnavailable?: IntOrString }, Pod[], number, { expectedCount: number; desiredHealthy: number; unmanagedPods: string[] }]>([
    ['minAvailable int: the pods themselves are expected', { minAvailable: 2 }, pods(3), 5, { expectedCount: 3, desiredHealthy: 2, unmanagedPods: [] }],
    ['minAvailable percent of the deployment scale, rounded up', { minAvailable: '50%' }, pods(3), 5, { expectedCount: 5, desiredHealthy: 3, unmanagedPods: [] }],
    ['maxUnavailable int', { maxUnavailable: 1 }, pods(3), 4, { expectedCount: 4, desiredHealthy: 3, unmanagedPods: [] }],
    ['maxUnavailable percent, rounded up', { maxUnavailable: '30%' }, pods(3), 4, { expectedCount: 4, desiredHealthy: 2, unmanagedPods: [] }],
    ['maxUnavailable above the scale: nothing is needed', { maxUnavailable: 10 }, pods(3), 3, { expectedCount: 3, desiredHealthy: 0, unmanagedPods: [] }],
    ['maxUnavailable wins over minAvailable', { minAvailable: 3, maxUnavailable: 2 }, pods(3), 3, { expectedCount: 3, desiredHealthy: 1, unmanagedPods: [] }],
    [
      'two ReplicaSets of one Deployment count the Deployment once',
      { maxUnavailable: 0 },
      [...pods(2), pod('old', { owner: 'rs-old' })],
      3,
      { expectedCount: 3, desiredHealthy: 3, unmanagedPods: [] },
    ],
    ['two controllers add up', { maxUnavailable: 1 }, [...pods(3), pod('other', { owner: 'rs-2' })], 3, { expectedCount: 5, desiredHealthy: 4, unmanagedPods: [] }],
    ['pods without a controller are reported', { maxUnavailable: 1 }, [...pods(2), pod('bare', { owner: '' })], 2, { expectedCount: 2, desiredHealthy: 1, unmanagedPods: ['bare'] }],
    ['neither set: nothing expected', {}, pods(3), 3, { expectedCount: 0, desiredHealthy: 0, unmanagedPods: [] }],
  ])('%s', (_, spec, selected, scale, want) => {
    expect(expectedPodCount(pdb(spec), selected, scales(scale))).toEqual(want);
  });

  it.each<[{ minAvailable?: IntOrString; maxUnavailable?: IntOrString }, boolean]>([
    [{ minAvailable: 2 }, false],
    [{ minAvailable: '50%' }, true],
    [{ maxUnavailable: 1 }, true],
    [{}, false],
  ])('%j needs the scale: %s', (spec, want) => {
    expect(needsScale(pdb(spec))).toBe(want);
  });

  it('fails when a pod names a controller that cannot be found', () => {
    expect(() => expectedPodCount(pdb({ maxUnavailable: 1 }), [pod('lost', { owner: 'gone' })], scales(3))).toThrow('found no controllers for pod "lost"');
  });

  it('fails on a percent that is not one', () => {
    expect(() => expectedPodCount(pdb({ minAvailable: 'half' }), pods(2), scales(2))).toThrow('invalid value for IntOrString: invalid type: string is not a percentage');
  });
});

describe('healthy pods and pending evictions', () => {
  it('counts ready pods that are neither being deleted nor just evicted', () => {
    const selected = [pod('a'), pod('b', { ready: false }), pod('c', { deleting: true }), pod('d'), pod('e')];
    expect(countHealthyPods(selected, { d: ago(30), e: ago(200) }, NOW)).toBe(2);
  });

  it('keeps evictions younger than two minutes, reports older ones, and forgets pods gone or going', () => {
    const budget = pdb({ minAvailable: 1 }, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, disruptedPods: { young: ago(30), younger: ago(10), old: ago(150), going: ago(5), gone: ago(5) } });
    const result = buildDisruptedPodMap(budget, [pod('young'), pod('younger'), pod('old'), pod('going', { deleting: true }), pod('other')], NOW);
    expect(result.kept).toEqual({ young: ago(30), younger: ago(10) });
    expect(result.notDeleted.map((p) => p.metadata.name)).toEqual(['old']);
    expect(result.recheckAt).toBe(NOW - 30_000 + 120_000);
  });
});

describe('status', () => {
  const counts = (currentHealthy: number, desiredHealthy: number, expectedCount: number) => ({ currentHealthy, desiredHealthy, expectedCount });

  it.each<[string, ReturnType<typeof counts>, number, 'True' | 'False', string]>([
    ['one more healthy than needed: one disruption', counts(3, 2, 3), 1, 'True', 'SufficientPods'],
    ['exactly as many as needed: none', counts(2, 2, 3), 0, 'False', 'InsufficientPods'],
    ['fewer than needed: none, never negative', counts(1, 2, 3), 0, 'False', 'InsufficientPods'],
    ['no pods expected yet: none, whatever is healthy', counts(3, 0, 0), 0, 'False', 'InsufficientPods'],
  ])('%s', (_, c, allowed, conditionStatus, reason) => {
    const status = nextStatus(pdb({ minAvailable: 2 }, undefined, 4), c, {}, NOW)!;
    expect(status).toEqual({
      observedGeneration: 4,
      disruptionsAllowed: allowed,
      currentHealthy: c.currentHealthy,
      desiredHealthy: c.desiredHealthy,
      expectedPods: c.expectedCount,
      conditions: [{ type: 'DisruptionAllowed', status: conditionStatus, observedGeneration: 4, lastTransitionTime: '2026-01-01T12:00:00Z', reason, message: '' }],
    });
  });

  it('writes nothing when the stored status already says it all', () => {
    const first = nextStatus(pdb({ minAvailable: 2 }), counts(3, 2, 3), { p1: ago(5) }, NOW)!;
    expect(first.disruptedPods).toEqual({ p1: ago(5) });
    expect(nextStatus(pdb({ minAvailable: 2 }, first), counts(3, 2, 3), { p1: ago(5) }, NOW + 1000)).toBeUndefined();
    // A new generation is observed even when the numbers stay.
    expect(nextStatus(pdb({ minAvailable: 2 }, first, 2), counts(3, 2, 3), { p1: ago(5) }, NOW)?.observedGeneration).toBe(2);
  });

  it('moves the condition transition time only when its status changes', () => {
    const allowed = nextStatus(pdb({ minAvailable: 2 }), counts(3, 2, 3), {}, NOW)!;
    const stillAllowed = nextStatus(pdb({ minAvailable: 2 }, allowed), counts(4, 2, 4), {}, NOW + 60_000)!;
    expect(stillAllowed.conditions![0]!.lastTransitionTime).toBe('2026-01-01T12:00:00Z');
    const refused = nextStatus(pdb({ minAvailable: 2 }, stillAllowed), counts(2, 2, 4), {}, NOW + 120_000)!;
    expect(refused.conditions![0]).toMatchObject({ status: 'False', reason: 'InsufficientPods', lastTransitionTime: '2026-01-01T12:02:00Z' });
  });

  it('fails safe: nothing allowed, SyncFailed with the error', () => {
    const allowed = nextStatus(pdb({ minAvailable: 2 }), counts(3, 2, 3), {}, NOW)!;
    const status = failSafeStatus(pdb({ maxUnavailable: 1 }, allowed), new Error('found no controllers for pod "x"'), NOW + 5000);
    expect(status).toMatchObject({ disruptionsAllowed: 0, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 });
    expect(status.conditions).toEqual([{ type: 'DisruptionAllowed', status: 'False', observedGeneration: 1, lastTransitionTime: '2026-01-01T12:00:05Z', reason: 'SyncFailed', message: 'found no controllers for pod "x"' }]);
  });
});
