// What the Job controller does to pods, with the events it records: create them from the template (with
// the job-name labels and the tracking finalizer), delete them, and strip the tracking finalizer.

import { isNotFound, Resources, type EventRecorder, type KubeClient } from '../../client/kube/index.js';
import { controllerRef } from '../shared/owner-refs.js';
import type { Pod } from '../shared/types.js';
import { COMPLETION_INDEX, indexedPodSpec } from './completion-index.js';
import type { Job } from './job-decision.js';
import { hasTrackingFinalizer, JOB_TRACKING_FINALIZER } from './job-tracking.js';

/** removeTrackingFinalizerPatch: a strategic merge patch that drops only this finalizer. */
const RELEASE_PATCH = { metadata: { [`$deleteFromPrimitiveList/finalizers`]: [JOB_TRACKING_FINALIZER] } };

export class JobPodControl {
  constructor(
    private readonly client: KubeClient,
    private readonly recorder: EventRecorder,
  ) {}

  /** The job as an event's involved object. */
  static owner(job: Job): Job {
    return { ...job, apiVersion: 'batch/v1', kind: 'Job' };
  }

  /** `extraAnnotations`: added to the template's (an index's failure counts). */
  async create(job: Job, index?: number, extraAnnotations: Record<string, string> = {}): Promise<void> {
    const template = job.spec.template;
    const name = job.metadata.name!;
    const labels: Record<string, string> = { ...(template.metadata?.labels ?? {}), 'batch.kubernetes.io/job-name': name, 'job-name': name };
    const annotations: Record<string, string> = { ...(template.metadata?.annotations ?? {}), ...extraAnnotations };
    let spec = structuredClone(template.spec ?? {});
    if (index !== undefined) {
      labels[COMPLETION_INDEX] = annotations[COMPLETION_INDEX] = String(index);
      spec = indexedPodSpec(spec, name, index);
    }
    const finalizers = [...new Set([...((template.metadata?.['finalizers'] as string[] | undefined) ?? []), JOB_TRACKING_FINALIZER])];
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: index === undefined ? `${name}-` : `${name}-${index}-`,
        namespace: job.metadata.namespace,
        labels,
        annotations,
        finalizers,
        ownerReferences: [controllerRef(job, 'batch/v1', 'Job')],
      },
      spec,
    };
    try {
      const created = await this.client.create(Resources.pods, pod);
      this.recorder.event(JobPodControl.owner(job), 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
    } catch (error) {
      this.recorder.event(JobPodControl.owner(job), 'Warning', 'FailedCreate', `Error creating: ${(error as Error).message}`);
      throw error;
    }
  }

  /** A plain DELETE: the pod keeps its finalizer until its failure is counted. */
  async delete(job: Job, pod: Pod): Promise<void> {
    try {
      await this.client.delete(Resources.pods, pod.metadata.namespace, pod.metadata.name!);
      this.recorder.event(JobPodControl.owner(job), 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (error) {
      if (!isNotFound(error)) {
        this.recorder.event(JobPodControl.owner(job), 'Warning', 'FailedDelete', `Error deleting: ${(error as Error).message}`);
        throw error;
      }
    }
  }

  /** deleteJobPods: a pod the job no longer wants is released first, so it never counts as failed. */
  async release(job: Job, pod: Pod): Promise<void> {
    await this.removeFinalizer(pod);
    await this.delete(job, pod);
  }

  /** Strips the tracking finalizer; a pod already gone counts as done. */
  async removeFinalizer(pod: Pod): Promise<void> {
    if (!hasTrackingFinalizer(pod)) return;
    try {
      await this.client.patch(Resources.pods, pod.metadata.namespace, pod.metadata.name!, RELEASE_PATCH, 'strategic');
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}
