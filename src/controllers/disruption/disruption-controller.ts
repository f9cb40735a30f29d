// The disruption controller (kube's pkg/controller/disruption): keeps every PodDisruptionBudget's status
// true to its pods, so the eviction subresource knows how many disruptions it may allow. A budget is
// synced when it or a pod it selects changes, and again when an eviction it recorded times out; a
// budget it cannot work out allows nothing (SyncFailed). Pods left with a DisruptionTarget condition
// but never deleted get it reset to False after two minutes.

import { controllerOf, isConflict, labelSelectorMatches, objectKey, Resources, runWorker, WorkQueue, type EventRecorder, type Informer, type KubeObject, type OwnerReference } from '../../client/kube/index.js';
import type { Controller, ControllerContext } from '../shared/controller-context.js';
import { podCondition } from '../shared/pod-util.js';
import { replicasOf, type Pod } from '../shared/types.js';
import {
  buildDisruptedPodMap,
  countHealthyPods,
  DELETION_TIMEOUT_MS,
  expectedPodCount,
  failSafeStatus,
  needsScale,
  nextStatus,
  PODDISRUPTIONBUDGETS,
  type ControllerScale,
  type PodDisruptionBudget,
  type PodDisruptionBudgetStatus,
} from './disruption-budget.js';
import { scaleOfController } from './scale-finder.js';

