// The scheduler's loop (kube-scheduler's scheduleOne): informers feed the cache (nodes, assigned pods)
// and the queue (this scheduler's pending pods); each popped pod is placed by schedulePod, assumed, and
// bound asynchronously through pods/binding with a Scheduled event; a pod that fits nowhere gets a
// FailedScheduling event and PodScheduled=False/Unschedulable, and waits for the cluster to change.
// When preemption finds room, the victims are marked DisruptionTarget, deleted, and told why (a
// Preempted event); the pod is nominated to the node and retried once they are gone.

import { collectionPath, EventRecorder, Informer, isNotFound, Resources, type KubeClient, type KubeObject, type ResourceRef } from '../client/kube/index.js';
import { PODDISRUPTIONBUDGETS, type PodDisruptionBudget } from '../controllers/disruption/disruption-budget.js';
import { defaultSelectorFor, type ControllerKind } from './default-selector.js';
import { defaultProfile, type Profile } from './profile.js';
import type { ScoringStrategy } from './plugins/node-resources-fit.js';
import { DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE, nextStartNodeIndex } from './nodes-to-score.js';
import { schedulePod, type Random } from './schedule-pod.js';
import { SchedulerCache } from './scheduler-cache.js';
import { SchedulingQueue, type QueuedPod } from './scheduling-queue.js';
import type { Candidate } from './default-preemption.js';
import { priorityOf } from './default-preemption.js';
import { disruptionTargetPatch, podScheduledFalsePatch } from './pod-condition.js';
import type { Node, Pod } from './types.js';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
const BACKOFF_FLUSH_MS = 1_000;
const UNSCHEDULABLE_FLUSH_MS = 30_000;
export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

export interface SchedulerOptions {
  client: KubeClient;
  scoringStrategy?: ScoringStrategy;
  random?: Random;
  /** KubeSchedulerConfiguration's percentageOfNodesToScore (0, the default: adaptive). */
  percentageOfNodesToScore?: number;
  /** The default-scheduler profile's own percentageOfNodesToScore, which wins over the global one. */
  profilePercentageOfNodesToScore?: number;
  log?: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

const isTerminal = (pod: Pod): boolean => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
/** isPodUpdated: anything but status, resourceVersion, generation and managedFields changed. */
function specOrLabelsChanged(old: Pod, pod: Pod): boolean {
  const strip = ({ status: _status, metadata: { resourceVersion: _rv, generation: _gen, managedFields: _mf, ...metadata }, ...rest }: Pod): string => JSON.stringify({ ...rest, metadata });
  return strip(old) !== strip(pod);
}

/** What the filters read of a node: labels, taints, unschedulable, allocatable. */
function nodeSchedulingChanged(old: Node, node: Node): boolean {
  const view = (n: Node): string => JSON.stringify([n.metadata.labels, n.spec?.taints, n.spec?.unschedulable, n.status?.allocatable]);
  return view(old) !== view(node);
}

const CONTROLLER_INFORMERS = { ReplicationController: 'replicationControllers', ReplicaSet: 'replicaSets', StatefulSet: 'statefulSets' } as const satisfies Record<ControllerKind, string>;

const asPod = (pod: Pod): Pod => ({ ...pod, kind: 'Pod', apiVersion: 'v1' });

export class Scheduler {
  readonly cache = new SchedulerCache();
  readonly queue = new SchedulingQueue();
  private readonly profile: Profile;
  private readonly recorder: EventRecorder;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly others: Record<'namespaces' | 'services' | 'replicationControllers' | 'replicaSets' | 'statefulSets' | 'podDisruptionBudgets', Informer<KubeObject>>;
  private readonly log: NonNullable<SchedulerOptions['log']>;
  /** Where the next cycle starts filtering (kube's nextStartNodeIndex). */
  private nextStartNodeIndex = 0;

