import { describe, expect, it } from 'vitest';
import { podsOnMissingNodes, terminatedPodsToDelete, unscheduledTerminatingPods } from '../../../src/controllers/podgc/pod-gc-policy.js';
import type { Pod } from '../../../src/controllers/shared/types.js';

function pod(name: string, phase: string, created: string, extra: { node?: string; deleting?: boolean; reason?: string } = {}): Pod {
  return {
    metadata: { name, creationTimestamp: created, ...(extra.deleting ? { deletionTimestamp: created } : {}) },
    spec: extra.node ? { nodeName: extra.node } : {},
    status: { phase, ...(extra.reason ? { reason: extra.reason } : {}) },
  };
}

describe('pod GC policy', () => {
  const pods = [
    pod('old-done', 'Succeeded', '2026-01-01T00:00:00Z'),
    pod('new-failed', 'Failed', '2026-01-03T00:00:00Z'),
    pod('evicted', 'Failed', '2026-01-04T00:00:00Z', { reason: 'Evicted' }),
    pod('mid-done', 'Succeeded', '2026-01-02T00:00:00Z'),
    pod('running', 'Running', '2025-01-01T00:00:00Z', { node: 'gone' }),
    pod('pending-deleting', 'Pending', '2026-01-01T00:00:00Z', { deleting: true }),
  ];

  it.each([
    { threshold: 0, want: [] },
    { threshold: 4, want: [] },
    { threshold: 3, want: ['evicted'] },
    { threshold: 1, want: ['evicted', 'old-done', 'mid-done'] },
  ])('terminated pods past a threshold of $threshold', ({ threshold, want }) => {
    expect(terminatedPodsToDelete(pods, threshold).map((p) => p.metadata.name)).toEqual(want);
  });

  it('finds pods on missing nodes and unscheduled terminating pods', () => {
    expect(podsOnMissingNodes(pods, new Set(['n1'])).map((p) => p.metadata.name)).toEqual(['running']);
    expect(podsOnMissingNodes(pods, new Set(['gone']))).toEqual([]);
    expect(unscheduledTerminatingPods(pods).map((p) => p.metadata.name)).toEqual(['pending-deleting']);
  });
});
