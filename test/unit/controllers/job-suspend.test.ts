// Suspending and resuming a Job, after kube's syncJob cases ("suspending a job with satisfied
// expectations", "resuming a suspended job"): the Suspended condition and its event, startTime starting
// over on resume, and a suspended job neither starting its clock nor failing on its deadline.

import { describe, expect, it } from 'vitest';
import { decideJob, type Job, type JobStatus } from '../../../src/controllers/job/job-decision.js';
import { JOB_TRACKING_FINALIZER } from '../../../src/controllers/job/job-tracking.js';
import { suspendChange } from '../../../src/controllers/job/suspend.js';
import type { Pod } from '../../../src/controllers/shared/types.js';

const NOW = Date.parse('2026-01-01T01:00:00Z');
const AT = '2026-01-01T01:00:00Z';
const job = (suspend: boolean, status: JobStatus = {}, spec: Partial<Job['spec']> = {}): Job => ({
  metadata: { name: 'pi', namespace: 'default' },
  spec: { completions: 5, parallelism: 2, suspend, template: {}, ...spec },
  status,
});
const suspended = { type: 'Suspended', status: 'True' as const, reason: 'JobSuspended', message: 'Job suspended', lastProbeTime: '2026-01-01T00:10:00Z', lastTransitionTime: '2026-01-01T00:10:00Z' };
const running = (n: number): Pod[] => Array.from({ length: n }, (_, i) => ({ metadata: { name: `pi-${i}`, uid: `u${i}`, finalizers: [JOB_TRACKING_FINALIZER] }, status: { phase: 'Running' } }));

describe('suspendChange', () => {
  it('a job never suspended gets no condition', () => {
    expect(suspendChange(job(false, { startTime: '2026-01-01T00:00:00Z' }), { startTime: '2026-01-01T00:00:00Z' }, NOW)).toBeUndefined();
  });

  it('suspending adds Suspended True, reason JobSuspended, with a Suspended event; once only', () => {
    const change = suspendChange(job(true), { active: 0 }, NOW)!;
    expect(change.status.conditions).toEqual([{ type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended', lastProbeTime: AT, lastTransitionTime: AT }]);
    expect(change.event).toEqual({ reason: 'Suspended', message: 'Job suspended' });
    expect(change.status.startTime).toBeUndefined();
    expect(suspendChange(job(true), change.status, NOW + 5000)).toBeUndefined();
  });

  it('resuming turns it False, reason JobResumed, with a Resumed event, and starts the active time over', () => {
    const before: JobStatus = { startTime: '2026-01-01T00:00:00Z', conditions: [{ type: 'Complete', status: 'False' }, suspended] };
    const change = suspendChange(job(false, before), before, NOW)!;
    expect(change.status.conditions).toEqual([{ type: 'Complete', status: 'False' }, { type: 'Suspended', status: 'False', reason: 'JobResumed', message: 'Job resumed', lastProbeTime: AT, lastTransitionTime: AT }]);
    expect(change.event).toEqual({ reason: 'Resumed', message: 'Job resumed' });
    expect(change.status.startTime).toBe(AT);
    expect(suspendChange(job(false, change.status), change.status, NOW + 5000)).toBeUndefined();
    // Suspended again: the same condition turns True again.
    expect(suspendChange(job(true, change.status), change.status, NOW + 9000)?.status.conditions?.[1]).toMatchObject({ type: 'Suspended', status: 'True', reason: 'JobSuspended' });
  });
});

describe('decideJob for a suspended job', () => {
  it('deletes every active pod and starts no clock', () => {
    const decision = decideJob(job(true), running(2), NOW);
    expect(decision.podDelta).toBe(-2);
    expect(decision.status.startTime).toBeUndefined();
    expect(decision.finished).toBeUndefined();
  });

  it('is not failed by activeDeadlineSeconds while suspended; a running one is', () => {
    const started = { startTime: '2026-01-01T00:00:00Z' };
    expect(decideJob(job(true, started, { activeDeadlineSeconds: 60 }), [], NOW).finished).toBeUndefined();
    expect(decideJob(job(false, started, { activeDeadlineSeconds: 60 }), running(1), NOW).finished).toMatchObject({ reason: 'DeadlineExceeded' });
  });

  it('a job created running gets its startTime at its first sync', () => {
    expect(decideJob(job(false), [], NOW).status.startTime).toBe(AT);
  });
});
