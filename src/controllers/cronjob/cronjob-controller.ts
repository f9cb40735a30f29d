// The CronJob controller (kube's cronjob_controllerv2): each CronJob is synced when it or one of its
// Jobs changes, and again just after its next scheduled time. A sync prunes finished Jobs beyond the
// history limits, reconciles status.active with the Jobs that exist, and, when a scheduled time is due
// (within startingDeadlineSeconds, not suspended), applies the concurrency policy and creates the Job
// for it; the status (active, lastScheduleTime, lastSuccessfulTime) is written once at the end.

import { controllerOf, isAlreadyExists, isNotFound, KubeApiError, objectKey, Resources, runWorker, WorkQueue, type EventRecorder, type Informer, type ObjectReference } from '../../client/kube/index.js';
import type { Job } from '../job/job-decision.js';
import type { Controller, ControllerContext } from '../shared/controller-context.js';
import { jobFromTemplate, jobName, type CronJob } from './cron-job.js';
import { parseStandard, type Schedule } from '../../shared/cron/cron-schedule.js';
import { finishedCondition, jobsToClean } from './job-history.js';
import { MAX_MISSED_WITHOUT_WARNING, nextScheduleTime, nextScheduleTimeDuration, tooLate } from './schedule-times.js';
import { TimeZone } from '../../shared/cron/time-zone.js';

const asCronJob = (cronJob: CronJob): CronJob => ({ ...cronJob, apiVersion: 'batch/v1', kind: 'CronJob' });
const inActiveList = (cronJob: CronJob, uid: string | undefined): boolean => (cronJob.status?.active ?? []).some((ref) => ref.uid === uid);

function deleteFromActiveList(cronJob: CronJob, uid: string | undefined): void {
  cronJob.status = { ...cronJob.status, active: (cronJob.status?.active ?? []).filter((ref) => ref.uid !== uid) };
}

/** errors.HasStatusCause(err, NamespaceTerminatingCause). */
const namespaceTerminating = (error: unknown): boolean =>
  error instanceof KubeApiError && (error.status.details?.causes ?? []).some((cause) => (cause as { reason?: string }).reason === 'NamespaceTerminating');

/** A Go time.RFC1123Z of the instant in UTC, as the MissSchedule event prints it. */
function rfc1123z(ms: number): string {
  const [day, date, month, year, time] = new Date(ms).toUTCString().replace(',', '').split(' ');
  return `${day}, ${date} ${month} ${year} ${time} +0000`;
}

/** What a sync found to write back, kept when a later step fails (the status is still written). */
interface SyncState {
  updateStatus: boolean;
}

export class CronJobController implements Controller {
  private readonly queue = new WorkQueue<string>();
  private readonly cronJobs: Informer<CronJob>;
  private readonly jobs: Informer<Job>;
  private readonly recorder: EventRecorder;

  constructor(
    private readonly context: ControllerContext,
    private readonly now: () => number = Date.now,
  ) {
    this.cronJobs = context.informers.for<CronJob>(Resources.cronJobs);
    this.jobs = context.informers.for<Job>(Resources.jobs);
    this.recorder = context.recorder('cronjob-controller');
    this.cronJobs
      .onAdd((cronJob) => this.queue.add(objectKey(cronJob)))
      .onUpdate((old, cronJob) => this.cronJobChanged(old, cronJob))
      .onDelete((cronJob) => this.queue.add(objectKey(cronJob)));
    this.jobs
      .onAdd((job) => this.enqueueOwner(job))
      .onUpdate((old, job) => {
        if (old.metadata.resourceVersion === job.metadata.resourceVersion) return;
        if (controllerOf(old)?.uid !== controllerOf(job)?.uid) this.enqueueOwner(old);
        this.enqueueOwner(job);
      })
      .onDelete((job) => this.enqueueOwner(job));
  }