  constructor(private readonly options: SchedulerOptions) {
    const { client } = options;
    this.log = options.log ?? (() => undefined);
    const onError = (error: unknown): void => this.log('warn', 'informer error', { error: String(error) });
    this.pods = new Informer<Pod>(client, Resources.pods, { onError });
    this.nodes = new Informer<Node>(client, Resources.nodes, { onError });
    const informer = (resource: ResourceRef): Informer<KubeObject> => new Informer<KubeObject>(client, resource, { onError });
    this.others = {
      namespaces: informer(Resources.namespaces),
      services: informer(Resources.services),
      replicationControllers: informer(Resources.replicationControllers),
      replicaSets: informer(Resources.replicaSets),
      statefulSets: informer(Resources.statefulSets),
      podDisruptionBudgets: informer(PODDISRUPTIONBUDGETS),
    };
    this.profile = defaultProfile({
      scoringStrategy: options.scoringStrategy,
      percentageOfNodesToScore: options.profilePercentageOfNodesToScore,
      namespaceLabels: (namespace) => this.others.namespaces.lister.get(undefined, namespace)?.metadata.labels,
      defaultSelector: (pod) =>
        defaultSelectorFor(pod, {
          services: this.others.services.lister.list(undefined, pod.metadata.namespace),
          controller: (kind, name) => this.others[CONTROLLER_INFORMERS[kind]].lister.get(pod.metadata.namespace, name),
        }),
    });
    this.recorder = new EventRecorder(client, { component: DEFAULT_SCHEDULER_NAME, onError: (error) => this.log('warn', 'event not recorded', { error: String(error) }) });
    this.wireHandlers();
  }

  /** Runs until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    // The workload kinds only refine spreading, the budgets only preemption: one the server does not serve (or let us read) leaves its lister empty.
    const optional = await Promise.all(Object.values(this.others).map(async (informer) => ((await this.serves(informer.resource)) ? [informer] : [])));
    const informers = [this.pods, this.nodes, ...optional.flat()];
    for (const informer of informers) informer.start();
    const timers = [
      setInterval(() => this.queue.flushBackoffCompleted(), BACKOFF_FLUSH_MS),
      setInterval(() => this.queue.flushUnschedulableLeftover(), UNSCHEDULABLE_FLUSH_MS),
    ];
    signal.addEventListener('abort', () => this.queue.close(), { once: true });
    try {
      await Promise.all(informers.map((informer) => informer.waitForSync()));
      this.log('info', 'caches synced, scheduling');
      for (;;) {
        const queued = await this.queue.pop();
        if (!queued || signal.aborted) break;
        try {
          await this.scheduleOne(queued);
        } catch (error) {
          // One pod's failure (say, a quantity the plugins cannot read) must not stop the loop.
          this.log('error', 'scheduling cycle failed', { pod: `${queued.pod.metadata.namespace}/${queued.pod.metadata.name}`, error: String(error) });
          this.queue.addBackoff(queued);
        }
      }
    } finally {
      for (const timer of timers) clearInterval(timer);
      await Promise.all(informers.map((informer) => informer.stop()));
      this.recorder.shutdown();
    }
  }

  /** The informer still has the pod, unassigned, with the same uid. */
  private stillPending(pod: Pod): boolean {
    const current = this.pods.lister.get(pod.metadata.namespace, pod.metadata.name!);
    return !!current && current.metadata.uid === pod.metadata.uid && !current.spec.nodeName;
  }

  private async serves(resource: ResourceRef): Promise<boolean> {
    const groupVersion = resource.group ? `/apis/${resource.group}/${resource.version}` : `/api/${resource.version}`;
    try {
      const list = await this.options.client.raw<{ resources?: Array<{ name: string }> }>(groupVersion);
      if (!(list.resources ?? []).some((r) => r.name === resource.plural)) return false;
      // One we may not read (a bootstrap role from before this scheduler read it) is left empty too,
      // rather than holding the informers' sync for good.
      await this.options.client.raw(`${collectionPath(resource)}?limit=1`);
      return true;
    } catch {
      return false;
    }
  }

