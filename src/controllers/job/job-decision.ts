// The Job controller's arithmetic (job_controller.go): how many pods to run (for an Indexed job, which
// indexes) and the new status — Complete when enough pods (or every index) succeeded, Failed past
// backoffLimit or activeDeadlineSeconds.

import type { KubeObject } from '../../client/kube/index.js';
import { isPodReady } from '../shared/pod-util.js';
import type { Pod, PodTemplate } from '../shared/types.js';
import { formatIndexes, pendingIndexes, sortActive, succeededIndexes } from './completion-index.js';

export const DEFAULT_BACKOFF_LIMIT = 6;

export interface JobCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastProbeTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface JobStatus {
  active?: number;
  succeeded?: number;
  failed?: number;
  ready?: number;
  startTime?: string;
  completionTime?: string;
  completedIndexes?: string;
  conditions?: JobCondition[];
}

export interface Job extends KubeObject {
  spec: {
    parallelism?: number;
    completions?: number;
    completionMode?: 'NonIndexed' | 'Indexed';
    backoffLimit?: number;
    activeDeadlineSeconds?: number;
    suspend?: boolean;
    template: PodTemplate;
  };
  status?: JobStatus;
}

export interface JobDecision {
  /** Pods to create (positive) or active pods to delete (negative). */
  podDelta: number;
  status: JobStatus;
  /** Set when the job just finished: the condition type and the event to record. */
  finished?: { type: 'Complete' | 'Failed'; reason: string; message: string };
  /** Indexed jobs: the index of each pod to create (as many as podDelta). */
  indexes?: number[];
  /** Indexed jobs: the active pods to delete (duplicates, stray indexes, over parallelism). */
  remove?: Pod[];
}

export function isFinished(job: Job): boolean {
  return (job.status?.conditions ?? []).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

export function decideJob(job: Job, pods: readonly Pod[], nowMs: number): JobDecision {
  const now = new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const active = pods.filter((pod) => !pod.metadata.deletionTimestamp && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed');
  const completions = job.spec.completions;
  const indexed = job.spec.completionMode === 'Indexed' && completions !== undefined;
  const doneIndexes = indexed ? succeededIndexes(pods, completions) : [];
  const succeeded = indexed ? doneIndexes.length : pods.filter((pod) => pod.status?.phase === 'Succeeded').length;
  const failed = pods.filter((pod) => pod.status?.phase === 'Failed').length;
  const status: JobStatus = {
    ...(job.status ?? {}),
    active: active.length,
    succeeded,
    failed,
    ready: active.filter(isPodReady).length,
    startTime: job.status?.startTime ?? now,
  };
  if (doneIndexes.length > 0) status.completedIndexes = formatIndexes(doneIndexes);
  const finish = (type: 'Complete' | 'Failed', reason: string, message: string): JobDecision => {
    const condition: JobCondition = { type, status: 'True', lastProbeTime: now, lastTransitionTime: now, ...(reason ? { reason, message } : {}) };
    const conditions = [...(status.conditions ?? []), condition];
    const done: JobStatus = { ...status, conditions, active: 0 };
    if (type === 'Complete') done.completionTime = now;
    return { podDelta: -active.length, status: done, finished: { type, reason, message } };
  };

  const backoffLimit = job.spec.backoffLimit ?? DEFAULT_BACKOFF_LIMIT;
  if (failed > backoffLimit) return finish('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit');
  const deadline = job.spec.activeDeadlineSeconds;
  if (deadline !== undefined && Date.parse(status.startTime!) + deadline * 1000 <= nowMs) return finish('Failed', 'DeadlineExceeded', 'Job was active longer than specified deadline');

  const parallelism = job.spec.suspend ? 0 : (job.spec.parallelism ?? 1);
  if (completions !== undefined ? succeeded >= completions : succeeded > 0 && active.length === 0) return finish('Complete', '', '');
  const wanted = completions !== undefined ? Math.min(parallelism, completions - succeeded) : succeeded > 0 ? 0 : parallelism;
  if (indexed) {
    const { kept, extra } = sortActive(active, completions, new Set(doneIndexes));
    // Past parallelism (lowered, or suspended) the highest indexes go.
    const surplus = [...kept].sort(([a], [b]) => a - b).slice(wanted).map(([, pod]) => pod);
    const indexes = pendingIndexes(Math.max(0, wanted - kept.size), completions, new Set([...doneIndexes, ...kept.keys()]));
    return { podDelta: indexes.length, status, indexes, remove: [...extra, ...surplus] };
  }
  return { podDelta: wanted - active.length, status };
}
