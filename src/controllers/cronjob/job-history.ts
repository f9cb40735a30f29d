// Which finished Jobs of a CronJob go (cleanupFinishedJobs): beyond successfulJobsHistoryLimit of the
// Complete ones and failedJobsHistoryLimit of the Failed ones, the oldest by start time (a job that
// never started counts as newest; equal times by name).

import type { Job } from '../job/job-decision.js';
import type { CronJob } from './cron-job.js';

/** The finished condition (Complete or Failed) that is True, if any (getFinishedStatus). */
export function finishedCondition(job: Job): 'Complete' | 'Failed' | undefined {
  const condition = (job.status?.conditions ?? []).find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  return condition?.type as 'Complete' | 'Failed' | undefined;
}

function byStartTime(a: Job, b: Job): number {
  const [sa, sb] = [a.status?.startTime, b.status?.startTime];
  if (sa === undefined && sb !== undefined) return 1;
  if (sa !== undefined && sb === undefined) return -1;
  const diff = sa === undefined || sb === undefined ? 0 : Date.parse(sa) - Date.parse(sb);
  return diff !== 0 ? diff : a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0;
}

function oldestBeyond(jobs: Job[], limit: number | undefined): Job[] {
  if (limit === undefined || limit === null) return [];
  const excess = jobs.length - limit;
  return excess > 0 ? [...jobs].sort(byStartTime).slice(0, excess) : [];
}

export function jobsToClean(cronJob: CronJob, jobs: readonly Job[]): Job[] {
  const succeeded = jobs.filter((job) => finishedCondition(job) === 'Complete');
  const failed = jobs.filter((job) => finishedCondition(job) === 'Failed');
  return [...oldestBeyond(succeeded, cronJob.spec.successfulJobsHistoryLimit), ...oldestBeyond(failed, cronJob.spec.failedJobsHistoryLimit)];
}
