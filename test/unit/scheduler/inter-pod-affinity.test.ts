// InterPodAffinity: required affinity, anti-affinity and existing pods' anti-affinity (reasons and codes),
// the first-of-a-group exception, namespaces; preferred terms and existing pods' hard affinity in scores;
// and the same filters and scores through the cache's lists of nodes with affinity pods as by a scan.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NodeInfo } from '../../../src/scheduler/node-info.js';
import { interPodAffinity } from '../../../src/scheduler/plugins/inter-pod-affinity.js';
import type { Affinity, Node, Pod, PodAffinityTerm } from '../../../src/scheduler/types.js';
import { churnedSnapshots, info, makeNode, makePod } from './fixtures.js';

const term = (app: string, topologyKey: string, extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm => ({ labelSelector: { matchLabels: { app } }, topologyKey, ...extra });
const withAffinity = (name: string, app: string, affinity: Pod['spec']['affinity'], namespace = 'default'): Pod => makePod(name, {}, { affinity }, { app }, namespace);

const nodes: Node[] = [
  makeNode('n1', undefined, { labels: { zone: 'a' } }),
  makeNode('n2', undefined, { labels: { zone: 'a' } }),
  makeNode('n3', undefined, { labels: { zone: 'b' } }),
  makeNode('n4'),
];
const web = makePod('web', {}, {}, { app: 'web' });

function filterAll(pod: Pod, placed: Record<string, Pod[]>, namespaceLabels?: (ns: string) => Record<string, string> | undefined): string[] {
  const snapshot = nodes.map((node) => info(node, placed[node.metadata.name!] ?? []));
  const cycle = interPodAffinity(namespaceLabels).forPod(pod, snapshot);
  return snapshot.map((nodeInfo) => {
    const status = cycle.filter!(nodeInfo);
    return status.code === 'Success' ? 'ok' : `${status.code}: ${status.reasons.join()}`;
  });
}

const AFFINITY = "UnschedulableAndUnresolvable: node(s) didn't match pod affinity rules";
const ANTI = "Unschedulable: node(s) didn't match pod anti-affinity rules";
const EXISTING = "Unschedulable: node(s) didn't satisfy existing pods anti-affinity rules";

describe('InterPodAffinity filter', () => {
  it.each([
    ['required affinity to a zone holding web', withAffinity('p', 'new', { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', 'zone')] } }), { n1: [web] }, ['ok', 'ok', AFFINITY, AFFINITY]],
    ['required anti-affinity to web per host', withAffinity('p', 'new', { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', 'kubernetes.io/hostname')] } }), { n1: [web] }, [ANTI, 'ok', 'ok', 'ok']],
    ['required anti-affinity per zone; a node without the key is fine', withAffinity('p', 'new', { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', 'zone')] } }), { n1: [web] }, [ANTI, ANTI, 'ok', 'ok']],
    [
      "an existing pod's anti-affinity keeps the pod out of its zone",
      makePod('p', {}, {}, { app: 'new' }),
      { n3: [withAffinity('guard', 'guard', { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('new', 'zone')] } })] },
      ['ok', 'ok', EXISTING, 'ok'],
    ],
    ['the first of a group matching its own terms goes where the topology exists', withAffinity('p', 'db', { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', 'zone')] } }), {}, ['ok', 'ok', 'ok', AFFINITY]],
    ['affinity nothing matches, not even itself', withAffinity('p', 'new', { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('db', 'zone')] } }), { n1: [web] }, [AFFINITY, AFFINITY, AFFINITY, AFFINITY]],
    ['a matching pod in another namespace does not count', withAffinity('p', 'new', { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', 'zone')] } }), { n1: [{ ...web, metadata: { ...web.metadata, namespace: 'other' } }] }, [AFFINITY, AFFINITY, AFFINITY, AFFINITY]],
    ['unless the term lists that namespace', withAffinity('p', 'new', { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', 'zone', { namespaces: ['other'] })] } }), { n1: [{ ...web, metadata: { ...web.metadata, namespace: 'other' } }] }, ['ok', 'ok', AFFINITY, AFFINITY]],
  ])('%s', (_name, pod, placed, expected) => expect(filterAll(pod, placed as Record<string, Pod[]>)).toEqual(expected));

  it('selects namespaces by their labels', () => {
    const pod = withAffinity('p', 'new', { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web', 'zone', { namespaceSelector: { matchLabels: { team: 'x' } } })] } });
    const placed = { n3: [{ ...web, metadata: { ...web.metadata, namespace: 'other' } }] };
    expect(filterAll(pod, placed, (ns): Record<string, string> => (ns === 'other' ? { team: 'x' } : {}))).toEqual([AFFINITY, AFFINITY, 'ok', AFFINITY]);
    expect(filterAll(pod, placed, () => ({}))).toEqual([AFFINITY, AFFINITY, AFFINITY, AFFINITY]);
  });
});

describe('InterPodAffinity score', () => {
  function scoreAll(pod: Pod, placed: Record<string, Pod[]>): number[] {
    const snapshot = nodes.slice(0, 3).map((node) => info(node, placed[node.metadata.name!] ?? []));
    return interPodAffinity().forPod(pod, snapshot).score!(snapshot);
  }
  it.each([
    ['preferred affinity to web by zone', withAffinity('p', 'new', { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: term('web', 'zone') }] } }), { n1: [web] }, [100, 100, 0]],
    ['preferred anti-affinity to web by host', withAffinity('p', 'new', { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: term('web', 'kubernetes.io/hostname') }] } }), { n1: [web] }, [0, 100, 100]],
    [
      "an existing pod's required affinity to the incoming pod draws it (hard weight 1)",
      makePod('p', {}, {}, { app: 'new' }),
      { n3: [withAffinity('follower', 'f', { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('new', 'zone')] } })] },
      [0, 0, 100],
    ],
    [
      'pods without affinity beside it change nothing (kube looks only at pods with affinity)',
      makePod('p', {}, {}, { app: 'new' }),
      { n1: [web, makePod('other', {}, {}, { app: 'new' })], n3: [web, withAffinity('follower', 'f', { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('new', 'zone')] } })] },
      [0, 0, 100],
    ],
    ['no terms anywhere: all 0', makePod('p'), { n1: [web] }, [0, 0, 0]],
  ])('%s', (_name, pod, placed, expected) => expect(scoreAll(pod, placed as Record<string, Pod[]>)).toEqual(expected));
});

describe("InterPodAffinity through the cache's lists of nodes with affinity pods", () => {
  const termArb: fc.Arbitrary<PodAffinityTerm> = fc.record({
    app: fc.constantFrom('x', 'y'),
    topologyKey: fc.constantFrom('zone', 'kubernetes.io/hostname'),
    namespaces: fc.constantFrom<string[] | undefined>(undefined, ['other'], ['default', 'other']),
    byTeam: fc.boolean(),
  }).map(({ app, topologyKey, namespaces, byTeam }) => ({
    labelSelector: { matchLabels: { app } },
    topologyKey,
    ...(namespaces ? { namespaces } : {}),
    ...(byTeam ? { namespaceSelector: { matchLabels: { team: 't' } } } : {}),
  }));
  const termsArb = fc.array(termArb, { maxLength: 2 });
  const weightedArb = fc.array(fc.record({ weight: fc.integer({ min: 1, max: 100 }), podAffinityTerm: termArb }), { maxLength: 2 });
  const rulesArb = fc.option(fc.record({ requiredDuringSchedulingIgnoredDuringExecution: termsArb, preferredDuringSchedulingIgnoredDuringExecution: weightedArb }, { requiredKeys: [] }), { nil: undefined });
  // Most pods have no affinity at all, as in a cluster of Deployments.
  const affinityArb: fc.Arbitrary<Affinity | undefined> = fc.oneof(
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.record({ podAffinity: rulesArb, podAntiAffinity: rulesArb }, { requiredKeys: [] }) },
  );
  const podArb = fc.record({
    labels: fc.record({ app: fc.constantFrom('x', 'y'), tier: fc.constantFrom('f', 'g') }, { requiredKeys: [] }),
    namespace: fc.constantFrom('default', 'other'),
    affinity: affinityArb,
  });
  const placedArb = fc.record({ pod: podArb, node: fc.nat(5), gone: fc.boolean() });
  const namespaceLabels = (ns: string): Record<string, string> | undefined => (ns === 'other' ? { team: 't' } : undefined);
  const toPod = (name: string, p: { labels: Record<string, string>; namespace: string; affinity: Affinity | undefined }, nodeName?: string): Pod =>
    makePod(name, {}, { ...(nodeName ? { nodeName } : {}), ...(p.affinity ? { affinity: p.affinity } : {}) }, p.labels, p.namespace);

  function outcome(pod: Pod, snapshot: readonly NodeInfo[]): { filters: string[]; scores: number[] | undefined } {
    const cycle = interPodAffinity(namespaceLabels).forPod(pod, snapshot);
    const filters = snapshot.map((n) => {
      const status = cycle.filter?.(n);
      return !status || status.code === 'Success' ? 'ok' : `${status.code}: ${status.reasons.join()}`;
    });
    return { filters, scores: cycle.score?.(snapshot) };
  }

  it('filters and scores as a scan of every node, and as a scan of every pod', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', undefined), { minLength: 1, maxLength: 6 }), fc.array(placedArb, { maxLength: 16 }), fc.nat(6), podArb, (zones, placed, removedNode, incoming) => {
        const pods = placed.map((p, j) => ({ pod: toPod(`p${j}`, p.pod, `n${p.node % zones.length}`), gone: p.gone }));
        const { indexed, scanned } = churnedSnapshots(zones, pods, removedNode);
        // The definition: every pod of every node looked at, as if each had affinity.
        const everyPod: NodeInfo[] = scanned.map((n) => ({ ...n, podsWithAffinity: n.pods, podsWithRequiredAntiAffinity: n.pods }));
        const pod = toPod('incoming', incoming);
        const expected = outcome(pod, everyPod);
        expect(outcome(pod, scanned)).toEqual(expected);
        expect(outcome(pod, indexed)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
