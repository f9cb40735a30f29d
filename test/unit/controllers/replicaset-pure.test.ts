import { describe, expect, it } from 'vitest';
import { podsToDelete } from '../../../src/controllers/replicaset/pod-ranking.js';
import { calculateReplicaSetStatus } from '../../../src/controllers/replicaset/status.js';
import { slowStartBatch } from '../../../src/controllers/shared/slow-start.js';
import type { Pod, ReplicaSet } from '../../../src/controllers/shared/types.js';

function pod(name: string, options: { node?: string; phase?: string; ready?: boolean; readySince?: string; created?: string; restarts?: number; cost?: number; labels?: Record<string, string> } = {}): Pod {
  return {
    metadata: { name, creationTimestamp: options.created ?? '2026-01-01T00:00:00Z', labels: options.labels ?? { app: 'web', tier: 'fe' }, annotations: options.cost === undefined ? {} : { 'controller.kubernetes.io/pod-deletion-cost': String(options.cost) } },
    spec: { nodeName: options.node },
    status: {
      phase: options.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True', lastTransitionTime: options.readySince ?? '2026-01-01T00:00:00Z' }],
      containerStatuses: [{ name: 'c', restartCount: options.restarts ?? 0 }],
    },
  };
}

describe('podsToDelete ranking', () => {
  it.each([
    { name: 'unscheduled first', pods: [pod('a', { node: 'n1' }), pod('b')], want: 'b' },
    { name: 'pending before running', pods: [pod('a', { node: 'n1' }), pod('b', { node: 'n1', phase: 'Pending' })], want: 'b' },
    { name: 'not ready before ready', pods: [pod('a', { node: 'n1' }), pod('b', { node: 'n1', ready: false })], want: 'b' },
    { name: 'lower deletion cost first', pods: [pod('a', { node: 'n1', cost: 10 }), pod('b', { node: 'n2', cost: -1 })], want: 'b' },
    { name: 'doubled-up node first', pods: [pod('a', { node: 'n1' }), pod('b', { node: 'n2' }), pod('c', { node: 'n2' })], want: 'b' },
    { name: 'ready for less time first', pods: [pod('a', { node: 'n1' }), pod('b', { node: 'n2', readySince: '2026-01-02T00:00:00Z' })], want: 'b' },
    { name: 'more restarts first', pods: [pod('a', { node: 'n1' }), pod('b', { node: 'n2', restarts: 3 })], want: 'b' },
    { name: 'newer first', pods: [pod('a', { node: 'n1' }), pod('b', { node: 'n2', created: '2026-01-05T00:00:00Z' })], want: 'b' },
  ])('$name', ({ pods, want }) => {
    expect(podsToDelete(pods, pods, 1).map((p) => p.metadata.name)).toEqual([want]);
  });
});

describe('calculateReplicaSetStatus', () => {
  const rs: ReplicaSet = { metadata: { name: 'web', generation: 4 }, spec: { replicas: 3, minReadySeconds: 10, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web', tier: 'fe' } } } } };
  const now = Date.parse('2026-01-01T00:00:30Z');

  it('counts fully labeled, ready and available pods', () => {
    const pods = [pod('a'), pod('b', { readySince: '2026-01-01T00:00:25Z' }), pod('c', { ready: false, labels: { app: 'web' } })];
    expect(calculateReplicaSetStatus(rs, pods, undefined, now)).toEqual({ replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 4 });
  });

  it('adds ReplicaFailure while creating fails and drops it after', () => {
    const failing = calculateReplicaSetStatus(rs, [pod('a')], new Error('pods "web-x" is forbidden: exceeded quota'), now);
    expect(failing.conditions).toEqual([{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'pods "web-x" is forbidden: exceeded quota', lastTransitionTime: '2026-01-01T00:00:30Z' }]);
    expect(calculateReplicaSetStatus({ ...rs, status: failing }, [pod('a')], undefined, now).conditions).toBeUndefined();
  });
});

describe('slowStartBatch', () => {
  it('runs batches of 1, 2, 4 and stops after the first failing batch', async () => {
    let calls = 0;
    const result = await slowStartBatch(10, 1, async () => {
      calls++;
      if (calls > 4) throw new Error('quota');
    });
    // Batches 1 and 2 succeed (3 calls), the batch of 4 has 1 success and 3 failures.
    expect(calls).toBe(7);
    expect(result.successes).toBe(4);
    expect(result.error?.message).toBe('quota');
  });
});
