// The Job controller's loop (syncJob): pods claimed by controllerRef and selector (orphans adopted),
// created from the template (after the back-off that follows failures) or deleted as decideJob says
// (guarded by expectations, so a lagging cache never doubles them), then the finished pods counted
// through their tracking finalizers (job-tracking.ts), and the job finished once none is left uncounted
// or terminating; a sync that managed pods also records a suspend or resume (suspend.ts). Pods whose job
// is gone or finished lose the finalizer (the orphan queue), so they never stay stuck terminating. A job
// another controller manages (spec.managedBy) is left alone, its pods too.

import { controllerOf, isConflict, labelSelectorMatches, objectKey, Resources, runWorker, WorkQueue, type Informer } from '../../client/kube/index.js';
import { canonicalJson } from '../shared/canonical-json.js';
import { claimObjects, freshOwnerCheck } from '../shared/claim.js';
import type { Controller, ControllerContext } from '../shared/controller-context.js';
import { Expectations } from '../shared/expectations.js';
import { isPodActive } from '../shared/pod-util.js';
import { SLOW_START_INITIAL_BATCH_SIZE, slowStartBatch } from '../shared/slow-start.js';
import type { Pod } from '../shared/types.js';
import { FinalizerExpectations } from './finalizer-expectations.js';
import { announceEnd, decideJob, enactFinished, finishedEvents, isFinished, type Job, type JobDecision, type JobStatus } from './job-decision.js';
import { JobPodControl } from './job-pod-control.js';
import { managedElsewhere } from './job.js';
import { suspendChange } from './suspend.js';
import { hasTrackingFinalizer, JOB_TRACKING_FINALIZER, newFinishedPods, settleUncounted, trackFinishedPods, uidsWithFinalizer } from './job-tracking.js';
import { failureCountAnnotations, remainingForIndex } from './backoff-per-index.js';
import { nextBackoffRecord, NO_FAILURES, remainingBackoff, type BackoffRecord } from './pod-backoff.js';

