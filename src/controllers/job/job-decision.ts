// The Job controller's arithmetic (job_controller.go): how many pods to run (for an Indexed job, which
// indexes) and whether the job is done — Complete when enough pods (or every index) succeeded, Failed
// when a podFailurePolicy FailJob rule matches a failed pod, past backoffLimit (failures an Ignore rule
// matches do not count; with restartPolicy OnFailure, container restarts do) or past
// activeDeadlineSeconds; an Indexed job also fails on its failed indexes (backoffLimitPerIndex) and
// completes early when its successPolicy is met. Outcomes are counted from the status counters plus the
// finished pods still carrying the tracking finalizer (job-tracking.ts), so deleted pods stay counted.
// As in 1.32 (delayTerminalCondition), a job that reached its end first gets SuccessCriteriaMet or
// FailureTarget, and Complete or Failed only once its pods are counted and none is terminating; then the
// events kube records with that end (recordJobFinished).

import type { EventType } from '../../client/kube/index.js';
import { isPodActive, isPodReady } from '../shared/pod-util.js';
import type { Pod } from '../shared/types.js';
import { failedIndexes, failedIndexesEnd, hasBackoffLimitPerIndex, lastFailedPerIndex } from './backoff-per-index.js';
import { completionIndex, formatIndexes, pendingIndexes, sortActive, succeededIndexes } from './completion-index.js';
import type { Job, JobCondition, JobStatus } from './job.js';
import { countOutcomes, isPodFailed, onlyReplaceFailedPods } from './job-tracking.js';
import { matchPodFailurePolicy } from './pod-failure-policy.js';
import { matchSuccessPolicy, SUCCESS_POLICY_REASON } from './success-policy.js';

export type { Job, JobCondition, JobStatus } from './job.js';

export const DEFAULT_BACKOFF_LIMIT = 6;

export type FinishedCondition = { type: 'Complete' | 'Failed'; reason: string; message: string };

export interface JobDecision {
  /** Pods to create (positive) or active pods to delete (negative). */
  podDelta: number;
  /** active, ready and startTime as this sync leaves them; the counters are the tracking step's to move. */
  status: JobStatus;
  /** Succeeded (or completed indexes) and failed pods, counted or not yet. */
  succeeded: number;
  failed: number;
  /** Set when the job reached its end: the condition it gets once every finished pod is counted. */
  finished?: FinishedCondition;
  /** Indexed jobs: the index of each pod to create (as many as podDelta). */
  indexes?: number[];
  /** Indexed jobs: the active pods to delete (duplicates, stray indexes, over parallelism). */
  remove?: Pod[];
  /**
   * With backoffLimitPerIndex: each index's last failed pod, whose failure count its replacement takes
   * on and whose finalizer stays until that replacement exists.
   */
  lastFailed?: Map<number, Pod>;
}

/** The interim condition each end is announced with, until its pods are counted and gone. */
const INTERIM = { Complete: 'SuccessCriteriaMet', Failed: 'FailureTarget' } as const;
const COMPLETIONS_REACHED = { reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };

