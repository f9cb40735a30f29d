// The assume cache: an assumed pod counts on its node at once; the informer's copy confirms it; a failed
// bind forgets it, but never a confirmed pod.

import { describe, expect, it } from 'vitest';
import { SchedulerCache } from '../../../src/scheduler/scheduler-cache.js';
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
});
