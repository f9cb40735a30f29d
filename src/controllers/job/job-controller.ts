// The Job controller's loop: pods found by controllerRef, created from the template (with the job-name
// labels) or deleted as decideJob says, the status written, and an event when the job finishes.

import { controllerOf, isNotFound, objectKey, Resources, runWorker, WorkQueue, type EventRecorder, type Informer } from '../../client/kube/index.js';
import { canonicalJson } from '../shared/canonical-json.js';
import type { Controller, ControllerContext } from '../shared/controller-context.js';
import { controllerRef } from '../shared/owner-refs.js';
import type { Pod } from '../shared/types.js';
import { COMPLETION_INDEX, indexedPodSpec } from './completion-index.js';
import { decideJob, isFinished, type Job } from './job-decision.js';

export class JobController implements Controller {
  private readonly queue = new WorkQueue<string>();
  private readonly jobs: Informer<Job>;
  private readonly pods: Informer<Pod>;
  private readonly recorder: EventRecorder;

  constructor(private readonly context: ControllerContext) {
    this.jobs = context.informers.for<Job>(Resources.jobs);
    this.pods = context.informers.for<Pod>(Resources.pods);
    this.recorder = context.recorder('job-controller');
    this.jobs.onAdd((job) => this.queue.add(objectKey(job))).onUpdate((_, job) => this.queue.add(objectKey(job)));
    const podChanged = (pod: Pod): void => {
      const ref = controllerOf(pod);
      if (ref?.kind === 'Job') this.queue.add(`${pod.metadata.namespace}/${ref.name}`);
    };
    this.pods.onAdd(podChanged).onUpdate((_, pod) => podChanged(pod)).onDelete(podChanged);
  }

  async run(workers: number, signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => this.queue.shutdown(), { once: true });
    const onError = (key: string, error: unknown): void => this.context.log(`job-controller: sync ${key}: ${(error as Error).message}`);
    await Promise.all(Array.from({ length: workers }, () => runWorker(this.queue, (key) => this.sync(key), onError)));
  }

  private async sync(key: string): Promise<void> {
    const slash = key.indexOf('/');
    const cached = this.jobs.lister.get(key.slice(0, slash), key.slice(slash + 1));
    if (!cached || cached.metadata.deletionTimestamp || isFinished(cached)) return;
    const job = structuredClone(cached);
    const pods = this.pods.lister.byIndex('owner', job.metadata.uid!).filter((pod) => controllerOf(pod)?.uid === job.metadata.uid);
    const decision = decideJob(job, pods, Date.now());
    const owner = { ...job, apiVersion: 'batch/v1', kind: 'Job' };
    for (let i = 0; i < decision.podDelta; i++) await this.createPod(job, owner, decision.indexes?.[i]);
    for (const pod of decision.remove ?? []) await this.deletePod(pod, owner);
    if (decision.podDelta < 0) {
      const active = pods.filter((pod) => !pod.metadata.deletionTimestamp && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed');
      for (const pod of active.slice(0, -decision.podDelta)) await this.deletePod(pod, owner);
    }
    if (canonicalJson(job.status ?? {}) !== canonicalJson(decision.status)) {
      await this.context.client.updateStatus(Resources.jobs, { ...job, status: decision.status });
    }
    if (decision.finished?.type === 'Complete') this.recorder.event(owner, 'Normal', 'Completed', 'Job completed');
    if (decision.finished?.type === 'Failed') this.recorder.event(owner, 'Warning', decision.finished.reason, decision.finished.message);
    const deadline = job.spec.activeDeadlineSeconds;
    if (!decision.finished && deadline !== undefined) {
      this.queue.addAfter(key, Math.max(0, Date.parse(decision.status.startTime!) + deadline * 1000 - Date.now()) + 500);
    }
  }

  private async createPod(job: Job, owner: Job, index?: number): Promise<void> {
    const template = job.spec.template;
    const name = job.metadata.name!;
    const labels: Record<string, string> = { ...(template.metadata?.labels ?? {}), 'batch.kubernetes.io/job-name': name, 'job-name': name };
    const annotations: Record<string, string> = { ...(template.metadata?.annotations ?? {}) };
    let spec = structuredClone(template.spec ?? {});
    if (index !== undefined) {
      labels[COMPLETION_INDEX] = annotations[COMPLETION_INDEX] = String(index);
      spec = indexedPodSpec(spec, name, index);
    }
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { generateName: index === undefined ? `${name}-` : `${name}-${index}-`, namespace: job.metadata.namespace, labels, annotations, ownerReferences: [controllerRef(job, 'batch/v1', 'Job')] },
      spec,
    };
    try {
      const created = await this.context.client.create(Resources.pods, pod);
      this.recorder.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
    } catch (error) {
      this.recorder.event(owner, 'Warning', 'FailedCreate', `Error creating: ${(error as Error).message}`);
      throw error;
    }
  }

  private async deletePod(pod: Pod, owner: Job): Promise<void> {
    try {
      await this.context.client.delete(Resources.pods, pod.metadata.namespace, pod.metadata.name!);
      this.recorder.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}
