// Suspending a Job (spec.suspend): its active pods go (released first, so none counts as failed) and it
// gets the Suspended condition, reason JobSuspended; resumed, the condition turns False with reason
// JobResumed and startTime starts over, as activeDeadlineSeconds counts the time a job is continuously
// active. Each change comes with a Suspended or Resumed event. As ensureJobConditionStatus does, a False
// condition is never added where there was none, so a job never suspended has no Suspended condition.

import { newCondition, timestamp, type JobStatus } from './job-decision.js';
import type { Job } from './job.js';

const SUSPENDED = 'Suspended';

export interface SuspendChange {
  status: JobStatus;
  /** The event the change is announced with. */
  event: { reason: 'Suspended' | 'Resumed'; message: string };
}

/** The status after this sync's suspend or resume, if either happened (a sync that ran manageJob). */
export function suspendChange(job: Job, status: JobStatus, nowMs: number): SuspendChange | undefined {
  const [want, reason, message] = job.spec.suspend ? (['True', 'JobSuspended', 'Job suspended'] as const) : (['False', 'JobResumed', 'Job resumed'] as const);
  const conditions = status.conditions ?? [];
  const at = conditions.findIndex((c) => c.type === SUSPENDED);
  const current = conditions[at];
  if (current ? current.status === want && current.reason === reason && current.message === message : want === 'False') return undefined;
  const next = newCondition(SUSPENDED, want, reason, message, nowMs);
  const updated = current ? conditions.map((c, i) => (i === at ? next : c)) : [...conditions, next];
  if (job.spec.suspend) return { status: { ...status, conditions: updated }, event: { reason: 'Suspended', message } };
  // A resumed job starts its active time over.
  return { status: { ...status, conditions: updated, startTime: timestamp(nowMs) }, event: { reason: 'Resumed', message } };
}