const asPdb = (pdb: PodDisruptionBudget): PodDisruptionBudget => ({ ...pdb, apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' });
const asPod = (pod: Pod): Pod => ({ ...pod, apiVersion: 'v1', kind: 'Pod' });
const metaNow = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const selectorOf = (pdb: PodDisruptionBudget) => pdb.spec.selector ?? ((): boolean => false);

type Workload = KubeObject & { spec: { replicas?: number } };

export class DisruptionController implements Controller {
  private readonly queue = new WorkQueue<string>();
  private readonly staleQueue = new WorkQueue<string>();
  private readonly pdbs: Informer<PodDisruptionBudget>;
  private readonly pods: Informer<Pod>;
  private readonly workloads: Map<string, Informer<Workload>>;
  private readonly recorder: EventRecorder;

  constructor(private readonly context: ControllerContext) {
    this.pdbs = context.informers.for<PodDisruptionBudget>(PODDISRUPTIONBUDGETS);
    this.pods = context.informers.for<Pod>(Resources.pods);
    // The workloads' listers give most scales; a kind not served is looked up through its scale subresource.
    const kinds = [Resources.replicationControllers, Resources.replicaSets, Resources.deployments, Resources.statefulSets].filter(context.served);
    this.workloads = new Map(kinds.map((resource) => [resource.kind!, context.informers.for<Workload>(resource)]));
    this.recorder = context.recorder('controllermanager');
    this.pdbs
      .onAdd((pdb) => this.queue.add(objectKey(pdb)))
      .onUpdate((_, pdb) => this.queue.add(objectKey(pdb)))
      .onDelete((pdb) => this.queue.add(objectKey(pdb)));
    const podChanged = (pod: Pod, deleted: boolean): void => {
      const pdb = this.pdbForPod(pod);
      if (pdb) this.queue.add(objectKey(pdb));
      if (!deleted) this.checkStaleDisruption(pod);
    };
    this.pods
      .onAdd((pod) => podChanged(pod, false))
      .onUpdate((_, pod) => podChanged(pod, false))
      .onDelete((pod) => podChanged(pod, true));
  }

  /** One worker per queue, as kube-controller-manager runs this controller (it has no concurrency flag). */
  async run(_workers: number, signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => (this.queue.shutdown(), this.staleQueue.shutdown()), { once: true });
    const onError = (key: string, error: unknown): void => this.context.log(`disruption-controller: sync ${key}: ${(error as Error).message}`);
    await Promise.all([runWorker(this.queue, (key) => this.sync(key), onError), runWorker(this.staleQueue, (key) => this.clearStaleDisruption(key), onError)]);
  }

  /** getPdbForPod: the first budget selecting the pod (an empty selector selects all); several earn a warning. */
  private pdbForPod(pod: Pod): PodDisruptionBudget | undefined {
    const labels = pod.metadata.labels ?? {};
    const matching = this.pdbs.lister.list(undefined, pod.metadata.namespace).filter((pdb) => pdbSelects(pdb, labels));
    if (matching.length > 1) {
      const message = `Pod "${pod.metadata.namespace}"/"${pod.metadata.name}" matches multiple PodDisruptionBudgets.  Chose "${matching[0]!.metadata.name}" arbitrarily.`;
      this.recorder.event(asPod(pod), 'Warning', 'MultiplePodDisruptionBudgets', message);
    }
    return matching[0];
  }

  private async sync(key: string): Promise<void> {
    const slash = key.indexOf('/');
    const pdb = this.pdbs.lister.get(key.slice(0, slash), key.slice(slash + 1));
    if (!pdb) return;
    try {
      await this.trySync(pdb);
    } catch (error) {
      // A conflict only means a newer budget is on its way: sync that one rather than fail safe.
      if (isConflict(error)) throw error;
      this.context.log(`disruption-controller: failed to sync ${key}: ${(error as Error).message}`);
      await this.writeStatus(pdb, failSafeStatus(pdb, error as Error, Date.now()));
    }
  }

  private async trySync(pdb: PodDisruptionBudget): Promise<void> {
    const pods = this.pods.lister.list(selectorOf(pdb), pdb.metadata.namespace);
    if (pods.length === 0) this.recorder.event(asPdb(pdb), 'Normal', 'NoPods', 'No matching pods found');
    let counts;
    try {
      counts = expectedPodCount(pdb, pods, needsScale(pdb) ? await this.scalesOf(pods) : new Map());
    } catch (error) {
      this.recorder.event(asPdb(pdb), 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${(error as Error).message}`);
      throw error;
    }
    if (counts.unmanagedPods.length > 0) {
      this.recorder.event(
        asPdb(pdb),
        'Warning',
        'UnmanagedPods',
        `Pods selected by this PodDisruptionBudget (selector: ${goSelector(pdb)}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`,
      );
    }
    const now = Date.now();
    const disrupted = buildDisruptedPodMap(pdb, pods, now);
    for (const pod of disrupted.notDeleted) {
      // kube names the budget's namespace twice in this message.
      this.recorder.event(asPod(pod), 'Warning', 'NotDeleted', `Pod was expected by PDB ${pdb.metadata.namespace}/${pdb.metadata.namespace} to be deleted but it wasn't`);
    }
    const currentHealthy = countHealthyPods(pods, disrupted.kept, now);
    const status = nextStatus(pdb, { currentHealthy, desiredHealthy: counts.desiredHealthy, expectedCount: counts.expectedCount }, disrupted.kept, now);
    if (status) await this.writeStatus(pdb, status);
    if (disrupted.recheckAt !== undefined) this.queue.addAfter(objectKey(pdb), disrupted.recheckAt - now);
  }

  private async writeStatus(pdb: PodDisruptionBudget, status: PodDisruptionBudgetStatus): Promise<void> {
    await this.context.client.updateStatus(PODDISRUPTIONBUDGETS, { ...asPdb(pdb), status });
  }

  /** The scale of each pod's controller, by the pod's controllerRef uid (undefined: none found). */
  private async scalesOf(pods: readonly Pod[]): Promise<Map<string, ControllerScale | undefined>> {
    const scales = new Map<string, ControllerScale | undefined>();
    for (const pod of pods) {
      const ref = controllerOf(pod);
      if (!ref || scales.has(ref.uid)) continue;
      scales.set(ref.uid, await this.findScale(ref, pod.metadata.namespace!));
    }
    return scales;
  }

  /** The finders in kube's order: ReplicationController, Deployment (through its ReplicaSet), ReplicaSet, StatefulSet, any scale subresource. */
  private async findScale(ref: OwnerReference, namespace: string): Promise<ControllerScale | undefined> {
    const group = ref.apiVersion.includes('/') ? ref.apiVersion.slice(0, ref.apiVersion.indexOf('/')) : '';
    const cached = (kind: string, name: string, uid: string): Workload | undefined => {
      const found = this.workloads.get(kind)?.lister.get(namespace, name);
      return found?.metadata.uid === uid ? found : undefined;
    };
    const scaleOf = (workload: Workload): ControllerScale => ({ uid: workload.metadata.uid!, scale: replicasOf(workload) });
    if (ref.kind === 'ReplicationController' && group === '' && this.workloads.has(ref.kind)) {
      const rc = cached(ref.kind, ref.name, ref.uid);
      if (rc) return scaleOf(rc);
    }
    if (ref.kind === 'ReplicaSet' && (group === 'apps' || group === 'extensions') && this.workloads.has(ref.kind)) {
      const rs = cached(ref.kind, ref.name, ref.uid);
      if (rs) {
        const owner = controllerOf(rs);
        if (owner?.kind !== 'Deployment') return scaleOf(rs);
        const deployment = cached('Deployment', owner.name, owner.uid);
        if (deployment) return scaleOf(deployment);
      }
    }
    if (ref.kind === 'StatefulSet' && group === 'apps' && this.workloads.has(ref.kind)) {
      const set = cached(ref.kind, ref.name, ref.uid);
      if (set) return scaleOf(set);
    }
    return scaleOfController(this.context.client, ref, namespace);
  }

  /** A DisruptionTarget=True condition on a live pod: clean it up once two minutes have passed. */
  private checkStaleDisruption(pod: Pod): void {
    const waitMs = staleDisruptionWait(pod, Date.now());
    if (waitMs !== undefined) this.staleQueue.addAfter(objectKey(pod), waitMs);
  }

  private async clearStaleDisruption(key: string): Promise<void> {
    const slash = key.indexOf('/');
    const pod = this.pods.lister.get(key.slice(0, slash), key.slice(slash + 1));
    if (!pod) return;
    const waitMs = staleDisruptionWait(pod, Date.now());
    if (waitMs === undefined) return;
    if (waitMs > 0) return this.staleQueue.addAfter(key, waitMs);
    const conditions = (pod.status?.conditions ?? []).map((c) => (c.type === 'DisruptionTarget' ? { type: c.type, status: 'False' as const, lastProbeTime: null, lastTransitionTime: metaNow() } : c));
    await this.context.client.updateStatus(Resources.pods, { ...asPod(pod), status: { ...pod.status, conditions } });
  }
}

/** pdbLister.GetPodPodDisruptionBudgets: a missing selector selects nothing, an empty one everything. */
const pdbSelects = (pdb: PodDisruptionBudget, labels: Record<string, string>): boolean => labelSelectorMatches(pdb.spec.selector, labels);

/** How long until a pod's DisruptionTarget condition is stale (0: now), or undefined when it never is. */
function staleDisruptionWait(pod: Pod, now: number): number | undefined {
  if (pod.metadata.deletionTimestamp) return undefined;
  const condition = podCondition(pod, 'DisruptionTarget');
  const phase = pod.status?.phase;
  // The kubelet's own condition may take any time to lead to termination; a terminal pod keeps its own.
  if (condition?.status !== 'True' || condition.reason === 'TerminationByKubelet' || phase === 'Succeeded' || phase === 'Failed') return undefined;
  const since = condition.lastTransitionTime ? Date.parse(condition.lastTransitionTime) : now;
  return Math.max(0, since + DELETION_TIMEOUT_MS - now);
}

/** The selector as Go's %v prints a *metav1.LabelSelector (its generated String method). */
function goSelector(pdb: PodDisruptionBudget): string {
  const selector = pdb.spec.selector;
  if (!selector) return 'nil';
  const labels = Object.entries(selector.matchLabels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}: ${v},`)
    .join('');
  const expressions = (selector.matchExpressions ?? []).map((e) => `LabelSelectorRequirement{Key:${e.key},Operator:${e.operator},Values:[${(e.values ?? []).join(' ')}],},`).join('');
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${expressions}},}`;
}
