// The batch/v1 CronJob shape the controller reads and writes, and the Job it makes for one scheduled
// time (getJobFromTemplate2): named `<cronjob>-<scheduled minutes since the epoch>` so that the same
// time never gets two jobs, with the template's labels and annotations, the scheduled time annotation,
// and the CronJob as controller.

import type { KubeObject, ObjectReference } from '../../client/kube/index.js';
import type { Job } from '../job/job-decision.js';
import { controllerRef } from '../shared/owner-refs.js';
import type { TimeZone } from '../../shared/cron/time-zone.js';

export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export interface CronJob extends KubeObject {
  spec: {
    schedule: string;
    timeZone?: string;
    startingDeadlineSeconds?: number;
    concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
    suspend?: boolean;
    jobTemplate: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: Job['spec'] };
    successfulJobsHistoryLimit?: number;
    failedJobsHistoryLimit?: number;
  };
  status?: { active?: ObjectReference[]; lastScheduleTime?: string; lastSuccessfulTime?: string };
}

/** getJobName: the scheduled time in whole minutes since the epoch. */
export function jobName(cronJob: CronJob, scheduledMs: number): string {
  return `${cronJob.metadata.name}-${Math.floor(scheduledMs / 60_000)}`;
}

/** Go's time.RFC3339 of an instant in a zone: `2006-01-02T15:04:05Z07:00`. */
export function rfc3339In(ms: number, zone: TimeZone): string {
  const w = zone.wall(ms);
  const pad = (n: number, width = 2): string => String(Math.abs(n)).padStart(width, '0');
  const wallMs = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const offsetMin = Math.round((wallMs - Math.floor(ms / 1000) * 1000) / 60_000);
  const offset = offsetMin === 0 ? 'Z' : `${offsetMin < 0 ? '-' : '+'}${pad(Math.trunc(offsetMin / 60))}:${pad(offsetMin % 60)}`;
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${offset}`;
}

export function jobFromTemplate(cronJob: CronJob, scheduledMs: number, zone: TimeZone): Job {
  const template = cronJob.spec.jobTemplate;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName(cronJob, scheduledMs),
      namespace: cronJob.metadata.namespace,
      labels: { ...(template.metadata?.labels ?? {}) },
      annotations: { ...(template.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP_ANNOTATION]: rfc3339In(scheduledMs, zone) },
      ownerReferences: [controllerRef(cronJob, 'batch/v1', 'CronJob')],
    },
    spec: structuredClone(template.spec),
  };
}