  private responsibleFor(pod: Pod): boolean {
    return (pod.spec.schedulerName ?? DEFAULT_SCHEDULER_NAME) === this.profile.schedulerName;
  }

  private wireHandlers(): void {
    const clusterChanged = (): void => this.queue.moveAllToActiveOrBackoff();
    this.nodes
      .onAdd((node) => (this.cache.setNode(node), clusterChanged()))
      .onUpdate((old, node) => {
        this.cache.setNode(node);
        // Heartbeats change nothing a filter reads; only such changes give parked pods another try.
        if (nodeSchedulingChanged(old, node)) clusterChanged();
      })
      .onDelete((node) => this.cache.removeNode(node));
    this.pods
      .onAdd((pod) => this.podChanged(undefined, pod))
      .onUpdate((old, pod) => this.podChanged(old, pod))
      .onDelete((pod) => {
        if (pod.spec.nodeName) {
          this.cache.removePod(pod);
          clusterChanged();
        } else this.queue.delete(pod);
      });
  }

  private podChanged(old: Pod | undefined, pod: Pod): void {
    if (pod.spec.nodeName) {
      this.queue.delete(pod);
      if (isTerminal(pod)) this.cache.removePod(pod);
      else this.cache.setPod(pod);
      // A newly placed pod (affinity), changed labels, or resources freed by a finished pod.
      const relevant = !old?.spec.nodeName || JSON.stringify(old.metadata.labels) !== JSON.stringify(pod.metadata.labels) || isTerminal(pod) !== isTerminal(old);
      if (relevant) this.queue.moveAllToActiveOrBackoff();
      return;
    }
    if (!this.responsibleFor(pod) || isTerminal(pod) || (pod.spec.schedulingGates ?? []).length > 0) return;
    // Our own status patch (and any status-only change) must not send a parked pod round again.
    if (old && !specOrLabelsChanged(old, pod)) return;
    this.queue.update(pod);
  }

  private async scheduleOne(queued: QueuedPod): Promise<void> {
    const cycle = this.queue.cycle;
    if (queued.pod.metadata.deletionTimestamp || this.cache.isAssumed(queued.pod) || !this.stillPending(queued.pod)) {
      this.queue.done(queued.pod);
      return;
    }
    // The latest object: a status-only change (a nomination) does not refresh the queued copy.
    const pod = this.pods.lister.get(queued.pod.metadata.namespace, queued.pod.metadata.name!) ?? queued.pod;
    const snapshot = this.cache.snapshot();
    if (snapshot.length === 0) {
      await this.unschedulable(queued, cycle, NO_NODES_AVAILABLE);
      return;
    }
    const nominated = this.pods.lister.list().filter((p) => !p.spec.nodeName && p.status?.nominatedNodeName && !p.metadata.deletionTimestamp);
    const pdbs = this.others.podDisruptionBudgets.lister.list() as PodDisruptionBudget[];
    const search = { startIndex: this.nextStartNodeIndex % snapshot.length, percentageOfNodesToScore: this.options.percentageOfNodesToScore ?? DEFAULT_PERCENTAGE_OF_NODES_TO_SCORE };
    const result = schedulePod(this.profile, pod, snapshot, this.options.random, nominated, pdbs, search);
    // Every node was looked at when none fit, which leaves the index where it was.
    this.nextStartNodeIndex = nextStartNodeIndex(search.startIndex, result.kind === 'scheduled' ? result.evaluatedNodes : snapshot.length, snapshot.length);
    if (result.kind === 'unschedulable') {
      let nominate = result.clearNomination ? '' : undefined;
      if (result.preemption && (await this.preemptVictims(pod, result.preemption))) nominate = result.preemption.node;
      await this.unschedulable(queued, cycle, result.message, nominate);
      return;
    }
    this.cache.assume(pod, result.node);
    this.queue.done(pod);
    // Binding runs beside the next cycle; it handles API errors itself, anything else is logged here.
    this.bind(queued, result.node).catch((error: unknown) => this.log('error', 'binding failed', { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, node: result.node, error: String(error) }));
  }

