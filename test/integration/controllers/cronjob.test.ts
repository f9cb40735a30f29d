// CronJobs that run, end to end with real kubectl on a whole Barge control plane (a hollow kubelet runs
// the pods; `sleep N` exits 0 after N seconds): a `*/1 * * * *` CronJob creates `<name>-<minutes since
// the epoch>` for its scheduled times, lists it in status.active, and records lastScheduleTime and, once
// the job completes, lastSuccessfulTime; `kubectl create job --from=cronjob/...` works; at the next
// minute Forbid skips, Replace replaces, a suspended CronJob does nothing and the history limit prunes.
// The first run is not waited for: the test sets status.lastScheduleTime five minutes back (as after a
// controller outage), and the controller starts only the most recent missed time, the current minute,
// as kube's does; the second run comes from the clock. Bad schedules get kube's validation errors.

import { describe, expect, it } from 'vitest';
import { Resources, type ObjectReference } from '../../../src/client/kube/index.js';
import type { CronJob } from '../../../src/controllers/cronjob/cron-job.js';
import type { Job } from '../../../src/controllers/job/job-decision.js';
import { controlPlane } from './control-plane.js';

const cronJobYaml = (name: string, command: string, extra: string): string => `apiVersion: batch/v1
kind: CronJob
metadata: {name: ${name}}
spec:
  schedule: "*/1 * * * *"
${extra}
  jobTemplate:
    metadata: {labels: {cron: ${name}}}
    spec:
      template:
        spec:
          restartPolicy: Never
          terminationGracePeriodSeconds: 1
          containers: [{name: main, image: busybox, command: [${command}]}]
`;

interface Event {
  type: string;
  reason: string;
  message: string;
}

const finished = (job: Job): string | undefined => job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')?.type;

