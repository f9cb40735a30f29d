// backoffLimitPerIndex for Indexed Jobs (indexed_job_utils.go): each index may fail backoffLimitPerIndex
// times before it is failed for good. A pod carries its index's failures so far in an annotation; its
// replacement gets that count plus one, and waits the back-off its index's failures call for. The last
// failed pod of an index keeps its tracking finalizer until the replacement exists (it is the record of
// the count). The job fails once more than maxFailedIndexes failed, or once every index has either
// succeeded or failed with at least one failed.

import type { Pod } from '../shared/types.js';
import { completionIndex, parseIndexes } from './completion-index.js';
import type { Job } from './job.js';
import { hasTrackingFinalizer, isPodFailed } from './job-tracking.js';
import { finishedTime, remainingBackoff } from './pod-backoff.js';
import { matchPodFailurePolicy } from './pod-failure-policy.js';

export const INDEX_FAILURE_COUNT = 'batch.kubernetes.io/job-index-failure-count';
export const INDEX_IGNORED_FAILURE_COUNT = 'batch.kubernetes.io/job-index-ignored-failure-count';

export const hasBackoffLimitPerIndex = (job: Job): job is Job & { spec: { backoffLimitPerIndex: number; completions: number } } =>
  job.spec.backoffLimitPerIndex !== undefined && job.spec.completionMode === 'Indexed' && job.spec.completions !== undefined;

/** A count annotation as kube reads it: a non-negative integer, else 0. */
function countAnnotation(pod: Pod, name: string): number {
  const text = pod.metadata.annotations?.[name];
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : 0;
}

const absoluteFailures = (pod: Pod): number => countAnnotation(pod, INDEX_FAILURE_COUNT) + countAnnotation(pod, INDEX_IGNORED_FAILURE_COUNT);

/** isIndexFailed: a counted failure of a pod whose index already failed backoffLimitPerIndex times, or a FailIndex match. */
function isIndexFailed(job: Job & { spec: { backoffLimitPerIndex: number } }, pod: Pod): boolean {
  if (!isPodFailed(pod, job)) return false;
  const match = matchPodFailurePolicy(job.spec.podFailurePolicy, pod);
  if (match.action === 'FailIndex') return true;
  return match.countFailed && countAnnotation(pod, INDEX_FAILURE_COUNT) >= job.spec.backoffLimitPerIndex;
}

/** calculateFailedIndexes: status.failedIndexes plus the indexes of failed pods not counted yet, ascending. */
export function failedIndexes(job: Job & { spec: { backoffLimitPerIndex: number; completions: number } }, pods: readonly Pod[]): number[] {
  const failed = new Set(parseIndexes(job.status?.failedIndexes, job.spec.completions));
  for (const pod of pods) {
    const index = completionIndex(pod, job.spec.completions);
    if (index !== undefined && hasTrackingFinalizer(pod) && isIndexFailed(job, pod)) failed.add(index);
  }
  return [...failed].sort((a, b) => a - b);
}

/**
 * getPodsWithDelayedDeletionPerIndex: for each index with no success, failure or active pod, its last
 * failed pod still held by the finalizer (the most failures, then the latest finish).
 */
export function lastFailedPerIndex(
  job: Job & { spec: { completions: number } },
  pods: readonly Pod[],
  removing: ReadonlySet<string>,
  settled: { succeeded: readonly number[]; failed: readonly number[]; active: readonly Pod[] },
): Map<number, Pod> {
  const busy = new Set([...settled.succeeded, ...settled.failed, ...settled.active.map((pod) => completionIndex(pod, job.spec.completions))]);
  const last = new Map<number, Pod>();
  for (const pod of pods) {
    if (!hasTrackingFinalizer(pod) || removing.has(pod.metadata.uid ?? '') || !isPodFailed(pod, job)) continue;
    const index = completionIndex(pod, job.spec.completions);
    if (index === undefined || busy.has(index)) continue;
    const previous = last.get(index);
    if (!previous || (absoluteFailures(previous) <= absoluteFailures(pod) && finishedTime(pod) >= finishedTime(previous))) last.set(index, pod);
  }
  return last;
}

/** getNewIndexFailureCounts: the annotations of the pod replacing `replaced` (none replaced: a first pod, count 0). */
export function failureCountAnnotations(job: Job, replaced: Pod | undefined): Record<string, string> {
  if (!replaced) return { [INDEX_FAILURE_COUNT]: '0' };
  let failures = countAnnotation(replaced, INDEX_FAILURE_COUNT);
  let ignored = countAnnotation(replaced, INDEX_IGNORED_FAILURE_COUNT);
  if (matchPodFailurePolicy(job.spec.podFailurePolicy, replaced).countFailed) failures++;
  else ignored++;
  return { [INDEX_FAILURE_COUNT]: String(failures), ...(ignored > 0 ? { [INDEX_IGNORED_FAILURE_COUNT]: String(ignored) } : {}) };
}

/** getRemainingTimePerIndex: how long the replacement of `lastFailed` still waits. */
export function remainingForIndex(lastFailed: Pod | undefined, nowMs: number): number {
  return lastFailed ? remainingBackoff(absoluteFailures(lastFailed) + 1, finishedTime(lastFailed), nowMs) : 0;
}

/** The failure the job ends with, if its failed indexes call for one. */
export function failedIndexesEnd(job: Job & { spec: { completions: number } }, failed: number, succeeded: number): { reason: string; message: string } | undefined {
  const maxFailed = job.spec.maxFailedIndexes;
  if (maxFailed !== undefined && failed > maxFailed) return { reason: 'MaxFailedIndexesExceeded', message: 'Job has exceeded the specified maximal number of failed indexes' };
  if (failed > 0 && failed + succeeded >= job.spec.completions) return { reason: 'FailedIndexes', message: 'Job has failed indexes' };
  return undefined;
}
