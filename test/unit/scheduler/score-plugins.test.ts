// NodeResourcesFit (LeastAllocated, MostAllocated), BalancedAllocation, NodeAffinity and TaintToleration
// scores, normalized as upstream's plugins do; the expected values follow upstream's arithmetic.

import { describe, expect, it } from 'vitest';
import { defaultNormalizeScore, type Plugin } from '../../../src/scheduler/framework.js';
import { balancedAllocation } from '../../../src/scheduler/plugins/balanced-allocation.js';
import { nodeAffinity } from '../../../src/scheduler/plugins/node-affinity.js';
import { nodeResourcesFit } from '../../../src/scheduler/plugins/node-resources-fit.js';
import { taintToleration } from '../../../src/scheduler/plugins/taint-toleration.js';
import type { Node, Pod } from '../../../src/scheduler/types.js';
import { info, makeNode, makePod } from './fixtures.js';

function scores(plugin: Plugin, pod: Pod, nodes: Array<[Node, Pod[]]>): number[] {
  const snapshot = nodes.map(([node, pods]) => info(node, pods));
  return plugin.forPod(pod, snapshot).score!(snapshot);
}

// Upstream's table: node1 4000m/10000, node2 6000m/10000, the pod asking 3000m and 5000 bytes.
const node1 = makeNode('node1', { cpu: '4000m', memory: '10000', pods: '110' });
const node2 = makeNode('node2', { cpu: '6000m', memory: '10000', pods: '110' });
const cpuAndMemory = makePod('p', { cpu: '3000m', memory: '5000' });

describe('NodeResourcesFit scores', () => {
  it.each([
    ['LeastAllocated, differently sized nodes', 'LeastAllocated', cpuAndMemory, [37, 50]],
    ['MostAllocated, differently sized nodes', 'MostAllocated', cpuAndMemory, [62, 50]],
    // A request-less pod counts as 100m and 200Mi: memory 200Mi exceeds 10000 bytes, scoring 0 (least) or 100 (most).
    ['LeastAllocated, non-zero defaults', 'LeastAllocated', makePod('p'), [48, 49]],
    ['MostAllocated, non-zero defaults', 'MostAllocated', makePod('p'), [51, 50]],
  ] as const)('%s', (_name, strategy, pod, expected) => {
    expect(scores(nodeResourcesFit(strategy), pod, [[node1, []], [node2, []]])).toEqual(expected);
  });

  it('counts the pods already on the node', () => {
    // node1: cpu (4000−3000−1000)/4000 → 0, memory (10000−5000)/10000 → 50: 25.
    expect(scores(nodeResourcesFit(), cpuAndMemory, [[node1, [makePod('e', { cpu: '1000m', memory: '0' })]]])).toEqual([25]);
  });
});

describe('NodeResourcesBalancedAllocation', () => {
  it.each([
    ['differently sized nodes', cpuAndMemory, [], [87, 100]],
    ['a best-effort pod on empty nodes', makePod('p'), [], [100, 100]],
    ['existing pods count by their actual requests', makePod('p', { cpu: '1000m' }), [makePod('e', { memory: '5000' })], [87, 83]],
  ])('%s', (_name, pod, existing, expected) => {
    expect(scores(balancedAllocation, pod, [[node1, existing], [node2, existing]])).toEqual(expected);
  });
});

describe('NodeAffinity score', () => {
  const preferred = (weight: number, key: string, value: string) => ({ weight, preference: { matchExpressions: [{ key, operator: 'In' as const, values: [value] }] } });
  const pod = makePod('p', {}, { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [preferred(2, 'zone', 'a'), preferred(4, 'disk', 'ssd'), preferred(5, 'gen', '5')] } } });
  it('sums matching weights and scales the best to 100', () => {
    const nodes: Array<[Node, Pod[]]> = [
      [makeNode('a', undefined, { labels: { zone: 'a' } }), []],
      [makeNode('b'), []],
      [makeNode('c', undefined, { labels: { zone: 'a', disk: 'ssd', gen: '5' } }), []],
    ];
    expect(scores(nodeAffinity, pod, nodes)).toEqual([18, 0, 100]);
  });
  it('scores 0 everywhere without preferences', () => {
    expect(scores(nodeAffinity, makePod('p'), [[makeNode('a'), []], [makeNode('b'), []]])).toEqual([0, 0]);
  });
});

describe('TaintToleration score', () => {
  const prefer = (key: string) => ({ key, value: 'v', effect: 'PreferNoSchedule' as const });
  const nodes: Array<[Node, Pod[]]> = [
    [makeNode('clean'), []],
    [makeNode('one', undefined, { taints: [prefer('a')] }), []],
    [makeNode('two', undefined, { taints: [prefer('a'), prefer('b'), { key: 'hard', effect: 'NoSchedule' }] }), []],
  ];
  it.each([
    ['more intolerable PreferNoSchedule taints score lower', [], [100, 50, 0]],
    ['a tolerated taint does not count', [{ key: 'a', operator: 'Exists' as const, effect: 'PreferNoSchedule' as const }], [100, 100, 0]],
    ['a NoSchedule toleration does not count for PreferNoSchedule', [{ operator: 'Exists' as const, effect: 'NoSchedule' as const }], [100, 50, 0]],
    ['everything tolerated: all 100', [{ operator: 'Exists' as const }], [100, 100, 100]],
  ])('%s', (_name, tolerations, expected) => expect(scores(taintToleration, makePod('p', {}, { tolerations }), nodes)).toEqual(expected));
});

describe('defaultNormalizeScore', () => {
  it.each([
    [[0, 5, 10], false, [0, 50, 100]],
    [[0, 5, 10], true, [100, 50, 0]],
    [[0, 0], true, [100, 100]],
    [[0, 0], false, [0, 0]],
    [[1, 3], false, [33, 100]],
  ])('%j reverse=%s → %j', (raw, reverse, expected) => expect(defaultNormalizeScore(raw, reverse)).toEqual(expected));
});