const splitKey = (key: string): [string, string] => [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
const revision = (object: { metadata: { resourceVersion?: string } }): number => Number(object.metadata.resourceVersion ?? 0);
const noneUncounted = (status: JobStatus): boolean => !status.uncountedTerminatedPods?.succeeded?.length && !status.uncountedTerminatedPods?.failed?.length;

/** What one sync hands its tracking step. */
interface SyncState {
  finished: JobDecision['finished'];
  /** UIDs whose finalizer removal is awaited. */
  removing: ReadonlySet<string>;
  backoff: BackoffRecord;
  /** UIDs whose finalizer must stay for now. */
  held: ReadonlySet<string>;
}

export class JobController implements Controller {
  private readonly queue = new WorkQueue<string>();
  private readonly orphans = new WorkQueue<string>();
  private readonly expectations = new Expectations();
  private readonly finalizers = new FinalizerExpectations();
  /** The resourceVersion of each job's last status write: a cached job older than it is a stale view to wait out. */
  private readonly written = new Map<string, number>();
  /** backoffStore: each job's failures since its last success, kept once the status recording them is written. */
  private readonly backoff = new Map<string, BackoffRecord>();
  private readonly jobs: Informer<Job>;
  private readonly pods: Informer<Pod>;
  private readonly control: JobPodControl;

  constructor(private readonly context: ControllerContext) {
    this.jobs = context.informers.for<Job>(Resources.jobs);
    this.pods = context.informers.for<Pod>(Resources.pods);
    this.control = new JobPodControl(context.client, context.recorder('job-controller'));
    this.jobs.onAdd((job) => this.queue.add(objectKey(job))).onUpdate((_, job) => this.queue.add(objectKey(job))).onDelete((job) => this.jobDeleted(job));
    this.pods.onAdd((pod) => this.podAdded(pod)).onUpdate((old, pod) => this.podUpdated(old, pod)).onDelete((pod) => this.podDeleted(pod));
  }

  async run(workers: number, signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => (this.queue.shutdown(), this.orphans.shutdown()), { once: true });
    const onError = (key: string, error: unknown): void => this.context.log(`job-controller: sync ${key}: ${(error as Error).message}`);
    await Promise.all([
      ...Array.from({ length: workers }, () => runWorker(this.queue, (key) => this.sync(key), onError)),
      runWorker(this.orphans, (key) => this.syncOrphan(key), onError),
    ]);
  }

  /** The job controlling the pod, if it is in the cache with the same uid. */
  private jobOf(pod: Pod): Job | undefined {
    const ref = controllerOf(pod);
    if (ref?.kind !== 'Job' || ref.apiVersion !== 'batch/v1') return undefined;
    const job = this.jobs.lister.get(pod.metadata.namespace, ref.name);
    return job?.metadata.uid === ref.uid ? job : undefined;
  }

  /**
   * A pod holding the finalizer for no live job (none, another kind's, a finished one) is released; an
   * orphan wakes every job whose selector matches it, so one of them adopts it (getPodJobs).
   */
  private routePod(pod: Pod): Job | undefined {
    const job = this.jobOf(pod);
    const ref = controllerOf(pod);
    const foreign = ref !== undefined && (ref.kind !== 'Job' || ref.apiVersion !== 'batch/v1');
    if (hasTrackingFinalizer(pod) && !foreign && (!job || isFinished(job))) this.orphans.add(objectKey(pod));
    if (job) this.queue.add(objectKey(job));
    if (!ref && !pod.metadata.deletionTimestamp) for (const match of this.matchingJobs(pod)) this.queue.add(objectKey(match));
    return job;
  }

  private matchingJobs(pod: Pod): Job[] {
    return this.jobs.lister.list(undefined, pod.metadata.namespace).filter((job) => selects(job, pod));
  }

  private podAdded(pod: Pod): void {
    const job = this.routePod(pod);
    if (job) this.expectations.creationObserved(objectKey(job));
  }

  private podUpdated(old: Pod, pod: Pod): void {
    const job = this.routePod(pod);
    if (!job) return;
    const key = objectKey(job);
    if (!hasTrackingFinalizer(pod)) this.finalizers.observed(key, pod.metadata.uid!);
    if (pod.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) this.expectations.deletionObserved(key, objectKey(pod));
  }

  private podDeleted(pod: Pod): void {
    const job = this.jobOf(pod);
    if (!job) return;
    const key = objectKey(job);
    this.finalizers.observed(key, pod.metadata.uid!);
    this.expectations.deletionObserved(key, objectKey(pod));
    this.queue.add(key);
  }

  /** cleanupPodFinalizers: the deleted job's pods lose the finalizer, so the garbage collector can remove them. */
  private jobDeleted(job: Job): void {
    const key = objectKey(job);
    this.expectations.forget(key);
    this.finalizers.forget(key);
    this.written.delete(key);
    this.backoff.delete(key);
    for (const pod of this.pods.lister.byIndex('owner', job.metadata.uid!)) if (hasTrackingFinalizer(pod)) this.orphans.add(objectKey(pod));
  }

  private async syncOrphan(key: string): Promise<void> {
    const pod = this.pods.lister.get(...splitKey(key));
    if (!pod || !hasTrackingFinalizer(pod)) return;
    const job = this.jobOf(pod);
    // A live job keeps its pods' finalizers, and so does one another controller manages.
    if (job && (!isFinished(job) || managedElsewhere(job))) return;
    await this.control.removeFinalizer(pod);
  }

  private async sync(key: string): Promise<void> {
    const cached = this.jobs.lister.get(...splitKey(key));
    if (cached && managedElsewhere(cached)) return;
    if (!cached || isFinished(cached)) this.backoff.delete(key);
    if (!cached || isFinished(cached) || revision(cached) < (this.written.get(key) ?? 0)) return;
    const job = structuredClone(cached);
    const removing = this.finalizers.of(key);
    const satisfied = this.expectations.satisfied(key);
    const pods = await this.claimPods(job);
    const decision = decideJob(job, pods, Date.now(), removing);
    const fresh = newFinishedPods(job, pods, removing);
    const backoff = nextBackoffRecord(this.backoff.get(key) ?? NO_FAILURES, fresh.succeeded, fresh.failed);
    let finished = decision.finished;
    let manageError: Error | undefined;
    const status = { ...decision.status };
    if (finished) {
      // Every active pod is deleted first; until that is done (and seen) the job cannot be declared finished.
      const active = pods.filter(isPodActive);
      const results = await Promise.allSettled(active.map((pod) => this.control.delete(job, pod)));
      manageError = firstError(results);
      if (manageError || !satisfied) finished = undefined;
    } else if (satisfied && !job.metadata.deletionTimestamp) {
      const changed = await this.manage(key, job, pods, decision, backoff);
      status.active = (status.active ?? 0) + changed.delta;
      // Pods it deleted terminate now.
      if (changed.delta < 0) status.terminating = (status.terminating ?? 0) - changed.delta;
      manageError = changed.error;
      const suspension = suspendChange(job, status, Date.now());
      if (suspension) {
        Object.assign(status, suspension.status);
        this.context.recorder('job-controller').event(JobPodControl.owner(job), 'Normal', suspension.event.reason, suspension.event.message);
      }
    }
    // The last failure of each index waiting for its replacement keeps its finalizer.
    const held = new Set([...(decision.lastFailed?.values() ?? [])].map((pod) => pod.metadata.uid!));
    const tracked = await this.track(key, { ...job, status }, cached.status, pods, { finished, removing, backoff, held });
    const deadline = job.spec.activeDeadlineSeconds;
    if (!tracked && deadline !== undefined && !job.spec.suspend && status.startTime !== undefined) {
      this.queue.addAfter(key, Math.max(0, Date.parse(status.startTime) + deadline * 1000 - Date.now()) + 500);
    }
    if (manageError) throw manageError;
  }

  /**
   * getPodsForJob: the pods this job controls, adopting orphans its selector matches (with the tracking
   * finalizer) and releasing those it no longer matches, through the ReplicaSet controller's claim.
   */
  private claimPods(job: Job): Promise<Pod[]> {
    return claimObjects(this.pods.lister.ownedOrOrphaned(job), {
      client: this.context.client,
      owner: job,
      ownerApiVersion: 'batch/v1',
      ownerKind: 'Job',
      resource: Resources.pods,
      matches: (pod) => selects(job, pod),
      canAdopt: freshOwnerCheck(this.context.client, Resources.jobs, job),
      finalizers: [JOB_TRACKING_FINALIZER],
    });
  }

  /**
   * manageJob: creates the missing pods in slow-start batches (once the back-off after failures has
   * passed) or deletes the surplus; the change to `active`.
   */
  private async manage(key: string, job: Job, pods: readonly Pod[], decision: JobDecision, backoff: BackoffRecord): Promise<{ delta: number; error?: Error }> {
    const surplus = decision.remove ?? (decision.podDelta < 0 ? pods.filter(isPodActive).slice(0, -decision.podDelta) : []);
    if (surplus.length > 0) {
      this.expectations.expectDeletions(key, surplus.map(objectKey));
      const results = await Promise.allSettled(surplus.map((pod) => this.control.release(job, pod)));
      surplus.forEach((pod, i) => results[i]!.status === 'rejected' && this.expectations.deletionObserved(key, objectKey(pod)));
      // As kube, a sync either deletes or creates: an Indexed job with both to do creates next time.
      return { delta: -results.filter((r) => r.status === 'fulfilled').length, ...errorOf(results) };
    }
    if (decision.podDelta <= 0) return { delta: 0 };
    const now = Date.now();
    let indexes = decision.indexes;
    const lastFailed = decision.lastFailed;
    if (lastFailed) {
      // getPodCreationInfoForIndependentIndexes: each index waits out its own back-off; when none is
      // ready, the job is synced again when the first one is.
      const waits = indexes!.map((index) => remainingForIndex(lastFailed.get(index), now));
      indexes = indexes!.filter((_, n) => waits[n] === 0);
      if (indexes.length === 0) {
        this.queue.addAfter(key, Math.min(...waits));
        return { delta: 0 };
      }
    } else {
      const wait = remainingBackoff(backoff.failuresAfterLastSuccess, backoff.lastFailureTime, now);
      if (wait > 0) {
        this.queue.addAfter(key, wait);
        return { delta: 0 };
      }
    }
    const creates = indexes?.length ?? decision.podDelta;
    this.expectations.expectCreations(key, creates);
    let next = 0;
    const createOne = (): Promise<void> => {
      const index = indexes?.[next++];
      // With backoffLimitPerIndex every pod carries its index's failures so far.
      return this.control.create(job, index, lastFailed && index !== undefined ? failureCountAnnotations(job, lastFailed.get(index)) : {});
    };
    const { successes, error } = await slowStartBatch(creates, SLOW_START_INITIAL_BATCH_SIZE, createOne);
    // The failed creates and those never tried will not be observed.
    for (let missing = creates - successes; missing > 0; missing--) this.expectations.creationFailed(key);
    return { delta: successes, ...(error ? { error } : {}) };
  }

  /**
   * trackJobStatusAndRemoveFinalizers: writes the new outcomes as uncounted, removes their pods'
   * finalizers, moves them to the counters and, with none left uncounted, finishes the job. True when
   * the job got its Complete or Failed condition.
   */
  private async track(key: string, job: Job, storedStatus: JobStatus | undefined, pods: readonly Pod[], sync: SyncState): Promise<boolean> {
    const { finished, removing, backoff, held } = sync;
    const tracking = trackFinishedPods(finished ? { ...job, status: announceEnd(job.status ?? {}, finished, Date.now()) } : job, pods, finished?.type, removing, held);
    let stored: Job = { ...job, status: tracking.status };
    if (canonicalJson(storedStatus ?? {}) !== canonicalJson(tracking.status)) {
      stored = await this.writeStatus(key, stored);
      // The failures are in the status now (as uncounted), so they will not be new again: record them.
      this.backoff.set(key, backoff);
    }
    const holding = uidsWithFinalizer(pods, removing);
    const results = await Promise.allSettled(
      tracking.release.map(async (pod) => {
        this.finalizers.expect(key, pod.metadata.uid!);
        try {
          await this.control.removeFinalizer(pod);
        } catch (error) {
          this.finalizers.observed(key, pod.metadata.uid!);
          throw error;
        }
        holding.delete(pod.metadata.uid!);
      }),
    );
    let status = settleUncounted(stored.status ?? {}, holding);
    const finishing = finished !== undefined && !tracking.capped && noneUncounted(status) && (status.terminating ?? 0) === 0;
    if (finishing) status = enactFinished(status, finished, Date.now());
    if (status !== stored.status) stored = await this.writeStatus(key, { ...stored, status });
    if (finishing) for (const e of finishedEvents(stored, finished)) this.context.recorder('job-controller').event(JobPodControl.owner(stored), e.type, e.reason, e.message);
    const error = firstError(results);
    if (error) throw new Error(`removing tracking finalizers: ${error.message}`);
    return finishing;
  }

  private async writeStatus(key: string, job: Job): Promise<Job> {
    try {
      const updated = await this.context.client.updateStatus(Resources.jobs, job);
      this.written.set(key, revision(updated));
      return updated;
    } catch (error) {
      // A stale job: the next sync starts from the newer one the informer brings.
      if (isConflict(error)) this.written.delete(key);
      throw error;
    }
  }
}

/** A job without a selector selects nothing (LabelSelectorAsSelector of nil). */
function selects(job: Job, pod: Pod): boolean {
  return job.spec.selector !== undefined && labelSelectorMatches(job.spec.selector, pod.metadata.labels ?? {});
}

function firstError(results: readonly PromiseSettledResult<unknown>[]): Error | undefined {
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  return failed ? (failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason))) : undefined;
}

function errorOf(results: readonly PromiseSettledResult<unknown>[]): { error?: Error } {
  const error = firstError(results);
  return error ? { error } : {};
}
