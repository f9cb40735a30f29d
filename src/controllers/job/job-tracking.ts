// Job tracking with finalizers (trackJobStatusAndRemoveFinalizers): every pod the Job controller creates
// carries batch.kubernetes.io/job-tracking, so a finished pod cannot vanish before it is counted. A
// finished pod's UID first goes to status.uncountedTerminatedPods (an Indexed job's success to
// completedIndexes), that status is written, then the finalizer is removed, and only then does the UID
// move to the succeeded/failed counters. A crash between the steps neither loses nor double-counts a pod.

import type { Pod } from '../shared/types.js';
import { completionIndex, formatIndexes, parseIndexes } from './completion-index.js';
import type { Job, JobStatus } from './job.js';
import { matchPodFailurePolicy } from './pod-failure-policy.js';

export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
/** MaxUncountedPods: bounds the UIDs in status (and the finalizer removals of one sync). */
export const MAX_UNCOUNTED_PODS = 500;

export const hasTrackingFinalizer = (pod: Pod): boolean => pod.metadata.finalizers?.includes(JOB_TRACKING_FINALIZER) ?? false;

/** onlyReplaceFailedPods: with podReplacementPolicy Failed (or a podFailurePolicy) a terminating pod is not yet a failure. */
export const onlyReplaceFailedPods = (job: Job): boolean => job.spec.podReplacementPolicy === 'Failed' || job.spec.podFailurePolicy !== undefined;

/** isPodFailed: Failed, or being deleted before it succeeded (an orphan may never reach Failed). */
export function isPodFailed(pod: Pod, job: Job): boolean {
  if (pod.status?.phase === 'Failed') return true;
  if (onlyReplaceFailedPods(job)) return false;
  return pod.metadata.deletionTimestamp !== undefined && pod.status?.phase !== 'Succeeded';
}

interface Uncounted {
  succeeded: Set<string>;
  failed: Set<string>;
}

const uncountedOf = (status: JobStatus | undefined): Uncounted => ({
  succeeded: new Set(status?.uncountedTerminatedPods?.succeeded ?? []),
  failed: new Set(status?.uncountedTerminatedPods?.failed ?? []),
});

const uidOf = (pod: Pod): string => pod.metadata.uid ?? '';

/** A pod whose outcome is not in the counters yet: it has the finalizer and its removal is not awaited. */
const uncountedPod = (pod: Pod, removing: ReadonlySet<string>): boolean => hasTrackingFinalizer(pod) && !removing.has(uidOf(pod));

/** getNewFinishedPods: finished pods neither counted nor listed as uncounted yet. */
export function newFinishedPods(job: Job, pods: readonly Pod[], removing: ReadonlySet<string>): { succeeded: Pod[]; failed: Pod[] } {
  const uncounted = uncountedOf(job.status);
  const candidates = pods.filter((pod) => uncountedPod(pod, removing) && validIndex(job, pod));
  return {
    succeeded: candidates.filter((pod) => !uncounted.succeeded.has(uidOf(pod)) && pod.status?.phase === 'Succeeded'),
    failed: candidates.filter((pod) => !uncounted.failed.has(uidOf(pod)) && isPodFailed(pod, job)),
  };
}

/** nonIgnoredFailedPodsCount: a failure an Ignore rule of the podFailurePolicy matches does not count. */
const countsAsFailure = (job: Job, pod: Pod): boolean => matchPodFailurePolicy(job.spec.podFailurePolicy, pod).countFailed;

/** What the job has to its name: the counters, the uncounted UIDs and the finished pods not yet listed. */
export function countOutcomes(job: Job, pods: readonly Pod[], removing: ReadonlySet<string>): { succeeded: number; failed: number; newSucceeded: Pod[] } {
  const fresh = newFinishedPods(job, pods, removing);
  const uncounted = uncountedOf(job.status);
  return {
    succeeded: (job.status?.succeeded ?? 0) + fresh.succeeded.length + uncounted.succeeded.size,
    failed: (job.status?.failed ?? 0) + fresh.failed.filter((pod) => countsAsFailure(job, pod)).length + uncounted.failed.size,
    newSucceeded: fresh.succeeded,
  };
}

const isIndexed = (job: Job): job is Job & { spec: { completions: number } } => job.spec.completionMode === 'Indexed' && job.spec.completions !== undefined;

/** An Indexed job only counts pods with an index below completions. */
const validIndex = (job: Job, pod: Pod): boolean => !isIndexed(job) || completionIndex(pod, job.spec.completions) !== undefined;

/**
 * cleanUncountedPodsWithoutFinalizers: uncounted UIDs whose pod no longer has the finalizer (or is
 * gone) move to the counters. `withFinalizer` holds the UIDs still carrying it.
 */
