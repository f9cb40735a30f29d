// PodTopologySpread: skew filtering (self-match, minDomains, node affinity honoured, missing labels) and
// the ScheduleAnyway score with log(domains + 2) weights, including the system default constraints.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LabelSelector } from '../../../src/client/kube/index.js';
import type { NodeInfo } from '../../../src/scheduler/node-info.js';
import { podTopologySpread, type DefaultSelector } from '../../../src/scheduler/plugins/pod-topology-spread.js';
import type { Node, Pod, TopologySpreadConstraint } from '../../../src/scheduler/types.js';
import { churnedSnapshots, info, makeNode, makePod } from './fixtures.js';

const x = (name: string): Pod => makePod(name, {}, {}, { app: 'x' });
const spread = (maxSkew: number, topologyKey: string, whenUnsatisfiable: TopologySpreadConstraint['whenUnsatisfiable'], extra: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint => ({
  maxSkew,
  topologyKey,
  whenUnsatisfiable,
  labelSelector: { matchLabels: { app: 'x' } },
  ...extra,
});

const zoned: Node[] = [
  makeNode('n1', undefined, { labels: { zone: 'a' } }),
  makeNode('n2', undefined, { labels: { zone: 'a' } }),
  makeNode('n3', undefined, { labels: { zone: 'b' } }),
  makeNode('n4'),
];

const UNSAT = "Unschedulable: node(s) didn't match pod topology spread constraints";
const MISSING = "UnschedulableAndUnresolvable: node(s) didn't match pod topology spread constraints (missing required label)";

function filterAll(pod: Pod, placed: Record<string, Pod[]>): string[] {
  const snapshot = zoned.map((node) => info(node, placed[node.metadata.name!] ?? []));
  const cycle = podTopologySpread().forPod(pod, snapshot);
  return snapshot.map((nodeInfo) => {
    if (!cycle.filter) return 'ok';
    const status = cycle.filter(nodeInfo);
    return status.code === 'Success' ? 'ok' : `${status.code}: ${status.reasons.join()}`;
  });
}

describe('PodTopologySpread filter', () => {
  const pod = (constraint: TopologySpreadConstraint, labels = { app: 'x' }, spec: Partial<Pod['spec']> = {}): Pod => makePod('p', {}, { topologySpreadConstraints: [constraint], ...spec }, labels);
  it.each([
    ['zone a holds 2, b none: only b within skew 1', pod(spread(1, 'zone', 'DoNotSchedule')), { n1: [x('a'), x('b')] }, [UNSAT, UNSAT, 'ok', MISSING]],
    ['skew 3 allows zone a', pod(spread(3, 'zone', 'DoNotSchedule')), { n1: [x('a'), x('b')] }, ['ok', 'ok', 'ok', MISSING]],
    ['a pod the selector does not match does not count itself', pod(spread(1, 'zone', 'DoNotSchedule'), { app: 'y' }), { n1: [x('a')] }, ['ok', 'ok', 'ok', MISSING]],
    ['balanced zones: either, within skew 1', pod(spread(1, 'zone', 'DoNotSchedule')), { n1: [x('a')], n3: [x('b')] }, ['ok', 'ok', 'ok', MISSING]],
    ['minDomains above the domain count makes the minimum 0', pod(spread(1, 'zone', 'DoNotSchedule', { minDomains: 3 })), { n1: [x('a')], n3: [x('b')] }, [UNSAT, UNSAT, UNSAT, MISSING]],
    ['domains the nodeSelector excludes do not count', pod(spread(1, 'zone', 'DoNotSchedule'), { app: 'x' }, { nodeSelector: { zone: 'a' } }), { n1: [x('a'), x('b')] }, ['ok', 'ok', 'ok', MISSING]],
    ['ScheduleAnyway constraints do not filter', pod(spread(1, 'zone', 'ScheduleAnyway')), { n1: [x('a'), x('b')] }, ['ok', 'ok', 'ok', 'ok']],
  ])('%s', (_name, p, placed, expected) => expect(filterAll(p, placed as Record<string, Pod[]>)).toEqual(expected));
});

describe('PodTopologySpread score', () => {
  const hosts = [makeNode('h1'), makeNode('h2'), makeNode('h3')];
  const placed = [[x('a'), x('b')], [x('c')], []];
  function scoreAll(pod: Pod, nodes: Node[], pods: Pod[][], defaultSelector?: DefaultSelector): number[] {
    const snapshot = nodes.map((node, i) => info(node, pods[i] ?? []));
    return podTopologySpread(defaultSelector).forPod(pod, snapshot).score!(snapshot);
  }
  it('fewer matching pods on the host scores higher', () => {
    // log(3+2) ≈ 1.609 per pod: raw 3, 2, 0 → 100·(3+0−s)/3.
    expect(scoreAll(makePod('p', {}, { topologySpreadConstraints: [spread(1, 'kubernetes.io/hostname', 'ScheduleAnyway')] }, { app: 'x' }), hosts, placed)).toEqual([0, 33, 100]);
  });
  it('the system defaults apply to a pod a workload selects (hostname skew 3, zone skew 5)', () => {
    // raw round(count·1.609 + 2): 5, 4, 2 → 100·(5+2−s)/5; no node has a zone, so that constraint adds nothing.
    expect(scoreAll(x('p'), hosts, placed, () => ({ matchLabels: { app: 'x' } }))).toEqual([40, 60, 100]);
    expect(scoreAll(x('p'), hosts, placed)).toEqual([0, 0, 0]);
  });
  it('nodes without the topology key score 0', () => {
    const pod = makePod('p', {}, { topologySpreadConstraints: [spread(1, 'zone', 'ScheduleAnyway')] }, { app: 'x' });
    // Zone a holds 2 (weight log(4)): raw 3, 3, 0, ignored.
    expect(scoreAll(pod, zoned, [[x('a')], [x('b')], [], []])).toEqual([0, 0, 100, 0]);
  });
});

// Counts go through each node's pods-by-label index when the selector has matchLabels, and scan every
// pod otherwise: the same selector written both ways gives the same filters and scores.
/** Filters and scores of a pod with both constraint kinds on zone and hostname, and of one with the system defaults. */
function spreadOutcome(snapshot: readonly NodeInfo[], selector: LabelSelector, labels: Record<string, string>, maxSkew: number) {
  const constraints = (['DoNotSchedule', 'ScheduleAnyway'] as const).flatMap((when) =>
    ['zone', 'kubernetes.io/hostname'].map((key) => ({ ...spread(maxSkew, key, when), labelSelector: selector })),
  );
  const own = podTopologySpread().forPod(makePod('p', {}, { topologySpreadConstraints: constraints }, labels), snapshot);
  const defaulted = podTopologySpread(() => selector).forPod(makePod('q', {}, {}, labels), snapshot);
  return { filters: snapshot.map((n) => own.filter?.(n)), scores: own.score?.(snapshot), defaulted: defaulted.score?.(snapshot) };
}

describe('PodTopologySpread through the label index', () => {
  const labelsArb = fc.record({ app: fc.constantFrom('x', 'y'), tier: fc.constantFrom('f', 'g') }, { requiredKeys: [] });
  const podArb = fc.record({ labels: labelsArb, namespace: fc.constantFrom('default', 'other'), deleting: fc.boolean() });
  const nodeArb = fc.record({ zone: fc.constantFrom('a', 'b', undefined), pods: fc.array(podArb, { maxLength: 4 }) });
  const asExpressions = (labels: Record<string, string>): LabelSelector => ({
    matchExpressions: Object.entries(labels).map(([key, value]) => ({ key, operator: 'In', values: [value] })),
  });

  it('filters and scores as a scan of every pod', () => {
    fc.assert(
      fc.property(fc.array(nodeArb, { minLength: 1, maxLength: 6 }), labelsArb, fc.integer({ min: 1, max: 3 }), (nodes, selected, maxSkew) => {
        const snapshot = nodes.map((n, i) =>
          info(
            makeNode(`n${i}`, undefined, n.zone ? { labels: { zone: n.zone } } : {}),
            n.pods.map((p, j) => {
              const pod = makePod(`p${i}-${j}`, {}, {}, p.labels, p.namespace);
              return p.deleting ? { ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2026-12-03T10:00:00Z' } } : pod;
            }),
          ),
        );
        const outcome = (selector: LabelSelector) => spreadOutcome(snapshot, selector, selected, maxSkew);
        expect(outcome({ matchLabels: selected })).toEqual(outcome(asExpressions(selected)));
      }),
      { numRuns: 300 },
    );
  });

  it("filters and scores through the scheduler cache's index of nodes by label as through a scan of every node", () => {
    const placedArb = fc.record({ pod: podArb, node: fc.nat(5), gone: fc.boolean() });
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', undefined), { minLength: 1, maxLength: 6 }), fc.array(placedArb, { maxLength: 16 }), fc.nat(6), labelsArb, fc.integer({ min: 1, max: 3 }), (zones, placed, removedNode, selected, maxSkew) => {
        const pods = placed.map((p, j) => {
          const pod = makePod(`p${j}`, {}, { nodeName: `n${p.node % zones.length}` }, p.pod.labels, p.pod.namespace);
          return { pod: p.pod.deleting ? { ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2026-12-03T10:00:00Z' } } : pod, gone: p.gone };
        });
        const { indexed, scanned } = churnedSnapshots(zones, pods, removedNode);
        expect(spreadOutcome(indexed, { matchLabels: selected }, selected, maxSkew)).toEqual(spreadOutcome(scanned, { matchLabels: selected }, selected, maxSkew));
      }),
      { numRuns: 300 },
    );
  });
});
