import { describe, expect, it } from 'vitest';
import { COMPLETION_INDEX } from '../../../src/controllers/job/completion-index.js';
import { announceEnd, decideJob, enactFinished, finishedEvents, type Job } from '../../../src/controllers/job/job-decision.js';
import { JOB_TRACKING_FINALIZER, settleUncounted, trackFinishedPods } from '../../../src/controllers/job/job-tracking.js';
import { managedElsewhere } from '../../../src/controllers/job/job.js';
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

  it('completes when enough pods succeeded: SuccessCriteriaMet first, then Complete', () => {
    const decision = decideJob(job({ completions: 2 }), pods(['Succeeded', 'Succeeded']), NOW);
    const reached = { reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
    expect(decision.finished).toEqual({ type: 'Complete', ...reached });
    expect(decision.succeeded).toBe(2);
    const announced = announceEnd(decision.status, decision.finished!, NOW);
    expect(announceEnd(announced, decision.finished!, NOW)).toBe(announced);
    const done = enactFinished(announced, decision.finished!, NOW);
    expect(done).toMatchObject({ active: 0, terminating: 0, completionTime: '2026-01-01T00:01:00Z' });
    const at = { status: 'True', lastProbeTime: '2026-01-01T00:01:00Z', lastTransitionTime: '2026-01-01T00:01:00Z', ...reached };
    expect(done.conditions).toEqual([{ type: 'SuccessCriteriaMet', ...at }, { type: 'Complete', ...at }]);
  });

  it('an announced end stands, and the pods it deletes are terminating', () => {
    const failing = decideJob(job({ backoffLimit: 0, parallelism: 2 }), pods(['Failed', 'Running']), NOW);
    const announced = announceEnd(failing.status, failing.finished!, NOW);
    expect(announced.conditions?.map((c) => c.type)).toEqual(['FailureTarget']);
    expect(announced).toMatchObject({ active: 0, terminating: 1 });
    // Later the failure is forgotten by the pods (none left), but the job still ends as announced.
    const later = decideJob({ ...job({ backoffLimit: 0 }), status: { ...announced, failed: 0 } }, [], NOW);
    expect(later.finished).toEqual({ type: 'Failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(later.podDelta === 0).toBe(true);
  });

  it('fails past the backoff limit, deleting what still runs', () => {
    const decision = decideJob(job({ backoffLimit: 1, parallelism: 2 }), pods(['Failed', 'Failed', 'Running']), NOW);
    expect(decision.podDelta).toBe(-1);
    expect(decision.finished).toEqual({ type: 'Failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(enactFinished(decision.status, decision.finished!, NOW).conditions?.[0]).toMatchObject({ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' });
    expect(enactFinished(decision.status, decision.finished!, NOW).completionTime).toBeUndefined();
  });

  // kube's TestJobBackoffForOnFailure: with restartPolicy OnFailure the restarts of Pending and Running pods count.
  it.each([
    { name: 'backoffLimit 0, no restart', limit: 0, pods: [['Running', 0]], fails: false },
    { name: 'backoffLimit 0, one restart', limit: 0, pods: [['Running', 1]], fails: true },
    { name: 'backoffLimit 1, restartCount 1, Running', limit: 1, pods: [['Running', 1]], fails: true },
    { name: 'backoffLimit 1, restartCount 1, Pending', limit: 1, pods: [['Pending', 1]], fails: true },
    { name: 'backoffLimit 2, two pods restarted once each', limit: 2, pods: [['Running', 1], ['Pending', 1]], fails: true },
    { name: 'backoffLimit 2, one restart', limit: 2, pods: [['Running', 1]], fails: false },
    { name: 'restarts of a finished pod do not count', limit: 1, pods: [['Succeeded', 3], ['Running', 0]], fails: false },
  ] as { name: string; limit: number; pods: [string, number][]; fails: boolean }[])('restartPolicy OnFailure: $name', ({ limit, pods: specs, fails }) => {
    const restarted = specs.map(([phase, restartCount], i): Pod => ({
      metadata: { name: `pi-${i}`, uid: `u${i}`, finalizers: [JOB_TRACKING_FINALIZER] },
      status: { phase, containerStatuses: [{ name: 'main', restartCount }] },
    }));
    const onFailure = job({ completions: 3, parallelism: 2, backoffLimit: limit, template: { spec: { restartPolicy: 'OnFailure' } } });
    const decision = decideJob(onFailure, restarted, NOW);
    expect(decision.finished).toEqual(fails ? { type: 'Failed', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' } : undefined);
    // restartPolicy Never: restarts (which a kubelet would not make) are not looked at.
    expect(decideJob(job({ completions: 3, parallelism: 2, backoffLimit: limit, template: { spec: { restartPolicy: 'Never' } } }), restarted, NOW).finished).toBeUndefined();
  });

  it('fails past activeDeadlineSeconds', () => {
    expect(decideJob(job({ activeDeadlineSeconds: 120 }), pods(['Running']), NOW).finished).toBeUndefined();
    expect(decideJob(job({ activeDeadlineSeconds: 60 }), pods(['Running']), NOW).finished).toEqual({ type: 'Failed', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
  });
});

describe('finishedEvents (recordJobFinished)', () => {
  const completed = { type: 'Normal', reason: 'Completed', message: 'Job completed' };
  const tooMany = { type: 'Warning', reason: 'TooManySucceededPods', message: 'Too many succeeded pods running after completion count reached' };
  /** The status a sync leaves once every finished pod is counted and its finalizer gone. */
  const counted = (j: Job, all: Pod[]): Job => {
    const decision = decideJob(j, all, NOW);
    const tracked = trackFinishedPods({ ...j, status: announceEnd(decision.status, decision.finished!, NOW) }, all, decision.finished!.type, new Set());
    return { ...j, status: settleUncounted(tracked.status, new Set()) };
  };

  it('warns first when more pods succeeded than completions, as two adopted successes for one completion', () => {
    const done = counted(job({ completions: 1 }), pods(['Succeeded', 'Succeeded']));
    expect(done.status?.succeeded).toBe(2);
    expect(finishedEvents(done, { type: 'Complete', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' })).toEqual([tooMany, completed]);
  });

  it.each([
    { name: 'exactly completions', spec: { completions: 2 }, phases: ['Succeeded', 'Succeeded'] },
    { name: 'no completions (work queue)', spec: { parallelism: 2 }, phases: ['Succeeded', 'Succeeded'] },
  ])('no warning with $name', ({ spec, phases }) => {
    const done = counted(job(spec), pods(phases));
    expect(finishedEvents(done, { type: 'Complete', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' })).toEqual([completed]);
  });

  it('never warns an Indexed job: two successes of one index count once', () => {
    const indexed = pods(['Succeeded', 'Succeeded']).map((p) => ({ ...p, metadata: { ...p.metadata, annotations: { [COMPLETION_INDEX]: '0' } } }));
    const done = counted(job({ completions: 1, completionMode: 'Indexed' }), indexed);
    expect(done.status).toMatchObject({ succeeded: 1, completedIndexes: '0' });
    expect(finishedEvents(done, { type: 'Complete', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' })).toEqual([completed]);
  });

  it('a failed job gets one warning with its reason and message', () => {
    const failed = { type: 'Failed' as const, reason: 'MaxFailedIndexesExceeded', message: 'Job has exceeded the specified maximal number of failed indexes' };
    expect(finishedEvents(job({ completions: 1 }), failed)).toEqual([{ type: 'Warning', reason: failed.reason, message: failed.message }]);
  });
});

describe('managedElsewhere (managedByExternalController)', () => {
  it.each([
    { managedBy: undefined, want: false },
    { managedBy: 'kubernetes.io/job-controller', want: false },
    { managedBy: 'example.com/queue', want: true },
  ])('managedBy $managedBy: $want', ({ managedBy, want }) => {
    expect(managedElsewhere(job(managedBy === undefined ? {} : { managedBy }))).toBe(want);
  });
});
