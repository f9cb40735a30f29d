// percentageOfNodesToScore as kube-scheduler applies it: how many feasible nodes a cycle looks for
// (numFeasibleNodesToFind, the table of kube's TestNumFeasibleNodesToFind and the adaptive share at the
// sizes density runs use), and the round-robin start (nextStartNodeIndex) across cycles.

import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../../src/scheduler/node-info.js';
import { nextStartNodeIndex, numFeasibleNodesToFind } from '../../../src/scheduler/nodes-to-score.js';
import { defaultProfile } from '../../../src/scheduler/profile.js';
import { schedulePod, type ScheduleResult } from '../../../src/scheduler/schedule-pod.js';
import { makeNode, makePod } from './fixtures.js';

describe('numFeasibleNodesToFind', () => {
  // [profile percentage, global percentage, nodes, wanted], by what decides.
  const allOfASmallCluster = [[undefined, 0, 10, 10], [40, 0, 10, 10], [undefined, 0, 99, 99]] as const;
  const adaptive = [[undefined, 0, 100, 100], [undefined, 0, 300, 144], [undefined, 0, 1000, 420], [undefined, 0, 5000, 500], [undefined, 0, 6000, 300], [0, 100, 1000, 420]] as const;
  const profileOverGlobal = [[40, 0, 1000, 400], [40, 100, 1000, 400], [40, 0, 6000, 2400]] as const;
  const globalAndTheFloor = [[undefined, 100, 1000, 1000], [undefined, 10, 500, 100], [undefined, 1, 20000, 200]] as const;
  it.each([...allOfASmallCluster, ...adaptive, ...profileOverGlobal, ...globalAndTheFloor])('profile %s, global %s, %s nodes: %s', (profile, global, nodes, wanted) => {
    expect(numFeasibleNodesToFind(profile, global, nodes)).toBe(wanted);
  });
});

describe('nextStartNodeIndex', () => {
  it.each([
    [0, 420, 1000, 420],
    [900, 420, 1000, 320],
    [7, 1000, 1000, 7],
    [0, 0, 0, 0],
  ])('from %s past %s of %s nodes: %s', (start, processed, nodes, next) => expect(nextStartNodeIndex(start, processed, nodes)).toBe(next));
});

describe('schedulePod with percentageOfNodesToScore', () => {
  const nodes = Array.from({ length: 300 }, (_, i) => makeNode(`n${String(i).padStart(3, '0')}`));
  const snapshot = buildSnapshot(nodes, []);
  const scheduled = (result: ScheduleResult): Extract<ScheduleResult, { kind: 'scheduled' }> => {
    if (result.kind !== 'scheduled') throw new Error(`expected scheduled, got ${result.message}`);
    return result;
  };

  it('scores only the adaptive share of 300 nodes, starting where the last cycle stopped', () => {
    const first = scheduled(schedulePod(defaultProfile(), makePod('a', { cpu: '100m' }), snapshot, () => 0, [], [], { startIndex: 0, percentageOfNodesToScore: 0 }));
    expect(first).toMatchObject({ feasibleNodes: 144, evaluatedNodes: 144 });
    expect([...first.scores.keys()].slice(0, 2)).toEqual(['n000', 'n001']);
    const cycle = (start: number): string[] => [...scheduled(schedulePod(defaultProfile(), makePod('b', { cpu: '100m' }), snapshot, () => 0, [], [], { startIndex: start, percentageOfNodesToScore: 0 })).scores.keys()];
    const second = cycle(nextStartNodeIndex(0, 144, 300));
    expect([second[0], second.at(-1)]).toEqual(['n144', 'n287']);
    // The third goes round the end: 288..299, then 0..131.
    const third = cycle(nextStartNodeIndex(144, 144, 300));
    expect([third[0], third[11], third[12], third.at(-1), third.length]).toEqual(['n288', 'n299', 'n000', 'n131', 144]);
  });

  it('counts the nodes that failed filters among those evaluated', () => {
    const tainted = nodes.map((node, i) => (i % 2 === 0 ? makeNode(node.metadata.name!, undefined, { taints: [{ key: 'k', effect: 'NoSchedule' }] }) : node));
    const result = scheduled(schedulePod(defaultProfile(), makePod('p', { cpu: '100m' }), buildSnapshot(tainted, []), () => 0, [], [], { startIndex: 0, percentageOfNodesToScore: 0 }));
    expect(result).toMatchObject({ feasibleNodes: 144, evaluatedNodes: 288 });
  });

  it('the profile percentage wins over the global one; 100 scores every node', () => {
    expect(scheduled(schedulePod(defaultProfile({ percentageOfNodesToScore: 100 }), makePod('p'), snapshot, () => 0, [], [], { startIndex: 5, percentageOfNodesToScore: 10 })).feasibleNodes).toBe(300);
    expect(scheduled(schedulePod(defaultProfile(), makePod('p'), snapshot, () => 0, [], [], { startIndex: 5, percentageOfNodesToScore: 100 })).feasibleNodes).toBe(300);
  });

  it('with no feasible node every node is looked at, and the FitError counts them all', () => {
    const result = schedulePod(defaultProfile(), makePod('big', { cpu: '64' }), snapshot, () => 0, [], [], { startIndex: 17, percentageOfNodesToScore: 0 });
    expect(result).toMatchObject({ kind: 'unschedulable', message: expect.stringMatching(/^0\/300 nodes are available: 300 Insufficient cpu\./) as unknown });
  });
});
