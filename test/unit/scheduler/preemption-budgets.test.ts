// DefaultPreemption with PodDisruptionBudgets, table-driven as upstream's default_preemption_test.go
// "pdb" cases: victims whose removal would break a budget are reprieved first, the ones that still have
// to go are counted, and the node with the fewest violations wins.

import { describe, expect, it } from 'vitest';
import type { PodDisruptionBudget } from '../../../src/controllers/disruption/disruption-budget.js';
import { preempt, selectVictimsOnNode, splitByBudgetViolation } from '../../../src/scheduler/default-preemption.js';
import { buildSnapshot } from '../../../src/scheduler/node-info.js';
import { defaultProfile } from '../../../src/scheduler/profile.js';
import { runFilters } from '../../../src/scheduler/schedule-pod.js';
import type { Node, Pod } from '../../../src/scheduler/types.js';
import { makeNode, makePod } from './fixtures.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const profile = defaultProfile();
const filter = (p: Pod, info: Parameters<typeof runFilters>[3], trial: Parameters<typeof runFilters>[2]) => runFilters(profile, p, trial, info);
const node = (name: string): Node => makeNode(name, { cpu: '2', memory: '8Gi', pods: '110' });
const running = (name: string, nodeName: string, priority: number, labels: Record<string, string> = {}, startedSecondsAgo = 60): Pod => ({
  ...makePod(name, { cpu: '1' }, { priority, nodeName }, labels),
  status: { phase: 'Running', startTime: new Date(NOW - startedSecondsAgo * 1000).toISOString() },
});
const budget = (name: string, matchLabels: Record<string, string> | null, disruptionsAllowed: number, disruptedPods?: Record<string, string>, namespace = 'default'): PodDisruptionBudget => ({
  metadata: { name, namespace },
  spec: { selector: matchLabels === null ? null : { matchLabels } },
  status: { disruptionsAllowed, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, ...(disruptedPods ? { disruptedPods } : {}) },
});
const names = (pods: readonly Pod[]): string[] => pods.map((p) => p.metadata.name!);

describe('filterPodsWithPDBViolation', () => {
  const a = running('a', 'n1', 5, { app: 'web' });
  const b = running('b', 'n1', 4, { app: 'web' });
  const c = running('c', 'n1', 3, { app: 'db' });
  const bare = running('bare', 'n1', 2);
  it.each<[string, PodDisruptionBudget[], string[], string[]]>([
    ['no budgets: nothing violates', [], [], ['a', 'b', 'c', 'bare']],
    ['one disruption allowed: the second matching pod violates', [budget('web', { app: 'web' }, 1)], ['b'], ['a', 'c', 'bare']],
    ['none allowed: every matching pod violates', [budget('web', { app: 'web' }, 0)], ['a', 'b'], ['c', 'bare']],
    ['a pod already being evicted is not counted again', [budget('web', { app: 'web' }, 0, { a: '2026-01-01T00:00:00Z' })], ['b'], ['a', 'c', 'bare']],
    ['an empty selector guards nothing', [budget('all', {}, 0)], [], ['a', 'b', 'c', 'bare']],
    ['a missing selector guards nothing', [budget('none', null, 0)], [], ['a', 'b', 'c', 'bare']],
    ['a budget in another namespace guards nothing here', [budget('web', { app: 'web' }, 0, undefined, 'other')], [], ['a', 'b', 'c', 'bare']],
    ['each budget counts on its own', [budget('web', { app: 'web' }, 1), budget('db', { app: 'db' }, 0)], ['b', 'c'], ['a', 'bare']],
  ])('%s', (_, pdbs, violating, nonViolating) => {
    const split = splitByBudgetViolation([a, b, c, bare], pdbs);
    expect([names(split.violating), names(split.nonViolating)]).toEqual([violating, nonViolating]);
  });
});

describe('SelectVictimsOnNode with budgets', () => {
  const preemptor = makePod('p', { cpu: '1' }, { priority: 100 });
  const pods = [running('guarded', 'n1', 5, { app: 'web' }), running('free', 'n1', 10)];
  const snapshot = buildSnapshot([node('n1')], pods);

  it('without budgets the more important pod is reprieved', () => {
    const result = selectVictimsOnNode(preemptor, snapshot[0]!, snapshot, filter, NOW);
    expect(result).toMatchObject({ numPDBViolations: 0 });
    expect('victims' in result && names(result.victims)).toEqual(['guarded']);
  });

  it('a pod a budget protects is reprieved first, even if less important', () => {
    const result = selectVictimsOnNode(preemptor, snapshot[0]!, snapshot, filter, NOW, [budget('web', { app: 'web' }, 0)]);
    expect(result).toMatchObject({ numPDBViolations: 0 });
    expect('victims' in result && names(result.victims)).toEqual(['free']);
  });

  it('counts the protected victims that still have to go, most important first', () => {
    const big = makePod('big', { cpu: '2' }, { priority: 100 });
    const result = selectVictimsOnNode(big, snapshot[0]!, snapshot, filter, NOW, [budget('web', { app: 'web' }, 0)]);
    expect(result).toMatchObject({ numPDBViolations: 1 });
    expect('victims' in result && names(result.victims)).toEqual(['free', 'guarded']);
  });
});

describe('the node to preempt on', () => {
  // Equal victims on both nodes: without budgets the tie goes to the victim started last (n1's).
  const pods = [running('n1-v', 'n1', 5, { app: 'web' }, 10), running('n2-v', 'n2', 5, { app: 'batch' }, 600), running('n1-big', 'n1', 200), running('n2-big', 'n2', 200)];
  const snapshot = buildSnapshot([node('n1'), node('n2')], pods);
  const statuses = new Map([
    ['n1', { code: 'Unschedulable' as const, reasons: ['Insufficient cpu'] }],
    ['n2', { code: 'Unschedulable' as const, reasons: ['Insufficient cpu'] }],
  ]);
  const preemptor = makePod('p', { cpu: '1' }, { priority: 100 });

  it.each<[string, PodDisruptionBudget[], string, number]>([
    ['no budgets: the latest-started victim', [], 'n1', 0],
    ["a budget with room left: still n1's", [budget('web', { app: 'web' }, 1)], 'n1', 0],
    ["n1's victim would break its budget: n2", [budget('web', { app: 'web' }, 0)], 'n2', 0],
    ['both would break one: back to the latest-started victim', [budget('web', { app: 'web' }, 0), budget('batch', { app: 'batch' }, 0)], 'n1', 1],
  ])('%s', (_, pdbs, want, violations) => {
    const result = preempt(preemptor, snapshot, statuses, filter, NOW, pdbs);
    expect(result.kind === 'preempt' && [result.candidate.node, result.candidate.numPDBViolations]).toEqual([want, violations]);
  });
});