  private async bind(queued: QueuedPod, node: string): Promise<void> {
    const pod = queued.pod;
    const { namespace, name } = pod.metadata;
    try {
      await this.options.client.bind(pod, node);
      this.recorder.event(asPod(pod), 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${node}`);
      this.log('info', 'bound', { pod: `${namespace}/${name}`, node });
    } catch (error) {
      this.log('warn', 'binding failed', { pod: `${namespace}/${name}`, node, error: String(error) });
      this.cache.forget(pod);
      // Errors other than Unschedulable back off and retry, as handleSchedulingFailure does, unless
      // the pod is gone or was bound meanwhile (by another scheduler instance, say).
      if (!this.stillPending(pod)) {
        this.queue.done(pod);
        return;
      }
      this.queue.addBackoff(queued);
      this.recorder.event(asPod(pod), 'Warning', 'FailedScheduling', `Binding rejected: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * prepareCandidate: each victim marked DisruptionTarget, deleted (gracefully, as the kubelet stops it)
   * and told by whom; then lower-priority pods nominated to the node lose their nomination. False when
   * a victim could not be removed: the pod is then not nominated and tries again later.
   */
  private async preemptVictims(pod: Pod, candidate: Candidate): Promise<boolean> {
    const { client } = this.options;
    const results = await Promise.all(
      candidate.victims.map(async (victim) => {
        const { namespace, name } = victim.metadata;
        try {
          await client.patch(Resources.pods, namespace, name!, disruptionTargetPatch(this.profile.schedulerName, new Date()), 'strategic', { subresource: 'status' });
          await client.delete(Resources.pods, namespace, name!, { preconditions: { uid: victim.metadata.uid } });
        } catch (error) {
          if (!isNotFound(error)) {
            this.log('error', 'preemption failed', { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, victim: `${namespace}/${name}`, error: String(error) });
            return false;
          }
        }
        this.recorder.event(asPod(victim), 'Normal', 'Preempted', `Preempted by pod ${pod.metadata.uid} on node ${candidate.node}`);
        this.log('info', 'preempted', { preemptor: `${pod.metadata.namespace}/${pod.metadata.name}`, victim: `${namespace}/${name}`, node: candidate.node });
        return true;
      }),
    );
    if (results.includes(false)) return false;
    const displaced = this.pods.lister.list().filter((p) => !p.spec.nodeName && p.status?.nominatedNodeName === candidate.node && priorityOf(p) < priorityOf(pod));
    for (const other of displaced) {
      await client.patch(Resources.pods, other.metadata.namespace, other.metadata.name!, { status: { nominatedNodeName: null } }, 'strategic', { subresource: 'status' }).catch((error: unknown) => {
        this.log('warn', 'could not clear a nomination', { pod: `${other.metadata.namespace}/${other.metadata.name}`, error: String(error) });
      });
    }
    return true;
  }

  /** `nominate`: the node preemption made room on, '' to clear a nomination, undefined to keep it. */
  private async unschedulable(queued: QueuedPod, cycle: number, message: string, nominate?: string): Promise<void> {
    const pod = this.pods.lister.get(queued.pod.metadata.namespace, queued.pod.metadata.name!) ?? queued.pod;
    this.queue.addUnschedulable(queued, cycle);
    this.recorder.event(asPod(pod), 'Warning', 'FailedScheduling', message);
    const patch = podScheduledFalsePatch(pod, message, new Date(), nominate);
    if (!patch) return;
    try {
      await this.options.client.patch(Resources.pods, pod.metadata.namespace, pod.metadata.name!, patch, 'strategic', { subresource: 'status' });
    } catch (error) {
      this.log('warn', 'status update failed', { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, error: String(error) });
    }
  }
}
