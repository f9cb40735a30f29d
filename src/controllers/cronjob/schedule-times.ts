// The CronJob controller's time arithmetic (cronjob/utils.go): which scheduled time is due now, how many
// were missed, and when to look again. Pure: the schedule and "now" are passed in.

import type { CronJob } from './cron-job.js';
import type { Schedule } from '../../shared/cron/cron-schedule.js';

/** The requeue lands this long after the next scheduled time, against clock skew (nextScheduleDelta). */
export const NEXT_SCHEDULE_DELTA_MS = 100;

/** More missed times than this earn a TooManyMissedTimes warning. */
export const MAX_MISSED_WITHOUT_WARNING = 100;

export interface RecentSchedule {
  /** The last schedule time (or the creation time), moved up to the starting deadline when asked. */
  earliest: number;
  /** The most recent time a Job should have started, if any is due by now. */
  mostRecent?: number;
  missed: number;
}

const timeOf = (text: string | undefined): number | undefined => (text ? Date.parse(text) : undefined);

/**
 * mostRecentScheduleTime: from the last schedule time (or creation), the latest activation not after
 * `now`. A schedule whose next two activations coincide (such as February 31st) is an error.
 */
export function mostRecentScheduleTime(cronJob: CronJob, now: number, schedule: Schedule, includeStartingDeadline: boolean): RecentSchedule {
  let earliest = timeOf(cronJob.status?.lastScheduleTime) ?? timeOf(cronJob.metadata.creationTimestamp) ?? now;
  const deadline = cronJob.spec.startingDeadlineSeconds;
  if (includeStartingDeadline && deadline !== undefined && deadline !== null) {
    // Nothing older than the starting deadline will be started any more.
    earliest = Math.max(earliest, now - deadline * 1000);
  }
  const t1 = schedule.next(earliest);
  const t2 = schedule.next(t1);
  if (now < t1) return { earliest, missed: 0 };
  if (now < t2) return { earliest, mostRecent: t1, missed: 1 };
  const between = Math.round((t2 - t1) / 1000);
  if (between < 1) throw new Error('time difference between two schedules is less than 1 second');
  // A rough count by the first interval (exact for @every), then walk to the exact most recent time.
  const missed = Math.trunc((now - t1) / 1000 / between) + 1;
  let mostRecent = t1 + (missed - 1) * between * 1000;
  for (let t = schedule.next(mostRecent); t <= now; t = schedule.next(t)) mostRecent = t;
  return { earliest, mostRecent, missed };
}

/** nextScheduleTime: the unmet scheduled time to act on now, if any (missed: for the warning). */
export function nextScheduleTime(cronJob: CronJob, now: number, schedule: Schedule): { time?: number; missed: number } {
  const recent = mostRecentScheduleTime(cronJob, now, schedule, true);
  if (recent.mostRecent === undefined || recent.mostRecent > now) return { missed: recent.missed };
  return { time: recent.mostRecent, missed: recent.missed };
}

/** nextScheduleTimeDuration: how long until the activation after the most recent one (plus the delta). */
export function nextScheduleTimeDuration(cronJob: CronJob, now: number, schedule: Schedule): number {
  let from: number;
  try {
    const recent = mostRecentScheduleTime(cronJob, now, schedule, false);
    from = recent.mostRecent ?? recent.earliest;
  } catch {
    // Still requeue at some point: aim for the next activation from now.
    from = now;
  }
  return schedule.next(from) + NEXT_SCHEDULE_DELTA_MS - now;
}

/** Past the starting deadline: the scheduled time is too late to start. */
export function tooLate(cronJob: CronJob, scheduled: number, now: number): boolean {
  const deadline = cronJob.spec.startingDeadlineSeconds;
  return deadline !== undefined && deadline !== null && scheduled + deadline * 1000 < now;
}
