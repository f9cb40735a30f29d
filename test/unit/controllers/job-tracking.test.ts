// Job tracking with finalizers, table-driven as upstream's TestTrackJobStatusAndRemoveFinalizers: which
// finished pods are listed as uncounted and released, how uncounted UIDs move to the counters once their
// finalizer is gone, and that a pod is counted once whatever step a sync stopped at.

import { describe, expect, it } from 'vitest';
import { decideJob, type Job, type JobStatus } from '../../../src/controllers/job/job-decision.js';
import { countOutcomes, isPodFailed, JOB_TRACKING_FINALIZER, MAX_UNCOUNTED_PODS, settleUncounted, trackFinishedPods } from '../../../src/controllers/job/job-tracking.js';
import type { Pod } from '../../../src/controllers/shared/types.js';

const NOW = Date.parse('2026-01-01T00:01:00Z');
const job = (status: JobStatus = {}, spec: Partial<Job['spec']> = {}, deleting = false): Job => ({
  metadata: { name: 'pi', namespace: 'default', uid: 'job-uid', ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:30Z' } : {}) },
  spec: { completions: 3, template: {}, ...spec },
  status: { startTime: '2026-01-01T00:00:00Z', ...status },
});

/** "u1:Succeeded" holds the finalizer; "u1:Succeeded:counted" has lost it; ":deleting" is being deleted. */
const pod = (text: string): Pod => {
  const [uid, phase, ...flags] = text.split(':') as [string, string, ...string[]];
  return {
    metadata: {
      name: `pi-${uid}`,
      uid,
      ...(flags.includes('counted') ? {} : { finalizers: [JOB_TRACKING_FINALIZER] }),
      ...(flags.includes('deleting') ? { deletionTimestamp: '2026-01-01T00:00:50Z' } : {}),
    },
    status: { phase },
  };
};
const names = (pods: readonly Pod[]) => pods.map((p) => p.metadata.uid);

describe('trackFinishedPods', () => {
  it.each<{ name: string; status?: JobStatus; pods: string[]; finishing?: 'Complete' | 'Failed'; spec?: Partial<Job['spec']>; deleting?: boolean; removing?: string[]; uncounted: JobStatus['uncountedTerminatedPods']; release: string[] }>([
    { name: 'a succeeded pod is listed and released', pods: ['u1:Succeeded', 'u2:Running'], uncounted: { succeeded: ['u1'] }, release: ['u1'] },
    { name: 'a failed pod is listed as failed', pods: ['u1:Failed'], uncounted: { failed: ['u1'] }, release: ['u1'] },
    { name: 'a running pod being deleted counts as failed', pods: ['u1:Running:deleting'], uncounted: { failed: ['u1'] }, release: ['u1'] },
    { name: 'unless only failed pods are replaced', pods: ['u1:Running:deleting'], spec: { podReplacementPolicy: 'Failed' }, uncounted: {}, release: [] },
    { name: 'a pod without the finalizer was counted before', pods: ['u1:Succeeded:counted'], uncounted: {}, release: [] },
    { name: 'a pod whose removal is awaited is skipped', pods: ['u1:Succeeded'], removing: ['u1'], uncounted: {}, release: [] },
    { name: 'an uncounted pod is listed once', status: { uncountedTerminatedPods: { succeeded: ['u1'] } }, pods: ['u1:Succeeded', 'u2:Succeeded'], uncounted: { succeeded: ['u1', 'u2'] }, release: ['u1', 'u2'] },
    { name: 'a failing job counts its running pods as failed', pods: ['u1:Running', 'u2:Succeeded'], finishing: 'Failed', uncounted: { succeeded: ['u2'], failed: ['u1'] }, release: ['u1', 'u2'] },
    { name: 'a job being deleted releases every pod', pods: ['u1:Running', 'u2:Pending'], deleting: true, uncounted: {}, release: ['u1', 'u2'] },
  ])('$name', ({ status, pods, finishing, spec, deleting, removing, uncounted, release }) => {
    const tracking = trackFinishedPods(job(status, spec, deleting), pods.map(pod), finishing, new Set(removing));
    expect(tracking.status.uncountedTerminatedPods).toEqual(uncounted);
    expect(names(tracking.release)).toEqual(release);
    expect(tracking.capped).toBe(false);
  });

  it('moves an uncounted UID to the counters once its pod lost the finalizer or is gone', () => {
    const status: JobStatus = { succeeded: 1, failed: 2, uncountedTerminatedPods: { succeeded: ['u1', 'u2'], failed: ['u3'] } };
    expect(settleUncounted(status, new Set(['u2']))).toEqual({ succeeded: 2, failed: 3, uncountedTerminatedPods: { succeeded: ['u2'] } });
    expect(settleUncounted(status, new Set(['u1', 'u2', 'u3']))).toBe(status);
  });

  it('counts a pod once whichever step a sync stopped at', () => {
    // Written as uncounted, finalizer still there (a crash before the removal): one success, not two.
    const listed = job({ succeeded: 0, uncountedTerminatedPods: { succeeded: ['u1'] } });
    expect(countOutcomes(listed, [pod('u1:Succeeded')], new Set()).succeeded).toBe(1);
    // Finalizer gone, the counter not yet written: still one.
    expect(countOutcomes(listed, [pod('u1:Succeeded:counted')], new Set()).succeeded).toBe(1);
    // Counted and the pod since deleted by a user: the counter keeps it, so no replacement is made.
    const decision = decideJob(job({ succeeded: 2 }), [], NOW);
    expect(decision.succeeded).toBe(2);
    expect(decision.podDelta).toBe(1);
  });

  it('lists at most MaxUncountedPods per sync', () => {
    const many = Array.from({ length: MAX_UNCOUNTED_PODS + 20 }, (_, i) => pod(`u${i}:Succeeded`));
    const tracking = trackFinishedPods(job({}, { completions: 1000 }), many, undefined, new Set());
    expect(tracking.capped).toBe(true);
    expect(tracking.status.uncountedTerminatedPods?.succeeded).toHaveLength(MAX_UNCOUNTED_PODS);
    expect(tracking.release).toHaveLength(MAX_UNCOUNTED_PODS);
  });

  it('records an Indexed success in completedIndexes rather than as an uncounted UID', () => {
    const indexed = (uid: string, index: number, phase: string): Pod => {
      const p = pod(`${uid}:${phase}`);
      p.metadata.annotations = { 'batch.kubernetes.io/job-completion-index': String(index) };
      return p;
    };
    const stray = indexed('u9', 7, 'Succeeded');
    const tracking = trackFinishedPods(job({ completedIndexes: '0', succeeded: 1 }, { completionMode: 'Indexed' }), [indexed('u2', 2, 'Succeeded'), indexed('u1', 1, 'Running'), stray], undefined, new Set());
    expect(tracking.status).toMatchObject({ completedIndexes: '0,2', succeeded: 2, uncountedTerminatedPods: {} });
    // The pod with an index past completions is released without being counted.
    expect(names(tracking.release)).toEqual(['u9', 'u2']);
  });

  it('isPodFailed: Failed, or deleted before succeeding', () => {
    expect(isPodFailed(pod('u1:Failed'), job())).toBe(true);
    expect(isPodFailed(pod('u1:Succeeded:deleting'), job())).toBe(false);
    expect(isPodFailed(pod('u1:Running'), job())).toBe(false);
  });
});
