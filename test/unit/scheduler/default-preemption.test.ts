// DefaultPreemption's decisions, table-driven as upstream's default_preemption_test.go: which node,
// which victims (fewest, least important, reprieved when they can stay), and the message when none.

import { describe, expect, it } from 'vitest';
import { moreImportant, pickOneNodeForPreemption, preempt, type Candidate } from '../../../src/scheduler/default-preemption.js';
import { buildSnapshot } from '../../../src/scheduler/node-info.js';
import { defaultProfile } from '../../../src/scheduler/profile.js';
import { runFilters, schedulePod } from '../../../src/scheduler/schedule-pod.js';
import type { Node, Pod } from '../../../src/scheduler/types.js';
import { makeNode, makePod } from './fixtures.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const profile = defaultProfile();
const node = (name: string, cpu = '2'): Node => makeNode(name, { cpu, memory: '8Gi', pods: '110' });
/** A pod bound to `nodeName`, requesting `cpu`, with `priority`, started `startedSecondsAgo` ago. */
const running = (name: string, nodeName: string, cpu: string, priority: number, startedSecondsAgo = 60): Pod => ({
  ...makePod(name, { cpu }, { priority, nodeName }),
  status: { phase: 'Running', startTime: new Date(NOW - startedSecondsAgo * 1000).toISOString() },
});

/** Runs a whole cycle and reports the preemption verdict as text. */
function verdict(preemptor: Pod, nodes: Node[], pods: Pod[]): string {
  const result = schedulePod(profile, preemptor, buildSnapshot(nodes, pods));
  if (result.kind === 'scheduled') return `scheduled on ${result.node}`;
  if (result.preemption) return `${result.preemption.node}: ${result.preemption.victims.map((p) => p.metadata.name).join(',')}`;
  return result.message;
}