export function isFinished(job: Job): boolean {
  return (job.status?.conditions ?? []).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

/** A metav1.Time: whole seconds. */
export const timestamp = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** `removing`: UIDs of pods whose finalizer removal was sent but not yet seen (they are counted already). */
export function decideJob(job: Job, pods: readonly Pod[], nowMs: number, removing: ReadonlySet<string> = new Set()): JobDecision {
  const active = pods.filter(isPodActive);
  const completions = job.spec.completions;
  const indexed = job.spec.completionMode === 'Indexed' && completions !== undefined;
  const outcomes = countOutcomes(job, pods, removing);
  const doneIndexes = indexed ? succeededIndexes(job.status?.completedIndexes, outcomes.newSucceeded, completions).all : [];
  const succeeded = indexed ? doneIndexes.length : outcomes.succeeded;
  const failed = outcomes.failed;
  const terminating = pods.filter(isTerminating).length;
  const perIndex = hasBackoffLimitPerIndex(job);
  const failedIdx = perIndex ? failedIndexes(job, pods) : [];
  const status: JobStatus = {
    ...(job.status ?? {}),
    active: active.length,
    ready: active.filter(isPodReady).length,
    terminating,
    // A job's first start; a suspended job has not started.
    ...(job.status?.startTime || job.spec.suspend ? {} : { startTime: timestamp(nowMs) }),
    ...(perIndex ? { failedIndexes: formatIndexes(failedIdx) } : {}),
  };
  // Ending deletes every active pod, which then terminates.
  const finish = (type: 'Complete' | 'Failed', reason: string, message: string): JobDecision =>
    ({ podDelta: -active.length, status: { ...status, active: 0, ready: 0, terminating: terminating + active.length }, succeeded, failed, finished: { type, reason, message } });

  // An end once announced stands, whatever the pods do since.
  const announced = (status.conditions ?? []).find((c) => c.status === 'True' && (c.type === INTERIM.Complete || c.type === INTERIM.Failed));
  if (announced) return finish(announced.type === INTERIM.Complete ? 'Complete' : 'Failed', announced.reason ?? '', announced.message ?? '');

  const failJob = failJobMessage(job, pods);
  if (failJob !== undefined) return finish('Failed', 'PodFailurePolicy', failJob);
  const backoffLimit = job.spec.backoffLimit ?? DEFAULT_BACKOFF_LIMIT;
  if (failed > backoffLimit || pastBackoffLimitOnFailure(job, pods, backoffLimit)) return finish('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit');
  const deadline = job.spec.activeDeadlineSeconds;
  if (deadline !== undefined && !job.spec.suspend && status.startTime && Date.parse(status.startTime) + deadline * 1000 <= nowMs) return finish('Failed', 'DeadlineExceeded', 'Job was active longer than specified deadline');

  const indexesEnd = perIndex ? failedIndexesEnd(job, failedIdx.length, doneIndexes.length) : undefined;
  if (indexesEnd) return finish('Failed', indexesEnd.reason, indexesEnd.message);
  const successPolicyMet = indexed ? matchSuccessPolicy(job.spec.successPolicy, completions, doneIndexes) : undefined;
  if (successPolicyMet !== undefined) return finish('Complete', SUCCESS_POLICY_REASON, successPolicyMet);
  const parallelism = job.spec.suspend ? 0 : (job.spec.parallelism ?? 1);
  if (completions !== undefined ? succeeded >= completions : succeeded > 0 && active.length === 0) return finish('Complete', COMPLETIONS_REACHED.reason, COMPLETIONS_REACHED.message);
  const wanted = completions !== undefined ? Math.min(parallelism, completions - succeeded) : succeeded > 0 ? 0 : parallelism;
  // With podReplacementPolicy Failed (or a podFailurePolicy) a terminating pod is replaced only once it has failed.
  const replacing = onlyReplaceFailedPods(job) ? pods.filter(isTerminating) : [];
  if (indexed) {
    const { kept, extra } = sortActive(active, completions, new Set(doneIndexes));
    // Past parallelism (lowered, or suspended) the highest indexes go.
    const surplus = [...kept].sort(([a], [b]) => a - b).slice(wanted).map(([, pod]) => pod);
    const held = replacing.map((pod) => completionIndex(pod, completions)).filter((i) => i !== undefined);
    const indexes = pendingIndexes(Math.max(0, wanted - kept.size - replacing.length), completions, new Set([...doneIndexes, ...failedIdx, ...kept.keys(), ...held]));
    const lastFailed = perIndex ? lastFailedPerIndex(job, pods, removing, { succeeded: doneIndexes, failed: failedIdx, active }) : undefined;
    return { podDelta: indexes.length, status, succeeded, failed, indexes, remove: [...extra, ...surplus], ...(lastFailed ? { lastFailed } : {}) };
  }
  const delta = wanted - active.length;
  return { podDelta: delta > 0 ? Math.max(0, delta - replacing.length) : delta, status, succeeded, failed };
}

/** CountTerminatingPods: being deleted, not yet finished. */
function isTerminating(pod: Pod): boolean {
  return pod.metadata.deletionTimestamp !== undefined && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';
}

/**
 * pastBackoffLimitOnFailure: with restartPolicy OnFailure a failing container restarts in its pod rather
 * than failing it, so the restarts of the pods still Pending or Running count against backoffLimit.
 */
function pastBackoffLimitOnFailure(job: Job, pods: readonly Pod[], backoffLimit: number): boolean {
  if (job.spec.template.spec?.['restartPolicy'] !== 'OnFailure') return false;
  let restarts = 0;
  for (const pod of pods) {
    if (pod.status?.phase !== 'Running' && pod.status?.phase !== 'Pending') continue;
    for (const status of [...(pod.status.initContainerStatuses ?? []), ...(pod.status.containerStatuses ?? [])]) restarts += status.restartCount ?? 0;
  }
  return backoffLimit === 0 ? restarts > 0 : restarts >= backoffLimit;
}

/** getFailJobMessage: the message of the first failed pod a FailJob rule matches. */
function failJobMessage(job: Job, pods: readonly Pod[]): string | undefined {
  if (!job.spec.podFailurePolicy) return undefined;
  for (const pod of pods) {
    const message = isPodFailed(pod, job) ? matchPodFailurePolicy(job.spec.podFailurePolicy, pod).failJobMessage : undefined;
    if (message !== undefined) return message;
  }
  return undefined;
}

/** newCondition: probed and changed now; an empty reason or message is left out, as Go's omitempty does. */
export function newCondition(type: string, status: JobCondition['status'], reason: string, message: string, nowMs: number): JobCondition {
  const now = timestamp(nowMs);
  return { type, status, lastProbeTime: now, lastTransitionTime: now, ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
}

const condition = (type: string, finished: FinishedCondition, nowMs: number): JobCondition => newCondition(type, 'True', finished.reason, finished.message, nowMs);

/** The interim SuccessCriteriaMet or FailureTarget condition, written with the first outcomes of the end. */
export function announceEnd(status: JobStatus, finished: FinishedCondition, nowMs: number): JobStatus {
  const type = INTERIM[finished.type];
  if ((status.conditions ?? []).some((c) => c.type === type && c.status === 'True')) return status;
  return { ...status, conditions: [...(status.conditions ?? []), condition(type, finished, nowMs)] };
}

/**
 * recordJobFinished: the events a job gets with its Complete or Failed condition. A Complete job whose
 * succeeded count (once counted) passed completions is warned about first: adopted or late pods
 * succeeded beyond what was asked. An Indexed job never is, its count being its completed indexes.
 */
export function finishedEvents(job: Job, finished: FinishedCondition): { type: EventType; reason: string; message: string }[] {
  if (finished.type === 'Failed') return [{ type: 'Warning', reason: finished.reason, message: finished.message }];
  const completions = job.spec.completions;
  const tooMany = completions !== undefined && (job.status?.succeeded ?? 0) > completions;
  return [
    ...(tooMany ? [{ type: 'Warning' as const, reason: 'TooManySucceededPods', message: 'Too many succeeded pods running after completion count reached' }] : []),
    { type: 'Normal', reason: 'Completed', message: 'Job completed' },
  ];
}

/** enactJobFinished: Complete or Failed (and completionTime), once no finished pod is uncounted and none terminates. */
export function enactFinished(status: JobStatus, finished: FinishedCondition, nowMs: number): JobStatus {
  const done = condition(finished.type, finished, nowMs);
  return { ...status, conditions: [...(status.conditions ?? []), done], ...(finished.type === 'Complete' ? { completionTime: done.lastTransitionTime } : {}) };
}
