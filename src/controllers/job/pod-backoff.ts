// The Job controller's back-off before it replaces failed pods (backoff_utils.go): per job, the failures
// since the last success and when the last one happened; the next pod waits 10 s after one failure,
// doubling with each further one up to 10 minutes (kube's MaxJobPodFailureBackOff), and a success starts
// over. The record lives in the controller's memory, as kube's backoffStore does.

import type { ContainerStatus, Pod } from '../shared/types.js';

export const DEFAULT_POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 10 * 60_000;

export interface BackoffRecord {
  readonly failuresAfterLastSuccess: number;
  /** Milliseconds since the epoch. */
  readonly lastFailureTime?: number;
}

export const NO_FAILURES: BackoffRecord = { failuresAfterLastSuccess: 0 };

const parsed = (time: string | undefined | null): number | undefined => {
  const ms = time ? Date.parse(time) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
};

/** The latest finishedAt of the statuses, or undefined while one of them has not finished. */
function latestFinish(statuses: readonly ContainerStatus[], previous: number | undefined): number | undefined {
  let latest = previous;
  for (const status of statuses) {
    const finished = parsed(status.state?.terminated?.finishedAt);
    if (finished === undefined) return undefined;
    if (latest === undefined || finished > latest) latest = finished;
  }
  return latest;
}

/**
 * getFinishedTime: when every container (and sidecar) finished; else when Ready turned False; else the
 * deletion time less the grace period; else the creation time.
 */
export function finishedTime(pod: Pod): number {
  const status = pod.status ?? {};
  let fromContainers = latestFinish(status.containerStatuses ?? [], undefined);
  // Sidecars (restartable init containers) stop after the main containers.
  const initContainers = (pod.spec?.['initContainers'] ?? []) as { name?: string; restartPolicy?: string }[];
  const sidecars = new Set(initContainers.filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  if (fromContainers !== undefined && sidecars.size > 0) {
    fromContainers = latestFinish((status.initContainerStatuses ?? []).filter((s) => sidecars.has(s.name)), fromContainers);
  }
  if (fromContainers !== undefined) return fromContainers;
  const ready = status.conditions?.find((c) => c.type === 'Ready');
  const readyFalse = ready?.status === 'False' ? parsed(ready.lastTransitionTime) : undefined;
  if (readyFalse !== undefined) return readyFalse;
  const deleted = parsed(pod.metadata.deletionTimestamp);
  if (deleted !== undefined) return deleted - (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
  return parsed(pod.metadata.creationTimestamp) ?? 0;
}

/**
 * newBackoffRecord: the record after this sync's newly finished pods. Failures add up; a success resets
 * the count to the failures that finished after it.
 */
export function nextBackoffRecord(previous: BackoffRecord, newSucceeded: readonly Pod[], newFailed: readonly Pod[]): BackoffRecord {
  const failures = newFailed.map(finishedTime).sort((a, b) => a - b);
  if (newSucceeded.length === 0) {
    if (failures.length === 0) return previous;
    return { failuresAfterLastSuccess: previous.failuresAfterLastSuccess + failures.length, lastFailureTime: failures[failures.length - 1]! };
  }
  const lastSuccess = Math.max(...newSucceeded.map(finishedTime));
  const after = failures.filter((time) => time > lastSuccess);
  return after.length === 0 ? NO_FAILURES : { failuresAfterLastSuccess: after.length, lastFailureTime: after[after.length - 1]! };
}

/** getRemainingTimeForFailuresCount: how long the next pod still waits (0: create it now). */
export function remainingBackoff(failures: number, lastFailureTime: number | undefined, nowMs: number, baseMs = DEFAULT_POD_FAILURE_BACKOFF_MS, maxMs = MAX_POD_FAILURE_BACKOFF_MS): number {
  if (failures === 0 || lastFailureTime === undefined) return 0;
  let backoff = baseMs;
  for (let i = 1; i < failures; i++) {
    backoff *= 2;
    if (backoff >= maxMs) {
      backoff = maxMs;
      break;
    }
  }
  const elapsed = nowMs - lastFailureTime;
  return backoff < elapsed ? 0 : backoff - elapsed;
}