describe('DefaultPreemption', () => {
  it.each<[string, Pod, Node[], Pod[], string]>([
    ['the only lower-priority pod on the only node', makePod('p', { cpu: '1' }, { priority: 100 }), [node('n1')], [running('low', 'n1', '2', 0)], 'n1: low'],
    [
      'victims are as few as needed: the most important lower pods are reprieved',
      makePod('p', { cpu: '1' }, { priority: 100 }),
      [node('n1')],
      [running('a', 'n1', '500m', 10), running('b', 'n1', '500m', 5), running('c', 'n1', '1', 1)],
      'n1: c',
    ],
    [
      'reprieves are tried most important first, not by size: the bigger, more important pod goes and the small one stays',
      makePod('p', { cpu: '1' }, { priority: 100 }),
      [node('n1')],
      [running('big', 'n1', '1500m', 50), running('small', 'n1', '500m', 1)],
      'n1: big',
    ],
    [
      'equal and higher priorities are never victims',
      makePod('p', { cpu: '1' }, { priority: 100 }),
      [node('n1')],
      [running('same', 'n1', '1500m', 100), running('low', 'n1', '500m', 0)],
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu..',
    ],
    [
      'the node whose highest victim has the lowest priority',
      makePod('p', { cpu: '2' }, { priority: 100 }),
      [node('n1'), node('n2')],
      [running('n1-a', 'n1', '2', 20), running('n2-a', 'n2', '1', 10), running('n2-b', 'n2', '1', 10)],
      'n2: n2-a,n2-b',
    ],
    [
      'then the lowest sum of priorities',
      makePod('p', { cpu: '2' }, { priority: 100 }),
      [node('n1'), node('n2')],
      [running('n1-a', 'n1', '1', 10), running('n1-b', 'n1', '1', 10), running('n2-a', 'n2', '1', 10), running('n2-b', 'n2', '1', 5)],
      'n2: n2-a,n2-b',
    ],
    [
      'the sum is of priorities offset by 2^31: two pods of a negative priority weigh more than one',
      makePod('p', { cpu: '2' }, { priority: 100 }),
      [node('n1'), node('n2')],
      [running('n1-a', 'n1', '1', -5), running('n1-b', 'n1', '1', -5), running('n2-a', 'n2', '2', -5)],
      'n2: n2-a',
    ],
    [
      'nodes the filters reject for good are left alone',
      makePod('p', { cpu: '1' }, { priority: 100, nodeSelector: { disk: 'ssd' } }),
      [node('n1'), makeNode('n2', { cpu: '2', memory: '8Gi', pods: '110' }, { labels: { disk: 'ssd' } })],
      [running('n1-low', 'n1', '2', 0), running('n2-low', 'n2', '2', 0)],
      'n2: n2-low',
    ],
    [
      'no lower-priority pods anywhere',
      makePod('p', { cpu: '3' }, { priority: 100 }),
      [node('n1'), node('n2', '1')],
      [running('n1-high', 'n1', '1', 1000)],
      '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod..',
    ],
    [
      'preemptionPolicy Never',
      makePod('p', { cpu: '1' }, { priority: 100, preemptionPolicy: 'Never' }),
      [node('n1')],
      [running('low', 'n1', '2', 0)],
      '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never..',
    ],
    [
      'a pod that fits without preemption is scheduled',
      makePod('p', { cpu: '1' }, { priority: 100 }),
      [node('n1')],
      [running('low', 'n1', '1', 0)],
      'scheduled on n1',
    ],
  ])('%s', (_name, preemptor, nodes, pods, expected) => expect(verdict(preemptor, nodes, pods)).toBe(expected));

  it('waits while a lower-priority pod on its nominated node is still terminating', () => {
    const terminating = { ...running('low', 'n1', '2', 0), metadata: { name: 'low', namespace: 'default', deletionTimestamp: '2026-01-01T00:00:00Z' } };
    const preemptor = { ...makePod('p', { cpu: '1' }, { priority: 100 }), status: { nominatedNodeName: 'n1' } };
    expect(verdict(preemptor, [node('n1')], [terminating])).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to a terminating pod on the nominated node..');
  });

  it('removed pods are gone for the other filters too (a required anti-affinity victim)', () => {
    const antiAffinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'db' } } }] } };
    const db = { ...running('db', 'n1', '100m', 0), metadata: { name: 'db', namespace: 'default', labels: { app: 'db' } } };
    const preemptor = makePod('p', { cpu: '100m' }, { priority: 100, affinity: antiAffinity });
    expect(verdict(preemptor, [node('n1')], [db])).toBe('n1: db');
    const snapshot = buildSnapshot([node('n1')], [db]);
    expect(runFilters(profile, preemptor, snapshot, snapshot[0]!).code).toBe('Unschedulable');
  });

  it('the latest start among the most important victims breaks the last tie, then the first node', () => {
    const victims = (node: string, startedSecondsAgo: number): Candidate => ({ node, victims: [running(`${node}-v`, node, '1', 5, startedSecondsAgo)], numPDBViolations: 0 });
    expect(pickOneNodeForPreemption([victims('old', 600), victims('young', 10), victims('mid', 60)], NOW)?.node).toBe('young');
    expect(pickOneNodeForPreemption([victims('a', 60), victims('b', 60)], NOW)?.node).toBe('a');
    expect(pickOneNodeForPreemption([{ ...victims('violates', 1), numPDBViolations: 1 }, victims('keeps', 600)], NOW)?.node).toBe('keeps');
    expect(pickOneNodeForPreemption([], NOW)).toBeUndefined();
    // A victim of the lowest priority adds 0 to the offset sum: highest and sum tie, the fewer victims win.
    const lowest: Candidate = { node: 'two', victims: [running('x', 'two', '1', 0), running('y', 'two', '1', -(2 ** 31))], numPDBViolations: 0 };
    expect(pickOneNodeForPreemption([lowest, { ...lowest, node: 'one', victims: lowest.victims.slice(0, 1) }], NOW)?.node).toBe('one');
  });

  it('MoreImportantPod: higher priority, then the earlier start', () => {
    const pods = [running('young-low', 'n', '1', 1, 5), running('old-low', 'n', '1', 1, 500), running('high', 'n', '1', 9, 1)];
    expect([...pods].sort((a, b) => moreImportant(a, b, NOW)).map((p) => p.metadata.name)).toEqual(['high', 'old-low', 'young-low']);
  });

  it('a node with no Unschedulable status is not tried', () => {
    const snapshot = buildSnapshot([node('n1')], [running('low', 'n1', '2', 0)]);
    const result = preempt(makePod('p', { cpu: '1' }, { priority: 100 }), snapshot, new Map(), (p, info, trial) => runFilters(profile, p, trial, info), NOW);
    expect(result).toEqual({ kind: 'none', message: 'preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.', clearNomination: true });
  });
});
