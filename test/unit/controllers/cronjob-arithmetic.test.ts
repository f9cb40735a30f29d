// The CronJob controller's time arithmetic on a fake clock (as kube's cronjob utils_test.go): which
// scheduled time is due, how many were missed, when to requeue, the starting deadline; the job made
// for a time (its name, annotation, owner) and which finished jobs the history limits remove.

import { describe, expect, it } from 'vitest';
import { jobFromTemplate, jobName, rfc3339In, SCHEDULED_TIMESTAMP_ANNOTATION, type CronJob } from '../../../src/controllers/cronjob/cron-job.js';
import { parseStandard } from '../../../src/shared/cron/cron-schedule.js';
import { jobsToClean } from '../../../src/controllers/cronjob/job-history.js';
import { mostRecentScheduleTime, nextScheduleTime, nextScheduleTimeDuration, tooLate } from '../../../src/controllers/cronjob/schedule-times.js';
import { TimeZone } from '../../../src/shared/cron/time-zone.js';
import type { Job } from '../../../src/controllers/job/job-decision.js';

const UTC = TimeZone.load('UTC');
const at = (time: string): number => Date.parse(`2024-05-01T${time}Z`);
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString().replace('.000Z', 'Z'));

function cronJob(schedule: string, extra: { created?: string; lastScheduleTime?: string; startingDeadlineSeconds?: number; limits?: [number, number] } = {}): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'hello', namespace: 'default', uid: 'cj-uid', creationTimestamp: `2024-05-01T${extra.created ?? '10:00:30'}Z` },
    spec: {
      schedule,
      ...(extra.startingDeadlineSeconds !== undefined ? { startingDeadlineSeconds: extra.startingDeadlineSeconds } : {}),
      ...(extra.limits ? { successfulJobsHistoryLimit: extra.limits[0], failedJobsHistoryLimit: extra.limits[1] } : {}),
      jobTemplate: {
        metadata: { labels: { app: 'hello' }, annotations: { note: 'kept' } },
        spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } },
      },
    },
    ...(extra.lastScheduleTime ? { status: { lastScheduleTime: `2024-05-01T${extra.lastScheduleTime}Z` } } : {}),
  };
}

describe('mostRecentScheduleTime / nextScheduleTime', () => {
  const hourly = parseStandard('0 * * * *', UTC);
  it.each<[string, CronJob, string, { mostRecent?: string; missed: number }]>([
    ['nothing due yet after creation', cronJob('0 * * * *'), '10:30:00', { missed: 0 }],
    ['the first hour after creation', cronJob('0 * * * *'), '11:00:30', { mostRecent: '2024-05-01T11:00:00Z', missed: 1 }],
    ['two missed since the last schedule: the latest counts', cronJob('0 * * * *', { lastScheduleTime: '11:00:00' }), '13:30:00', { mostRecent: '2024-05-01T13:00:00Z', missed: 2 }],
    ['exactly at the next time', cronJob('0 * * * *', { lastScheduleTime: '11:00:00' }), '12:00:00', { mostRecent: '2024-05-01T12:00:00Z', missed: 1 }],
    ['the starting deadline moves the earliest time up', cronJob('0 * * * *', { lastScheduleTime: '10:00:00', startingDeadlineSeconds: 600 }), '13:05:00', { mostRecent: '2024-05-01T13:00:00Z', missed: 1 }],
    ['the starting deadline can leave nothing due', cronJob('0 * * * *', { lastScheduleTime: '10:00:00', startingDeadlineSeconds: 60 }), '13:05:00', { missed: 0 }],
  ])('%s', (_, cj, now, want) => {
    const result = mostRecentScheduleTime(cj, at(now), hourly, true);
    expect({ mostRecent: iso(result.mostRecent), missed: result.missed }).toEqual({ mostRecent: want.mostRecent, missed: want.missed });
  });

  it('every minute: due from the first whole minute after creation', () => {
    const everyMinute = parseStandard('*/1 * * * *', UTC);
    const cj = cronJob('*/1 * * * *', { created: '10:00:00' });
    expect(nextScheduleTime(cj, at('10:00:59'), everyMinute).time).toBeUndefined();
    expect(iso(nextScheduleTime(cj, at('10:01:00'), everyMinute).time)).toBe('2024-05-01T10:01:00Z');
    expect(iso(nextScheduleTime(cj, at('10:03:10'), everyMinute).time)).toBe('2024-05-01T10:03:00Z');
  });

  it('counts a long outage for the TooManyMissedTimes warning', () => {
    const everyMinute = parseStandard('*/1 * * * *', UTC);
    const due = nextScheduleTime(cronJob('*/1 * * * *', { created: '00:00:00' }), Date.parse('2024-05-02T00:00:30Z'), everyMinute);
    expect(iso(due.time)).toBe('2024-05-02T00:00:00Z');
    expect(due.missed).toBe(1440);
  });

  it('ignores the starting deadline when asked to (the requeue arithmetic)', () => {
    const result = mostRecentScheduleTime(cronJob('0 * * * *', { lastScheduleTime: '10:00:00', startingDeadlineSeconds: 60 }), at('13:05:00'), hourly, false);
    expect(iso(result.mostRecent)).toBe('2024-05-01T13:00:00Z');
    expect(result.missed).toBe(3);
  });

  it('refuses a schedule that names an impossible day', () => {
    const never = parseStandard('0 0 31 2 *', UTC);
    expect(() => mostRecentScheduleTime(cronJob('0 0 31 2 *'), at('12:00:00'), never, true)).toThrow('time difference between two schedules is less than 1 second');
  });
});

