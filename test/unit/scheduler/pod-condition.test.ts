// The PodScheduled=False patch: written once per change, keeping the transition time while False.

import { describe, expect, it } from 'vitest';
import { disruptionTargetPatch, podScheduledFalsePatch } from '../../../src/scheduler/pod-condition.js';
import type { PodCondition } from '../../../src/scheduler/types.js';
import { makePod } from './fixtures.js';

const now = new Date('2026-01-02T03:04:05.678Z');
const withCondition = (condition?: PodCondition) => ({ ...makePod('p'), status: { phase: 'Pending', conditions: condition ? [condition] : [] } });

describe('PodScheduled=False patch', () => {
  it('a new condition, stamped to the second', () => {
    expect(podScheduledFalsePatch(withCondition(), 'msg', now)).toEqual({
      status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'msg', lastProbeTime: null, lastTransitionTime: '2026-01-02T03:04:05Z' }] },
    });
  });
  it('nothing when the same condition is there', () => {
    expect(podScheduledFalsePatch(withCondition({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'msg' }), 'msg', now)).toBeUndefined();
  });
  it('a new message keeps the transition time', () => {
    const patch = podScheduledFalsePatch(withCondition({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'old', lastTransitionTime: '2025-01-01T00:00:00Z' }), 'new', now);
    expect(patch?.status.conditions[0]).toMatchObject({ message: 'new', lastTransitionTime: '2025-01-01T00:00:00Z' });
  });
  it('a nomination is written with the condition, once; an empty one clears it', () => {
    const same = withCondition({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'msg' });
    expect(podScheduledFalsePatch(same, 'msg', now, 'n1')?.status.nominatedNodeName).toBe('n1');
    expect(podScheduledFalsePatch({ ...same, status: { ...same.status, nominatedNodeName: 'n1' } }, 'msg', now, 'n1')).toBeUndefined();
    expect(podScheduledFalsePatch({ ...same, status: { ...same.status, nominatedNodeName: 'n1' } }, 'msg', now, '')?.status.nominatedNodeName).toBeNull();
    expect(podScheduledFalsePatch(same, 'msg', now, '')).toBeUndefined();
  });
});

describe('DisruptionTarget patch', () => {
  it("kube-scheduler's condition for a preemption victim", () => {
    expect(disruptionTargetPatch('default-scheduler', now)).toEqual({
      status: { conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: 'default-scheduler: preempting to accommodate a higher priority pod', lastTransitionTime: '2026-01-02T03:04:05Z' }] },
    });
  });
});
