// The assume cache: an assumed pod counts on its node at once; the informer's copy confirms it; a failed
// bind forgets it, but never a confirmed pod. Node infos are kept between cycles and rebuilt only where
// something changed, so the snapshot must follow every kind of change exactly.

import { describe, expect, it } from 'vitest';
import { nodesCarrying, nodesWithPodsWithAffinity, nodesWithPodsWithRequiredAntiAffinity } from '../../../src/scheduler/snapshot-index.js';
import { labelPairKey, type NodeInfo } from '../../../src/scheduler/node-info.js';
import { SchedulerCache } from '../../../src/scheduler/scheduler-cache.js';
import type { Affinity } from '../../../src/scheduler/types.js';
import { makeNode, makePod } from './fixtures.js';

const requestedOn = (cache: SchedulerCache, node: string): number => cache.snapshot().find((i) => i.node.metadata.name === node)!.requested.milliCPU;

describe('SchedulerCache', () => {
  it('assume, then forget', () => {
    const cache = new SchedulerCache();
    cache.setNode(makeNode('n1'));
    const pod = makePod('p', { cpu: '500m' });
    cache.assume(pod, 'n1');
    expect(requestedOn(cache, 'n1')).toBe(500);
    expect(cache.isAssumed(pod)).toBe(true);
    cache.forget(pod);
    expect(requestedOn(cache, 'n1')).toBe(0);
  });

  it('assume, then confirm: forget no longer removes it', () => {
    const cache = new SchedulerCache();
    cache.setNode(makeNode('n1'));
    const pod = makePod('p', { cpu: '500m' });
    cache.assume(pod, 'n1');
    cache.setPod({ ...pod, spec: { ...pod.spec, nodeName: 'n1' } });
    expect(cache.isAssumed(pod)).toBe(false);
    cache.forget(pod);
    expect(requestedOn(cache, 'n1')).toBe(500);
    cache.removePod(pod);
    expect(requestedOn(cache, 'n1')).toBe(0);
  });

  it('lists nodes in name order, and drops removed ones', () => {
    const cache = new SchedulerCache();
    for (const name of ['b', 'a', 'c']) cache.setNode(makeNode(name));
    cache.removeNode(makeNode('c'));
    expect(cache.snapshot().map((i) => i.node.metadata.name)).toEqual(['a', 'b']);
  });

  it('keeps an unchanged snapshot, and a change makes a new one without touching the old', () => {
    const cache = new SchedulerCache();
    for (const name of ['n1', 'n2']) cache.setNode(makeNode(name));
    const first = cache.snapshot();
    expect(cache.snapshot()).toBe(first);
    cache.assume(makePod('p', { cpu: '500m' }), 'n2');
    const second = cache.snapshot();
    expect(second).not.toBe(first);
    expect(first[1]!.requested.milliCPU).toBe(0);
    expect(second[1]!.requested.milliCPU).toBe(500);
    // The node left alone keeps its very NodeInfo.
    expect(second[0]).toBe(first[0]);
  });

  it('moves a pod whose node changed, and counts pods that arrived before their node', () => {
    const cache = new SchedulerCache();
    cache.setNode(makeNode('n1'));
    const pod = makePod('p', { cpu: '1' });
    cache.setPod({ ...pod, spec: { ...pod.spec, nodeName: 'n1' } });
    expect(requestedOn(cache, 'n1')).toBe(1000);
    cache.setPod({ ...makePod('early', { cpu: '2' }), spec: { ...pod.spec, nodeName: 'n2' } });
    cache.setNode(makeNode('n2'));
    expect(requestedOn(cache, 'n2')).toBe(1000);
    cache.setPod({ ...pod, spec: { ...pod.spec, nodeName: 'n2' } });
    expect(requestedOn(cache, 'n1')).toBe(0);
    expect(requestedOn(cache, 'n2')).toBe(2000);
    expect(cache.snapshot().map((i) => i.pods.length)).toEqual([0, 2]);
  });

  it('sees a changed node (allocatable) and a removed pod', () => {
    const cache = new SchedulerCache();
    cache.setNode(makeNode('n1'));
    const pod = { ...makePod('p', { cpu: '1' }), spec: { containers: [], nodeName: 'n1' } };
    cache.setPod(pod);
    cache.snapshot();
    cache.setNode(makeNode('n1', { cpu: '8', memory: '8Gi', pods: '110' }));
    expect(cache.snapshot()[0]!.allocatable.milliCPU).toBe(8000);
    cache.removePod(pod);
    expect(cache.snapshot()[0]!.pods).toEqual([]);
  });

  it('indexes the nodes holding pods with each label, for its latest snapshot only', () => {
    const cache = new SchedulerCache();
    for (const name of ['n1', 'n2', 'n3']) cache.setNode(makeNode(name));
    const web = (name: string, node: string) => ({ ...makePod(name, {}, {}, { app: 'web' }), spec: { containers: [], nodeName: node } });
    cache.setPod(web('a', 'n1'));
    cache.setPod(web('b', 'n3'));
    const names = (snapshot: readonly NodeInfo[], pair: string): string[] | undefined =>
      nodesCarrying(snapshot, pair) && [...nodesCarrying(snapshot, pair)!].map((i) => i.node.metadata.name!).sort();
    const pair = labelPairKey('default', 'app', 'web');
    const first = cache.snapshot();
    expect(names(first, pair)).toEqual(['n1', 'n3']);
    expect(names(first, labelPairKey('other', 'app', 'web'))).toEqual([]);
    cache.removePod(web('a', 'n1'));
    cache.setPod(web('c', 'n2'));
    const second = cache.snapshot();
    expect(names(second, pair)).toEqual(['n2', 'n3']);
    // The earlier snapshot is not what the index describes any more: no answer, a plugin scans instead.
    expect(names(first, pair)).toBeUndefined();
    // A node removed leaves the index at once; the next snapshot is indexed again.
    cache.removeNode(makeNode('n3'));
    expect(names(second, pair)).toBeUndefined();
    expect(names(cache.snapshot(), pair)).toEqual(['n2']);
    // An array made elsewhere (preemption's dry run) is not indexed.
    expect(names([...cache.snapshot()], pair)).toBeUndefined();
  });

  it("keeps the nodes holding pods with affinity and with required anti-affinity, as kube's snapshot lists", () => {
    const cache = new SchedulerCache();
    for (const name of ['n1', 'n2', 'n3', 'n4']) cache.setNode(makeNode(name));
    const term = { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' };
    const on = (name: string, node: string, affinity?: Affinity) => ({ ...makePod(name), spec: { containers: [], nodeName: node, ...(affinity ? { affinity } : {}) } });
    const required = on('required', 'n1', { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } });
    cache.setPod(required);
    // Preferred anti-affinity only, or pod affinity: with affinity, without required anti-affinity.
    cache.setPod(on('preferred', 'n2', { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: term }] } }));
    cache.setPod(on('affine', 'n3', { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } }));
    cache.setPod(on('plain', 'n4'));
    cache.setPod(on('node-affinity-only', 'n4', { nodeAffinity: {} }));
    const names = (nodes: ReadonlySet<NodeInfo> | undefined): string[] | undefined => nodes && [...nodes].map((i) => i.node.metadata.name!).sort();
    const first = cache.snapshot();
    expect(names(nodesWithPodsWithAffinity(first))).toEqual(['n1', 'n2', 'n3']);
    expect(names(nodesWithPodsWithRequiredAntiAffinity(first))).toEqual(['n1']);
    expect(first[0]!.podsWithRequiredAntiAffinity.map((p) => p.metadata.name)).toEqual(['required']);
    expect(first[1]!.podsWithRequiredAntiAffinity).toEqual([]);
    expect(first[3]!.podsWithAffinity).toEqual([]);
    // The pod leaves n1 for n4: the rebuilt infos replace the old ones in both lists.
    cache.removePod(required);
    cache.setPod({ ...required, spec: { ...required.spec, nodeName: 'n4' } });
    const second = cache.snapshot();
    expect(names(nodesWithPodsWithAffinity(second))).toEqual(['n2', 'n3', 'n4']);
    expect(names(nodesWithPodsWithRequiredAntiAffinity(second))).toEqual(['n4']);
    expect([...nodesWithPodsWithRequiredAntiAffinity(second)!][0]).toBe(second[3]);
    expect(nodesWithPodsWithAffinity(first)).toBeUndefined();
    cache.removeNode(makeNode('n4'));
    expect(nodesWithPodsWithRequiredAntiAffinity(second)).toBeUndefined();
    expect(names(nodesWithPodsWithRequiredAntiAffinity(cache.snapshot()))).toEqual([]);
    expect(nodesWithPodsWithAffinity([...cache.snapshot()])).toBeUndefined();
  });
});