  async run(workers: number, signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => this.queue.shutdown(), { once: true });
    const onError = (key: string, error: unknown): void => this.context.log(`cronjob-controller: sync ${key}: ${(error as Error).message}`);
    await Promise.all(Array.from({ length: workers }, () => runWorker(this.queue, (key) => this.sync(key), onError)));
  }

  private enqueueOwner(job: Job): void {
    const ref = controllerOf(job);
    if (ref?.kind !== 'CronJob') return;
    const cronJob = this.cronJobs.lister.get(job.metadata.namespace, ref.name);
    if (cronJob?.metadata.uid === ref.uid) this.queue.add(objectKey(cronJob));
  }

  /** A new schedule is looked at when it next fires; any other change at once. */
  private cronJobChanged(old: CronJob, cronJob: CronJob): void {
    const key = objectKey(cronJob);
    if (old.spec.schedule === cronJob.spec.schedule && old.spec.timeZone === cronJob.spec.timeZone) return this.queue.add(key);
    let schedule: Schedule;
    try {
      schedule = parseStandard(this.formatSchedule(cronJob, false));
    } catch {
      this.recorder.event(asCronJob(cronJob), 'Warning', 'UnParseableCronJobSchedule', `unparseable schedule for cronjob: ${cronJob.spec.schedule}`);
      return;
    }
    this.queue.addAfter(key, nextScheduleTimeDuration(cronJob, this.now(), schedule));
  }

  /** The schedule in its time zone (a TZ= prefix); a TZ in the schedule itself is used but warned about. */
  private formatSchedule(cronJob: CronJob, warn: boolean): string {
    const { schedule, timeZone } = cronJob.spec;
    if (schedule.includes('TZ')) {
      if (warn) {
        this.recorder.event(
          asCronJob(cronJob),
          'Warning',
          'UnsupportedSchedule',
          `CRON_TZ or TZ used in schedule "${schedule}" is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`,
        );
      }
      return schedule;
    }
    if (timeZone === undefined || timeZone === null) return schedule;
    try {
      TimeZone.load(timeZone);
    } catch {
      return schedule;
    }
    return `TZ=${timeZone} ${schedule}`;
  }

  private async sync(key: string): Promise<void> {
    const slash = key.indexOf('/');
    const [namespace, name] = [key.slice(0, slash), key.slice(slash + 1)];
    const cached = this.cronJobs.lister.get(namespace, name);
    if (!cached) return;
    const jobs = this.jobs.lister.list(undefined, namespace).filter((job) => {
      const ref = controllerOf(job);
      return ref?.kind === 'CronJob' && ref.name === name;
    });
    const cronJob = structuredClone(cached);
    const state: SyncState = { updateStatus: await this.cleanupFinishedJobs(cronJob, jobs) };
    let requeueAfter: number | undefined;
    let failure: Error | undefined;
    try {
      requeueAfter = await this.syncCronJob(cronJob, jobs, state);
    } catch (error) {
      failure = error as Error;
    }
    // What was found before a failure is still written.
    if (state.updateStatus) await this.context.client.updateStatus(Resources.cronJobs, cronJob);
    if (failure) throw failure;
    if (requeueAfter !== undefined) this.queue.addAfter(key, requeueAfter);
  }

  /** Finished jobs beyond the history limits are deleted (with their pods) and leave the active list. */
  private async cleanupFinishedJobs(cronJob: CronJob, jobs: readonly Job[]): Promise<boolean> {
    let changed = false;
    for (const job of jobsToClean(cronJob, jobs)) changed = (await this.deleteJob(cronJob, job)) || changed;
    return changed;
  }

  private async deleteJob(cronJob: CronJob, job: Job): Promise<boolean> {
    try {
      await this.context.client.delete(Resources.jobs, job.metadata.namespace, job.metadata.name!, { propagationPolicy: 'Background' });
    } catch (error) {
      this.recorder.event(asCronJob(cronJob), 'Warning', 'FailedDelete', `Deleted job: ${(error as Error).message}`);
      return false;
    }
    deleteFromActiveList(cronJob, job.metadata.uid);
    this.recorder.event(asCronJob(cronJob), 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
    return true;
  }

  /** syncCronJob: reconciles status.active and starts the due job; returns when to look again. */
  private async syncCronJob(cronJob: CronJob, jobs: readonly Job[], state: SyncState): Promise<number | undefined> {
    const now = this.now();
    const record = (type: 'Normal' | 'Warning', reason: string, message: string): void => this.recorder.event(asCronJob(cronJob), type, reason, message);
    await this.reconcileActive(cronJob, jobs, state);
    if (cronJob.metadata.deletionTimestamp) return undefined;
    const { timeZone } = cronJob.spec;
    if (timeZone !== undefined && timeZone !== null) {
      try {
        TimeZone.load(timeZone);
      } catch (error) {
        record('Warning', 'UnknownTimeZone', `invalid timeZone: "${timeZone}": ${(error as Error).message}`);
        return undefined;
      }
    }
    if (cronJob.spec.suspend) return undefined;
    let schedule: Schedule;
    try {
      schedule = parseStandard(this.formatSchedule(cronJob, true));
    } catch (error) {
      record('Warning', 'UnparseableSchedule', `unparseable schedule: "${cronJob.spec.schedule}" : ${(error as Error).message}`);
      return undefined;
    }
    let due: { time?: number; missed: number };
    try {
      due = nextScheduleTime(cronJob, now, schedule);
    } catch (error) {
      record('Warning', 'InvalidSchedule', `invalid schedule: ${cronJob.spec.schedule} : ${(error as Error).message}`);
      return undefined;
    }
    if (due.missed > MAX_MISSED_WITHOUT_WARNING && due.time !== undefined) {
      record('Warning', 'TooManyMissedTimes', `too many missed start times: ${due.missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
    }
    const scheduled = due.time;
    const later = (): number => nextScheduleTimeDuration(cronJob, now, schedule);
    if (scheduled === undefined) return later();
    if (tooLate(cronJob, scheduled, now)) {
      record('Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`);
      return later();
    }
    const name = jobName(cronJob, scheduled);
    const lastScheduled = cronJob.status?.lastScheduleTime ? Date.parse(cronJob.status.lastScheduleTime) : undefined;
    if ((cronJob.status?.active ?? []).some((ref) => ref.name === name) || lastScheduled === scheduled) return later();
    const active = cronJob.status?.active ?? [];
    if (cronJob.spec.concurrencyPolicy === 'Forbid' && active.length > 0) {
      record('Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return later();
    }
    if (cronJob.spec.concurrencyPolicy === 'Replace') {
      for (const ref of active) {
        let job: Job;
        try {
          job = await this.context.client.get<Job>(Resources.jobs, ref.namespace, ref.name!);
        } catch (error) {
          record('Warning', 'FailedGet', `Get job: ${(error as Error).message}`);
          throw error;
        }
        if (!(await this.deleteJob(cronJob, job))) throw new Error(`could not replace job ${job.metadata.namespace}/${job.metadata.name}`);
        state.updateStatus = true;
      }
    }
    const created = await this.createJob(cronJob, scheduled);
    if (!created) return undefined;
    const ref: ObjectReference = { kind: 'Job', namespace: created.metadata.namespace, name: created.metadata.name, uid: created.metadata.uid, apiVersion: 'batch/v1', resourceVersion: created.metadata.resourceVersion };
    cronJob.status = { ...cronJob.status, active: [...(cronJob.status?.active ?? []), ref], lastScheduleTime: new Date(scheduled).toISOString().replace(/\.\d{3}Z$/, 'Z') };
    state.updateStatus = true;
    return later();
  }

  /** The Job for `scheduled`; an existing one of ours missing from the active list is taken up again. */
  private async createJob(cronJob: CronJob, scheduled: number): Promise<Job | undefined> {
    // The annotation is in the CronJob's zone, UTC without one (time.LoadLocation("")).
    const zone = TimeZone.load(cronJob.spec.timeZone ?? '');
    const request = jobFromTemplate(cronJob, scheduled, zone);
    try {
      const created = await this.context.client.create(Resources.jobs, request);
      this.recorder.event(asCronJob(cronJob), 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name}`);
      return created;
    } catch (error) {
      if (!isAlreadyExists(error)) {
        // A terminating namespace refuses every create: no event for that.
        if (!namespaceTerminating(error)) {
          this.recorder.event(asCronJob(cronJob), 'Warning', 'FailedCreate', `Error creating job: ${(error as Error).message}`);
        }
        throw error;
      }
    }
    const existing = await this.context.client.get<Job>(Resources.jobs, request.metadata.namespace, request.metadata.name!);
    const owner = controllerOf(existing);
    // Another actor's job of that name, or ours already listed: nothing to add.
    if (owner?.uid !== cronJob.metadata.uid || inActiveList(cronJob, existing.metadata.uid)) return undefined;
    return existing;
  }

  /** Jobs seen finished leave status.active, succeeded ones move lastSuccessfulTime; vanished ones go too. */
  private async reconcileActive(cronJob: CronJob, jobs: readonly Job[], state: SyncState): Promise<void> {
    const record = (type: 'Normal' | 'Warning', reason: string, message: string): void => this.recorder.event(asCronJob(cronJob), type, reason, message);
    for (const job of jobs) {
      const found = inActiveList(cronJob, job.metadata.uid);
      const finished = finishedCondition(job);
      if (!found && !finished) {
        // The informer may be behind our own status write: ask the server before calling it unexpected.
        const fresh = await this.context.client.get<CronJob>(Resources.cronJobs, cronJob.metadata.namespace, cronJob.metadata.name!);
        if (inActiveList(fresh, job.metadata.uid)) {
          Object.assign(cronJob, fresh);
          continue;
        }
        record('Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${job.metadata.name}`);
      } else if (finished) {
        if (found) {
          deleteFromActiveList(cronJob, job.metadata.uid);
          record('Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata.name}, condition: ${finished}`);
          state.updateStatus = true;
        }
        const completion = job.status?.completionTime;
        const last = cronJob.status?.lastSuccessfulTime;
        if (finished === 'Complete' && completion && (!last || Date.parse(completion) > Date.parse(last))) {
          cronJob.status = { ...cronJob.status, lastSuccessfulTime: completion };
          state.updateStatus = true;
        }
      }
    }
    const children = new Set(jobs.map((job) => job.metadata.uid));
    for (const ref of [...(cronJob.status?.active ?? [])]) {
      if (children.has(ref.uid)) continue;
      try {
        await this.context.client.get<Job>(Resources.jobs, ref.namespace, ref.name!);
      } catch (error) {
        if (!isNotFound(error)) throw error;
        record('Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
        deleteFromActiveList(cronJob, ref.uid);
        state.updateStatus = true;
      }
    }
  }
}
