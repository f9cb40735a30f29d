// One cycle through the default profile: the first failing filter per node, weighted scores, host
// selection with an injected random tie-break, and the whole FailedScheduling message.

import { describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../../src/scheduler/node-info.js';
import { defaultProfile } from '../../../src/scheduler/profile.js';
import { schedulePod, selectHost } from '../../../src/scheduler/schedule-pod.js';
import type { Pod } from '../../../src/scheduler/types.js';
import { makeNode, makePod } from './fixtures.js';

const nodes = [
  makeNode('n1', { cpu: '2', memory: '4Gi', pods: '110' }),
  makeNode('n2', { cpu: '2', memory: '4Gi', pods: '110' }, { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }),
  makeNode('n3', { cpu: '1', memory: '4Gi', pods: '110' }),
];
const placed = (pod: Pod, node: string): Pod => ({ ...pod, spec: { ...pod.spec, nodeName: node } });

describe('schedulePod', () => {
  it("too big for every node: kube-scheduler's message", () => {
    const result = schedulePod(defaultProfile(), makePod('big', { cpu: '3' }), buildSnapshot(nodes, []));
    expect(result).toMatchObject({
      kind: 'unschedulable',
      message:
        '0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod..',
    });
  });

  it('names the filter that rejected each node, stopping at the first', () => {
    const result = schedulePod(defaultProfile(), makePod('p', { cpu: '3' }, { nodeSelector: { none: 'x' } }), buildSnapshot(nodes, []));
    if (result.kind !== 'unschedulable') throw new Error('expected unschedulable');
    expect([...result.nodeStatuses].map(([node, s]) => `${node}:${s.plugin}`)).toEqual(['n1:NodeAffinity', 'n2:TaintToleration', 'n3:NodeAffinity']);
  });

  it('lower-priority pods make room in the dry run: no preemption message', () => {
    const low = placed(makePod('low', { cpu: '1500m' }, { priority: -1 }), 'n1');
    const result = schedulePod(defaultProfile(), makePod('p', { cpu: '1' }, { priority: 10 }), buildSnapshot(nodes.slice(0, 1), [low]));
    expect(result).toMatchObject({ kind: 'unschedulable', message: '0/1 nodes are available: 1 Insufficient cpu.' });
  });

  it('prefers the emptier node (LeastAllocated, BalancedAllocation) and avoids PreferNoSchedule taints', () => {
    const busy = placed(makePod('busy', { cpu: '1', memory: '1Gi' }), 'n1');
    const snapshot = buildSnapshot([nodes[0]!, makeNode('n4', { cpu: '2', memory: '4Gi', pods: '110' })], [busy]);
    expect(schedulePod(defaultProfile(), makePod('p', { cpu: '100m' }), snapshot)).toMatchObject({ kind: 'scheduled', node: 'n4' });
    const soft = buildSnapshot([nodes[0]!, makeNode('n4', { cpu: '2', memory: '4Gi', pods: '110' }, { taints: [{ key: 'k', effect: 'PreferNoSchedule' }] })], []);
    expect(schedulePod(defaultProfile(), makePod('p', { cpu: '100m' }), soft)).toMatchObject({ kind: 'scheduled', node: 'n1' });
  });

  it('MostAllocated packs instead', () => {
    const busy = placed(makePod('busy', { cpu: '1', memory: '1Gi' }), 'n1');
    const snapshot = buildSnapshot([nodes[0]!, makeNode('n4', { cpu: '2', memory: '4Gi', pods: '110' })], [busy]);
    expect(schedulePod(defaultProfile({ scoringStrategy: 'MostAllocated' }), makePod('p', { cpu: '100m', memory: '100Mi' }), snapshot)).toMatchObject({ kind: 'scheduled', node: 'n1' });
  });

  it('room made for a nominated pod is kept from lesser pods, not from greater ones', () => {
    const nominee = { ...makePod('nominee', { cpu: '1500m' }, { priority: 100 }), metadata: { name: 'nominee', namespace: 'default', uid: 'u1' }, status: { nominatedNodeName: 'n1' } };
    const snapshot = buildSnapshot(nodes.slice(0, 1), []);
    expect(schedulePod(defaultProfile(), makePod('lesser', { cpu: '1' }, { priority: 10 }), snapshot, Math.random, [nominee])).toMatchObject({ kind: 'unschedulable', message: expect.stringMatching(/^0\/1 nodes are available: 1 Insufficient cpu\./) as unknown });
    expect(schedulePod(defaultProfile(), makePod('greater', { cpu: '1' }, { priority: 1000 }), snapshot, Math.random, [nominee])).toMatchObject({ kind: 'scheduled', node: 'n1' });
    expect(schedulePod(defaultProfile(), nominee, snapshot, Math.random, [nominee])).toMatchObject({ kind: 'scheduled', node: 'n1' });
  });

  it('a single feasible node is chosen without scoring', () => {
    const result = schedulePod(defaultProfile(), makePod('p', { cpu: '1500m' }), buildSnapshot(nodes, []));
    expect(result).toMatchObject({ kind: 'scheduled', node: 'n1', feasibleNodes: 1 });
  });
});

describe('selectHost', () => {
  const scores = new Map([
    ['a', 10],
    ['b', 30],
    ['c', 30],
    ['d', 5],
  ]);
  it.each([
    [0, 'c'],
    [0.99, 'b'],
  ])('ties broken by the random source (%s → %s)', (value, expected) => expect(selectHost(scores, () => value)).toBe(expected));
});