describe('requeue and deadline', () => {
  const hourly = parseStandard('0 * * * *', UTC);
  it.each<[string, CronJob, string, number]>([
    ['the next hour after the last schedule, plus 100 ms', cronJob('0 * * * *', { lastScheduleTime: '11:00:00' }), '11:20:00', 40 * 60_000 + 100],
    ['the next hour after creation when nothing ran yet', cronJob('0 * * * *'), '10:30:00', 30 * 60_000 + 100],
    ['the activation after the most recent missed one', cronJob('0 * * * *', { lastScheduleTime: '08:00:00' }), '11:20:00', 40 * 60_000 + 100],
  ])('%s', (_, cj, now, wantMs) => {
    expect(nextScheduleTimeDuration(cj, at(now), hourly)).toBe(wantMs);
  });

  it('an impossible schedule still requeues: from now', () => {
    const never = parseStandard('0 0 31 2 *', UTC);
    expect(nextScheduleTimeDuration(cronJob('0 0 31 2 *'), at('12:00:00'), never)).toBeLessThan(0);
  });

  it.each<[number | undefined, string, boolean]>([
    [undefined, '12:00:00', false],
    [10, '10:00:09', false],
    [10, '10:00:10', false],
    [10, '10:00:11', true],
  ])('startingDeadlineSeconds=%s, scheduled 10:00, now %s: too late %s', (deadline, now, want) => {
    const cj = cronJob('0 * * * *', deadline === undefined ? {} : { startingDeadlineSeconds: deadline });
    expect(tooLate(cj, at('10:00:00'), at(now))).toBe(want);
  });
});

describe('the job for a scheduled time', () => {
  it('is named by the scheduled minutes since the epoch', () => {
    expect(jobName(cronJob('* * * * *'), Date.parse('2024-01-01T00:00:00Z'))).toBe('hello-28401120');
    expect(jobName(cronJob('* * * * *'), Date.parse('2024-01-01T00:00:59Z'))).toBe('hello-28401120');
  });

  it.each<[string, string]>([
    ['UTC', '2024-01-01T00:00:00Z'],
    ['Asia/Tokyo', '2024-01-01T09:00:00+09:00'],
    ['America/New_York', '2023-12-31T19:00:00-05:00'],
    ['Asia/Kolkata', '2024-01-01T05:30:00+05:30'],
  ])('carries the scheduled time in %s as RFC 3339', (zone, want) => {
    expect(rfc3339In(Date.parse('2024-01-01T00:00:00Z'), TimeZone.load(zone))).toBe(want);
  });

  it('copies the template, annotates the time and is controlled by the CronJob', () => {
    const job = jobFromTemplate(cronJob('* * * * *'), Date.parse('2024-01-01T00:00:00Z'), UTC);
    expect(job.metadata).toEqual({
      name: 'hello-28401120',
      namespace: 'default',
      labels: { app: 'hello' },
      annotations: { note: 'kept', [SCHEDULED_TIMESTAMP_ANNOTATION]: '2024-01-01T00:00:00Z' },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'hello', uid: 'cj-uid', controller: true, blockOwnerDeletion: true }],
    });
    expect(job.spec.template.spec).toEqual({ restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] });
  });
});

describe('history limits', () => {
  const job = (name: string, finished: 'Complete' | 'Failed' | undefined, startTime?: string): Job => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: 'default' },
    spec: { template: {} },
    status: { ...(startTime ? { startTime: `2024-05-01T${startTime}Z` } : {}), ...(finished ? { conditions: [{ type: finished, status: 'True' }] } : {}) },
  });
  const jobs = [
    job('ok-3', 'Complete', '10:03:00'),
    job('ok-1', 'Complete', '10:01:00'),
    job('ok-2', 'Complete', '10:02:00'),
    job('bad-1', 'Failed', '10:01:30'),
    job('bad-2', 'Failed', '10:02:30'),
    job('running', undefined, '10:00:00'),
    job('ok-never-started', 'Complete'),
  ];
  it.each<[string, [number, number] | undefined, string[]]>([
    ['no limits: nothing goes', undefined, []],
    ['keep 3 and 1: the oldest succeeded and the older failed go', [3, 1], ['ok-1', 'bad-1']],
    ['keep 1 and 0: a job that never started counts as newest', [1, 0], ['ok-1', 'ok-2', 'ok-3', 'bad-1', 'bad-2']],
    ['keep 10 and 10: nothing goes', [10, 10], []],
  ])('%s', (_, limits, want) => {
    expect(jobsToClean(cronJob('* * * * *', limits ? { limits } : {}), jobs).map((j) => j.metadata.name)).toEqual(want);
  });
});
