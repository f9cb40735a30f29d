// The node lifecycle controller with taint-based eviction (node_lifecycle_controller.go, tainteviction):
// every monitor period it notes which nodes were heard from (Ready heartbeat or Lease renewal), marks the
// silent ones Unknown, keeps the condition taints in step (NoSchedule at once, NoExecute at the eviction
// rate), and deletes pods from NoExecute-tainted nodes once their tolerations run out.

import { isConflict, isNotFound, Resources, type EventRecorder, type Informer, type KubeObject } from '../../client/kube/index.js';
import type { Controller, ControllerContext } from '../shared/controller-context.js';
import type { Pod } from '../shared/types.js';
import { conditionsAfterSilence, observeNode, type NodeHealth } from './node-health.js';
import { desiredNoExecuteTaint, desiredNoScheduleTaints, evictionDecision, reconcileNoExecuteTaint, reconcileNoScheduleTaints } from './node-taints.js';
import type { Node, Taint, Toleration } from './node-types.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export interface NodeLifecycleOptions {
  monitorPeriodMs: number;
  gracePeriodMs: number;
  /** Nodes per second that may get a NoExecute taint (--node-eviction-rate). */
  evictionRate: number;
}

interface Lease extends KubeObject {
  spec?: { renewTime?: string };
}

const isoNow = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class NodeLifecycleController implements Controller {
  private readonly nodes: Informer<Node>;
  private readonly leases: Informer<Lease>;
  private readonly pods: Informer<Pod>;
  private readonly recorder: EventRecorder;
  private readonly health = new Map<string, NodeHealth>();
  private lastNoExecuteTaintAt = -Infinity;

  constructor(
    private readonly context: ControllerContext,
    private readonly options: NodeLifecycleOptions,
  ) {
    this.nodes = context.informers.for<Node>(Resources.nodes);
    this.leases = context.informers.for<Lease>(Resources.leases);
    this.pods = context.informers.for<Pod>(Resources.pods);
    this.recorder = context.recorder('node-controller');
    this.nodes.onDelete((node) => this.health.delete(node.metadata.name!));
  }

  async run(_workers: number, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.monitor(Date.now());
      } catch (error) {
        this.context.log(`node-lifecycle-controller: ${(error as Error).message}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.monitorPeriodMs);
        signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  }

  /** One monitorNodeHealth pass, then the taint-eviction pass. */
  async monitor(nowMs: number): Promise<void> {
    for (const cached of this.nodes.lister.list()) {
      const name = cached.metadata.name!;
      const lease = this.leases.lister.get(NODE_LEASE_NAMESPACE, name);
      const health = observeNode(cached, lease?.spec?.renewTime, this.health.get(name), nowMs);
      this.health.set(name, health);
      try {
        let node = structuredClone(cached);
        const conditions = conditionsAfterSilence(node, health, nowMs, this.options.gracePeriodMs);
        if (conditions) {
          node = await this.context.client.updateStatus<Node>(Resources.nodes, { ...node, status: { ...node.status, conditions } });
          this.recorder.event({ ...node, apiVersion: 'v1', kind: 'Node' }, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
        }
        await this.syncTaints(node, nowMs);
      } catch (error) {
        if (!isConflict(error) && !isNotFound(error)) throw error;
      }
    }
    await this.evictPods(nowMs);
  }

  private async syncTaints(node: Node, nowMs: number): Promise<void> {
    const now = isoNow(nowMs);
    let taints = reconcileNoScheduleTaints(node, desiredNoScheduleTaints(node), now);
    if (taints) node = await this.writeTaints(node, taints);
    const wanted = desiredNoExecuteTaint(node);
    taints = reconcileNoExecuteTaint(node, wanted, now);
    if (!taints) return;
    // Adding a NoExecute taint is rate-limited (one node per 1/rate seconds); removing one is not.
    if (wanted) {
      if (nowMs - this.lastNoExecuteTaintAt < 1000 / this.options.evictionRate) return;
      this.lastNoExecuteTaintAt = nowMs;
    }
    await this.writeTaints(node, taints);
  }

  private writeTaints(node: Node, taints: Taint[]): Promise<Node> {
    return this.context.client.update<Node>(Resources.nodes, { ...node, spec: { ...node.spec, taints } });
  }

  private async evictPods(nowMs: number): Promise<void> {
    for (const node of this.nodes.lister.list()) {
      const taints = (node.spec?.taints ?? []).filter((taint) => taint.effect === 'NoExecute');
      if (taints.length === 0) continue;
      for (const pod of this.pods.lister.byIndex('nodeName', node.metadata.name!)) {
        if (pod.metadata.deletionTimestamp) continue;
        const tolerations = ((pod.spec as { tolerations?: Toleration[] } | undefined)?.tolerations ?? []);
        if (evictionDecision(tolerations, taints, nowMs).evict !== 'now') continue;
        try {
          await this.context.client.delete(Resources.pods, pod.metadata.namespace, pod.metadata.name!, { preconditions: { uid: pod.metadata.uid } });
          this.recorder.event({ ...pod, apiVersion: 'v1', kind: 'Pod' }, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${pod.metadata.namespace}/${pod.metadata.name}`);
        } catch (error) {
          if (!isNotFound(error) && !isConflict(error)) throw error;
        }
      }
    }
  }
}
