// The node lifecycle controller with taint-based eviction (node_lifecycle_controller.go, tainteviction):
// every monitor period it notes which nodes were heard from (Ready heartbeat or Lease renewal), marks the
// silent ones Unknown, keeps the condition taints in step (NoSchedule at once, NoExecute at its zone's
// rate, none while every zone is fully disrupted), and deletes pods from NoExecute-tainted nodes once
// their tolerations run out.

import { isConflict, isNotFound, Resources, type EventRecorder, type Informer, type KubeObject } from '../../client/kube/index.js';
import type { Controller, ControllerContext } from '../shared/controller-context.js';
import type { Pod } from '../shared/types.js';
import { conditionsAfterSilence, observeNode, type NodeHealth } from './node-health.js';
import { desiredNoExecuteTaint, desiredNoScheduleTaints, evictionDecision, reconcileNoExecuteTaint, reconcileNoScheduleTaints } from './node-taints.js';
import type { Node, Taint, Toleration } from './node-types.js';
import { disruptionMode, zoneKey, zoneStates, zoneTaintRate, type ZoneRates, type ZoneState } from './zone-states.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export interface NodeLifecycleOptions extends ZoneRates {
  monitorPeriodMs: number;
  gracePeriodMs: number;
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
  /** When each zone last had a node tainted NoExecute (its rate limiter, burst 1). */
  private readonly lastNoExecuteTaintAt = new Map<string, number>();
  private zoneStates = new Map<string, ZoneState>();

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

  /** One monitorNodeHealth pass with its handleDisruption, the NoExecute tainting pass, then taint eviction. */
  async monitor(nowMs: number): Promise<void> {
    const observed: Node[] = [];
    for (const cached of this.nodes.lister.list()) {
      const name = cached.metadata.name!;
      const lease = this.leases.lister.get(NODE_LEASE_NAMESPACE, name);
      const health = observeNode(cached, lease?.spec?.renewTime, this.health.get(name), nowMs);
      this.health.set(name, health);
      // A node whose write raced another writer still counts for its zone, as last seen.
      let seen = cached;
      await this.tolerateRace(async () => {
        // Read, not copied: what is written is built anew (a thousand nodes cloned every pass were a
        // twentieth of the controller manager's time at 1,000 nodes).
        let node = cached;
        const conditions = conditionsAfterSilence(node, health, nowMs, this.options.gracePeriodMs);
        if (conditions) {
          node = await this.context.client.updateStatus<Node>(Resources.nodes, { ...node, status: { ...node.status, conditions } });
          this.recorder.event({ ...node, apiVersion: 'v1', kind: 'Node' }, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
        }
        const taints = reconcileNoScheduleTaints(node, desiredNoScheduleTaints(node), isoNow(nowMs));
        seen = taints ? await this.writeTaints(node, taints) : node;
      });
      observed.push(seen);
    }
    const zones = zoneStates(observed, this.options.unhealthyZoneThreshold);
    const mode = disruptionMode(this.zoneStates, zones);
    this.zoneStates = new Map([...zones].map(([zone, { state }]) => [zone, state]));
    if (mode === 'enter') this.context.log('node-lifecycle-controller: all nodes are not Ready: entering master disruption mode');
    if (mode === 'exit') {
      this.context.log('node-lifecycle-controller: some nodes are Ready: exiting master disruption mode');
      // Every node gets a fresh grace period, as it may have been the control plane that could not hear them.
      for (const health of this.health.values()) health.probeTimestamp = nowMs;
    }
    for (const node of observed) {
      const zone = zones.get(zoneKey(node))!;
      const rate = mode === 'enter' || mode === 'stay' ? 0 : zoneTaintRate(zone.state, zone.size, this.options);
      await this.tolerateRace(() => this.syncNoExecuteTaint(node, nowMs, rate, mode === 'enter'));
    }
    await this.evictPods(nowMs);
  }

  /** Runs a node write; a conflict or a node gone is left to the next pass. */
  private async tolerateRace(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      if (!isConflict(error) && !isNotFound(error)) throw error;
    }
  }

  /** Adding a NoExecute taint takes a token of the zone's limiter (`rate` per second); removing one is free. */
  private async syncNoExecuteTaint(node: Node, nowMs: number, rate: number, removeAll: boolean): Promise<void> {
    const wanted = removeAll ? undefined : desiredNoExecuteTaint(node);
    const taints = reconcileNoExecuteTaint(node, wanted, isoNow(nowMs));
    if (!taints) return;
    if (wanted) {
      const zone = zoneKey(node);
      if (rate <= 0 || nowMs - (this.lastNoExecuteTaintAt.get(zone) ?? -Infinity) < 1000 / rate) return;
      this.lastNoExecuteTaintAt.set(zone, nowMs);
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