export function settleUncounted(status: JobStatus, withFinalizer: ReadonlySet<string>): JobStatus {
  const succeeded = status.uncountedTerminatedPods?.succeeded ?? [];
  const failed = status.uncountedTerminatedPods?.failed ?? [];
  const keptSucceeded = succeeded.filter((uid) => withFinalizer.has(uid));
  const keptFailed = failed.filter((uid) => withFinalizer.has(uid));
  if (keptSucceeded.length === succeeded.length && keptFailed.length === failed.length) return status;
  return {
    ...status,
    succeeded: (status.succeeded ?? 0) + succeeded.length - keptSucceeded.length,
    failed: (status.failed ?? 0) + failed.length - keptFailed.length,
    uncountedTerminatedPods: uncountedList(keptSucceeded, keptFailed),
  };
}

/** The JSON of UncountedTerminatedPods: empty lists omitted, as Go's omitempty writes them. */
function uncountedList(succeeded: readonly string[], failed: readonly string[]): NonNullable<JobStatus['uncountedTerminatedPods']> {
  return { ...(succeeded.length > 0 ? { succeeded: [...succeeded] } : {}), ...(failed.length > 0 ? { failed: [...failed] } : {}) };
}

/** The UIDs of pods still holding the finalizer, less those whose removal is awaited. */
export function uidsWithFinalizer(pods: readonly Pod[], removing: ReadonlySet<string>): Set<string> {
  return new Set(pods.filter((pod) => uncountedPod(pod, removing)).map(uidOf));
}

export interface Tracking {
  /** The status to write before any finalizer is removed: new outcomes listed as uncounted (or completed indexes). */
  status: JobStatus;
  /** The pods whose finalizer may go once that status is stored. */
  release: Pod[];
  /** The cap on uncounted pods was reached: more remain for a later sync, so the job cannot finish yet. */
  capped: boolean;
}

/**
 * The first half of trackJobStatusAndRemoveFinalizers. A pod's finalizer may go when it succeeded,
 * failed (unless `held`: an index's last failure, kept until its replacement exists), or the job is being
 * deleted or finishing (canRemoveFinalizer); a finishing failure counts its unfinished pods as failed.
 */
export function trackFinishedPods(
  job: Job,
  pods: readonly Pod[],
  finishing: 'Complete' | 'Failed' | undefined,
  removing: ReadonlySet<string>,
  held: ReadonlySet<string> = new Set(),
): Tracking {
  const status = settleUncounted(job.status ?? {}, uidsWithFinalizer(pods, removing));
  const uncounted = uncountedOf(status);
  const succeeded = [...uncounted.succeeded];
  const failed = [...uncounted.failed];
  const indexed = isIndexed(job);
  const succeededIndexes: Pod[] = [];
  const release: Pod[] = [];
  let capped = false;
  const ordered = indexed ? [...pods].sort((a, b) => (completionIndex(a, job.spec.completions!) ?? -1) - (completionIndex(b, job.spec.completions!) ?? -1)) : pods;
  for (const pod of ordered) {
    if (!uncountedPod(pod, removing)) continue;
    const uid = uidOf(pod);
    const failedNow = isPodFailed(pod, job);
    if (!(job.metadata.deletionTimestamp || finishing || pod.status?.phase === 'Succeeded' || (failedNow && !held.has(uid)))) continue;
    release.push(pod);
    if (pod.status?.phase === 'Succeeded' && !uncounted.failed.has(uid)) {
      // An Indexed job's completion index is its record: no UID is kept for it.
      if (indexed) {
        if (validIndex(job, pod)) succeededIndexes.push(pod);
      } else if (!uncounted.succeeded.has(uid)) succeeded.push(uid);
    } else if ((failedNow || finishing === 'Failed') && !uncounted.failed.has(uid) && validIndex(job, pod) && countsAsFailure(job, pod)) {
      failed.push(uid);
    }
    if (succeededIndexes.length + succeeded.length + failed.length >= MAX_UNCOUNTED_PODS) {
      capped = true;
      break;
    }
  }
  const tracked: JobStatus = { ...status, uncountedTerminatedPods: uncountedList(succeeded, failed) };
  if (indexed) {
    const all = new Set([...parseIndexes(status.completedIndexes, job.spec.completions), ...succeededIndexes.map((pod) => completionIndex(pod, job.spec.completions)!)]);
    const sorted = [...all].sort((a, b) => a - b);
    tracked.completedIndexes = formatIndexes(sorted);
    tracked.succeeded = sorted.length;
  }
  return { status: tracked, release, capped };
}
