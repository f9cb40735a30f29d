// backoffLimitPerIndex, with cases after kube's indexed_job_utils_test.go and backoff_utils_test.go:
// the failure counts a replacement pod carries, its index's back-off, which indexes failed for good, how
// the job ends, and the last failure of an index kept (finalizer and all) until it is replaced.
import { describe, expect, it } from 'vitest';
import { failedIndexes, failedIndexesEnd, failureCountAnnotations, INDEX_FAILURE_COUNT, INDEX_IGNORED_FAILURE_COUNT, remainingForIndex } from '../../../src/controllers/job/backoff-per-index.js';
import { COMPLETION_INDEX } from '../../../src/controllers/job/completion-index.js';
import { announceEnd, decideJob, type Job } from '../../../src/controllers/job/job-decision.js';
import { JOB_TRACKING_FINALIZER, settleUncounted, trackFinishedPods } from '../../../src/controllers/job/job-tracking.js';
import type { Pod } from '../../../src/controllers/shared/types.js';

const T = Date.parse('2026-01-01T00:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();

/** A pod of `index` with `failures` (and `ignored`) before it, finished at T when Failed or Succeeded. */
function pod(index: number, phase: string, failures = 0, ignored = 0, exitCode = 1): Pod {
  const annotations: Record<string, string> = { [COMPLETION_INDEX]: String(index), [INDEX_FAILURE_COUNT]: String(failures) };
  if (ignored > 0) annotations[INDEX_IGNORED_FAILURE_COUNT] = String(ignored);
  const terminated = phase === 'Running' ? {} : { state: { terminated: { exitCode: phase === 'Succeeded' ? 0 : exitCode, finishedAt: iso(T) } } };
  return {
    metadata: { name: `j-${index}-${failures}-${ignored}`, namespace: 'default', uid: `u${index}-${failures}-${ignored}`, annotations, finalizers: [JOB_TRACKING_FINALIZER] },
    status: { phase, containerStatuses: [{ name: 'main', ...terminated }] },
  };
}

const job = (spec: Partial<Job['spec']> = {}, status: Job['status'] = {}): Job & { spec: { backoffLimitPerIndex: number; completions: number } } => ({
  metadata: { name: 'j', namespace: 'default' },
  spec: { completions: 3, parallelism: 3, completionMode: 'Indexed', backoffLimit: 2147483647, backoffLimitPerIndex: 1, podReplacementPolicy: 'TerminatingOrFailed', template: {}, ...spec } as Job['spec'] & { backoffLimitPerIndex: number; completions: number },
  status: { startTime: '2026-01-01T00:00:00Z', ...status },
});

describe('failureCountAnnotations (getNewIndexFailureCounts)', () => {
  it.each([
    { name: 'a first pod: count 0', replaced: undefined, spec: {}, want: { [INDEX_FAILURE_COUNT]: '0' } },
    { name: 'replacing a counted failure: one more', replaced: pod(0, 'Failed', 1), spec: {}, want: { [INDEX_FAILURE_COUNT]: '2' } },
    {
      name: 'replacing a failure an Ignore rule matches: one more ignored',
      replaced: pod(0, 'Failed', 1, 0, 3),
      spec: { podFailurePolicy: { rules: [{ action: 'Ignore' as const, onExitCodes: { operator: 'In' as const, values: [3] } }] } },
      want: { [INDEX_FAILURE_COUNT]: '1', [INDEX_IGNORED_FAILURE_COUNT]: '1' },
    },
  ])('$name', ({ replaced, spec, want }) => expect(failureCountAnnotations(job(spec), replaced)).toEqual(want));
});

describe('remainingForIndex (getRemainingTimePerIndex)', () => {
  it.each([
    { name: 'no failed pod', last: undefined, now: T, want: 0 },
    { name: 'a first failure, now', last: pod(0, 'Failed', 0), now: T, want: 10_000 },
    { name: 'a second failure, 5 s later', last: pod(0, 'Failed', 1), now: T + 5000, want: 15_000 },
    { name: 'ignored failures count too', last: pod(0, 'Failed', 1, 1), now: T, want: 40_000 },
    { name: 'past the back-off', last: pod(0, 'Failed', 0), now: T + 11_000, want: 0 },
  ])('$name', ({ last, now, want }) => expect(remainingForIndex(last, now)).toBe(want));
});

describe('failedIndexes (calculateFailedIndexes)', () => {
  it.each([
    { name: 'a failure within the limit fails nothing', pods: [pod(0, 'Failed', 0)], status: {}, want: [] },
    { name: 'a failure at the limit fails its index', pods: [pod(0, 'Failed', 1), pod(1, 'Failed', 0)], status: {}, want: [0] },
    { name: 'the indexes already in status stay', pods: [pod(0, 'Failed', 1)], status: { failedIndexes: '2' }, want: [0, 2] },
    {
      name: 'a FailIndex rule fails the index at once',
      pods: [pod(1, 'Failed', 0, 0, 9)],
      status: {},
      spec: { podFailurePolicy: { rules: [{ action: 'FailIndex' as const, onExitCodes: { operator: 'In' as const, values: [9] } }] } },
      want: [1],
    },
  ])('$name', ({ pods, status, spec, want }) => expect(failedIndexes(job(spec ?? {}, status), pods)).toEqual(want));
});

describe('failedIndexesEnd', () => {
  it.each([
    { name: 'nothing failed', spec: {}, failed: 0, succeeded: 3, want: undefined },
    { name: 'some still running', spec: {}, failed: 1, succeeded: 1, want: undefined },
    { name: 'every index ended, one failed', spec: {}, failed: 1, succeeded: 2, want: { reason: 'FailedIndexes', message: 'Job has failed indexes' } },
    { name: 'past maxFailedIndexes', spec: { maxFailedIndexes: 0 }, failed: 1, succeeded: 0, want: { reason: 'MaxFailedIndexesExceeded', message: 'Job has exceeded the specified maximal number of failed indexes' } },
  ])('$name', ({ spec, failed, succeeded, want }) => expect(failedIndexesEnd(job(spec), failed, succeeded)).toEqual(want));
});

describe('the Job controller with backoffLimitPerIndex', () => {
  it("replaces a failed index with its last failure's count, keeping that pod until then", () => {
    const failed = pod(0, 'Failed', 0);
    const decision = decideJob(job(), [failed, pod(1, 'Running'), pod(2, 'Running')], T);
    expect(decision).toMatchObject({ podDelta: 1, indexes: [0], status: { failedIndexes: '' } });
    expect(decision.lastFailed?.get(0)).toBe(failed);
    const tracking = trackFinishedPods(job(), [failed], undefined, new Set(), new Set([failed.metadata.uid!]));
    expect(tracking.release).toEqual([]);
  });

  it('fails the job once every index ended with one failed for good', () => {
    const decision = decideJob(job(), [pod(0, 'Failed', 1), pod(1, 'Succeeded'), pod(2, 'Succeeded')], T);
    expect(decision.finished).toEqual({ type: 'Failed', reason: 'FailedIndexes', message: 'Job has failed indexes' });
    expect(decision.status.failedIndexes).toBe('0');
  });
});

// kube's TestSyncJobWithJobBackoffLimitPerIndex cases, and what its activePodsForRemoval does (and does not) delete.
describe('failed indexes, as kube handles them', () => {
  const failIndexOn3 = { podFailurePolicy: { rules: [{ action: 'FailIndex' as const, onExitCodes: { operator: 'In' as const, values: [3] } }] } };
  const uids = (pods: readonly Pod[]): string[] => pods.map((p) => p.metadata.uid!);

  it('single failed index due to FailIndex action, the job continues: no retry, the failed pod released and counted', () => {
    const spec = { completions: 2, parallelism: 2, ...failIndexOn3 };
    const failed = pod(0, 'Failed', 0, 0, 3);
    const decision = decideJob(job(spec), [failed], T);
    expect(decision).toMatchObject({ podDelta: 1, indexes: [1], status: { failedIndexes: '0' } });
    expect(decision.finished).toBeUndefined();
    // The index failed for good: its last failure is not kept for a replacement.
    expect(decision.lastFailed?.has(0)).toBe(false);
    const tracking = trackFinishedPods(job(spec, decision.status), [failed], undefined, new Set());
    expect(uids(tracking.release)).toEqual([failed.metadata.uid]);
    expect(settleUncounted(tracking.status, new Set())).toMatchObject({ failed: 1, failedIndexes: '0', uncountedTerminatedPods: {} });
  });

  it("a failed index's pod still running is left to run, as kube's activePodsForRemoval only drops duplicate or stray indexes", () => {
    const spec = { completions: 2, parallelism: 2, ...failIndexOn3 };
    const [running, twin] = [pod(0, 'Running', 1), pod(0, 'Running', 2)];
    const decision = decideJob(job(spec), [pod(0, 'Failed', 0, 0, 3), running, twin], T);
    expect(decision.status.failedIndexes).toBe('0');
    // Of the two pods running index 0 one goes as a duplicate; none goes for the failure.
    expect(uids(decision.remove!)).toEqual([twin.metadata.uid]);
    expect(decideJob(job(spec), [pod(0, 'Failed', 0, 0, 3), running], T)).toMatchObject({ remove: [], podDelta: 1, indexes: [1], status: { active: 1 } });
  });

  it('job failed due to exceeding max failed indexes: FailureTarget first, the running pod deleted and counted failed', () => {
    const spec = { completions: 4, parallelism: 4, maxFailedIndexes: 1 };
    const pods = [pod(0, 'Failed', 1), pod(1, 'Succeeded'), pod(2, 'Failed', 1), pod(3, 'Running')];
    const decision = decideJob(job(spec), pods, T);
    const exceeded = { reason: 'MaxFailedIndexesExceeded', message: 'Job has exceeded the specified maximal number of failed indexes' };
    expect(decision).toMatchObject({ podDelta: -1, finished: { type: 'Failed', ...exceeded }, status: { failedIndexes: '0,2', active: 0, terminating: 1 } });
    const tracking = trackFinishedPods(job(spec, announceEnd(decision.status, decision.finished!, T)), pods, 'Failed', new Set());
    const settled = settleUncounted(tracking.status, new Set());
    expect(settled).toMatchObject({ failed: 3, succeeded: 1, completedIndexes: '1', failedIndexes: '0,2', terminating: 1 });
    expect(settled.conditions?.map((c) => [c.type, c.reason, c.message])).toEqual([['FailureTarget', exceeded.reason, exceeded.message]]);
  });

  it('failed indexes win over a successPolicy met in the same sync', () => {
    const spec = { completions: 2, parallelism: 2, successPolicy: { rules: [{ succeededIndexes: '0,1', succeededCount: 1 }] } };
    const decision = decideJob(job(spec), [pod(0, 'Failed', 1), pod(1, 'Succeeded')], T);
    expect(decision.finished).toEqual({ type: 'Failed', reason: 'FailedIndexes', message: 'Job has failed indexes' });
  });
});
