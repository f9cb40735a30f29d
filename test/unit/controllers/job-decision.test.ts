import { describe, expect, it } from 'vitest';
import { decideJob, enactFinished, type Job } from '../../../src/controllers/job/job-decision.js';
import { JOB_TRACKING_FINALIZER } from '../../../src/controllers/job/job-tracking.js';
import type { Pod } from '../../../src/controllers/shared/types.js';

const NOW = Date.parse('2026-01-01T00:01:00Z');

function job(spec: Partial<Job['spec']> = {}, startTime = '2026-01-01T00:00:00Z'): Job {
  return { metadata: { name: 'pi', namespace: 'default' }, spec: { template: {}, ...spec }, status: { startTime } };
}

/** Pods as the controller creates them: with the tracking finalizer until their outcome is counted. */
const pods = (phases: string[]): Pod[] => phases.map((phase, i) => ({ metadata: { name: `pi-${i}`, uid: `u${i}`, finalizers: [JOB_TRACKING_FINALIZER] }, status: { phase } }));

describe('decideJob', () => {
  it.each([
    { name: 'a new job starts parallelism pods', spec: {}, phases: [], delta: 1, counts: { active: 0, succeeded: 0, failed: 0 } },
    { name: 'parallelism capped by remaining completions', spec: { completions: 5, parallelism: 3 }, phases: ['Succeeded', 'Succeeded', 'Succeeded', 'Running'], delta: 1, counts: { active: 1, succeeded: 3 } },
    { name: 'a failed pod is replaced within the backoff limit', spec: { backoffLimit: 2 }, phases: ['Failed'], delta: 1, counts: { failed: 1 } },
    { name: 'suspended jobs run nothing', spec: { suspend: true }, phases: ['Running'], delta: -1, counts: { active: 1 } },
    { name: 'work-queue mode stops starting pods after a success', spec: { parallelism: 2 }, phases: ['Succeeded', 'Running'], delta: -1, counts: { active: 1, succeeded: 1 } },
  ])('$name', ({ spec, phases, delta, counts }) => {
    const decision = decideJob(job(spec), pods(phases), NOW);
    expect(decision.podDelta).toBe(delta);
    expect({ active: decision.status.active, succeeded: decision.succeeded, failed: decision.failed }).toMatchObject(counts);
    expect(decision.finished).toBeUndefined();
  });

  it('completes when enough pods succeeded', () => {
    const decision = decideJob(job({ completions: 2 }), pods(['Succeeded', 'Succeeded']), NOW);
    expect(decision.finished).toEqual({ type: 'Complete', reason: '', message: '' });
    expect(decision.succeeded).toBe(2);
    const done = enactFinished(decision.status, decision.finished!, NOW);
    expect(done).toMatchObject({ active: 0, completionTime: '2026-01-01T00:01:00Z' });
    expect(done.conditions).toEqual([{ type: 'Complete', status: 'True', lastProbeTime: '2026-01-01T00:01:00Z', lastTransitionTime: '2026-01-01T00:01:00Z' }]);
  });

  it('fails past the backoff limit, deleting what still runs', () => {
    const decision = decideJob(job({ backoffLimit: 1, parallelism: 2 }), pods(['Failed', 'Failed', 'Running']), NOW);
    expect(decision.podDelta).toBe(-1);
    expect(decision.finished).toEqual({ type: 'Failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(enactFinished(decision.status, decision.finished!, NOW).conditions?.[0]).toMatchObject({ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' });
    expect(enactFinished(decision.status, decision.finished!, NOW).completionTime).toBeUndefined();
  });

  it('fails past activeDeadlineSeconds', () => {
    expect(decideJob(job({ activeDeadlineSeconds: 120 }), pods(['Running']), NOW).finished).toBeUndefined();
    expect(decideJob(job({ activeDeadlineSeconds: 60 }), pods(['Running']), NOW).finished).toEqual({ type: 'Failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
  });
});