describe('cronjob controller', () => {
  const plane = controlPlane({ nodes: 1, prefix: 'cn' });
  const cronJob = (name: string): Promise<CronJob> => plane.client.get<CronJob>(Resources.cronJobs, 'default', name);
  const jobsOf = async (name: string): Promise<Job[]> =>
    (await plane.client.list<Job>(Resources.jobs, { namespace: 'default' })).items.filter((j) => j.metadata.ownerReferences?.some((r) => r.kind === 'CronJob' && r.name === name));
  const eventsOf = (name: string): Event[] => (JSON.parse(plane.ok(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'json'])) as { items: Event[] }).items;
  const activeNames = (cj: CronJob): string[] => (cj.status?.active ?? []).map((ref: ObjectReference) => ref.name!);
  let firstMinute = 0;

  it('after missed times creates one job, for the most recent, tracks it in status and records its success', async () => {
    // All four are set back within one minute, so they share their first scheduled time.
    await plane.waitFor('a minute with room to spare', () => new Date().getSeconds() < 40);
    plane.ok(['create', '-f', '-'], [
      cronJobYaml('hello', 'sleep, "1"', '  successfulJobsHistoryLimit: 1'),
      cronJobYaml('forbid', 'sleep, "3600"', '  concurrencyPolicy: Forbid'),
      cronJobYaml('replace', 'sleep, "3600"', '  concurrencyPolicy: Replace'),
      cronJobYaml('paused', 'sleep, "1"', '  suspend: true'),
    ].join('---\n'));
    const thisMinute = Math.floor(Date.now() / 60_000);
    const fiveMinutesAgo = new Date((thisMinute - 5) * 60_000).toISOString().replace('.000Z', 'Z');
    for (const name of ['hello', 'forbid', 'replace', 'paused']) {
      plane.ok(['patch', 'cronjob', name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { lastScheduleTime: fiveMinutesAgo } })]);
    }
    await plane.waitFor('the first scheduled job', async () => (await cronJob('hello')).status?.lastScheduleTime !== fiveMinutesAgo, 30_000);
    const scheduled = Date.parse((await cronJob('hello')).status!.lastScheduleTime!);
    firstMinute = scheduled / 60_000;
    expect(firstMinute).toBe(thisMinute);
    expect(await jobsOf('hello')).toHaveLength(1);
    const [job] = await jobsOf('hello');
    expect(job!.metadata.name).toBe(`hello-${firstMinute}`);
    expect(job!.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe(new Date(scheduled).toISOString().replace('.000Z', 'Z'));
    expect(job!.metadata.labels).toMatchObject({ cron: 'hello' });
    expect(job!.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'CronJob', name: 'hello', controller: true })]);

    await plane.waitFor('the job to complete and leave the active list', async () => {
      const cj = await cronJob('hello');
      return cj.status?.lastSuccessfulTime !== undefined && activeNames(cj).length === 0;
    });
    expect(finished((await plane.client.get<Job>(Resources.jobs, 'default', `hello-${firstMinute}`)))).toBe('Complete');
    const events = eventsOf('hello').map((e) => `${e.type} ${e.reason} ${e.message}`);
    expect(events).toContain(`Normal SuccessfulCreate Created job hello-${firstMinute}`);
    expect(events).toContain(`Normal SawCompletedJob Saw completed job: hello-${firstMinute}, condition: Complete`);
    expect(plane.ok(['get', 'cronjob', 'hello', '--no-headers'])).toMatch(/^hello\s+\*\/1 \* \* \* \*\s+<none>\s+False\s+0\s+\S+\s+\S+\n$/);
  }, 90_000);

  it('kubectl create job --from=cronjob runs the template once, outside the schedule', async () => {
    expect(plane.ok(['create', 'job', 'manual', '--from=cronjob/hello'])).toBe('job.batch/manual created\n');
    const manual = await plane.client.get<Job>(Resources.jobs, 'default', 'manual');
    expect(manual.metadata.annotations).toMatchObject({ 'cronjob.kubernetes.io/instantiate': 'manual' });
    expect(manual.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'CronJob', name: 'hello' })]);
    await plane.waitFor('the manual job to complete', async () => finished(await plane.client.get<Job>(Resources.jobs, 'default', 'manual')) === 'Complete');
  }, 120_000);

  it('at the next minute: Forbid skips, Replace replaces, suspended stays idle, history is pruned', async () => {
    const lastMinute = async (name: string): Promise<number> => Date.parse((await cronJob(name)).status?.lastScheduleTime ?? '1970-01-01T00:00:00Z') / 60_000;
    await plane.waitFor('a later minute to be scheduled', async () => (await lastMinute('replace')) > firstMinute, 90_000);
    const second = `${await lastMinute('replace')}`;

    // Replace: the first job deleted, the second one the only active.
    await plane.waitFor('replace to run only the new job', async () => activeNames(await cronJob('replace')).join() === `replace-${second}`);
    await plane.waitFor('the replaced job to go', async () => (await jobsOf('replace')).every((j) => j.metadata.name === `replace-${second}` || j.metadata.deletionTimestamp));
    expect(eventsOf('replace').map((e) => `${e.reason} ${e.message}`)).toContain(`SuccessfulDelete Deleted job replace-${firstMinute}`);

    // Forbid: still the first job, and the skip is told.
    await plane.waitFor('forbid to skip', () => eventsOf('forbid').some((e) => e.reason === 'JobAlreadyActive'));
    expect(eventsOf('forbid').find((e) => e.reason === 'JobAlreadyActive')!.message).toBe('Not starting job because prior execution is running and concurrency policy is Forbid');
    expect(activeNames(await cronJob('forbid'))).toEqual([`forbid-${firstMinute}`]);
    expect((await jobsOf('forbid')).map((j) => j.metadata.name)).toEqual([`forbid-${firstMinute}`]);

    // Suspended: never a job.
    expect(await jobsOf('paused')).toEqual([]);
    expect((await cronJob('paused')).status?.lastScheduleTime).toBe(new Date((firstMinute - 5) * 60_000).toISOString().replace('.000Z', 'Z'));

    // successfulJobsHistoryLimit 1: once the second run succeeds, the first is deleted.
    await plane.waitFor('the second hello job to succeed', async () => (await jobsOf('hello')).some((j) => j.metadata.name === `hello-${second}` && finished(j) === 'Complete'), 60_000);
    await plane.waitFor('the older successes to be pruned', async () => !(await jobsOf('hello')).some((j) => j.metadata.name === `hello-${firstMinute}` && !j.metadata.deletionTimestamp));
    expect(eventsOf('hello').map((e) => `${e.reason} ${e.message}`)).toContain(`SuccessfulDelete Deleted job hello-${firstMinute}`);
  }, 200_000);

  it.each([
    ['61 * * * *', '', 'spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61'],
    ['*/5 * * *', '', 'spec.schedule: Invalid value: "*/5 * * *": expected exactly 5 fields, found 4: [*/5 * * *]'],
    ['CRON_TZ=UTC * * * * *', '', 'spec.schedule: Invalid value: "CRON_TZ=UTC * * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead'],
    ['@fortnightly', '', 'spec.schedule: Invalid value: "@fortnightly": unrecognized descriptor: @fortnightly'],
    ['0 3 * * *', 'Europe/Pariss', 'spec.timeZone: Invalid value: "Europe/Pariss": unknown time zone Europe/Pariss'],
  ])('refuses schedule %j (timeZone %j) as kube does', (schedule, timeZone, cause) => {
    const yaml = cronJobYaml('bad', 'sleep, "1"', timeZone ? `  timeZone: ${timeZone}` : '').replace('"*/1 * * * *"', JSON.stringify(schedule));
    const result = plane.api.kubectl(['create', '-f', '-'], { input: yaml });
    expect([result.status, result.stderr]).toEqual([1, `The CronJob "bad" is invalid: ${cause}\n`]);
  });
});
