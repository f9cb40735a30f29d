// The pod garbage collector's loop: every 20 s, the three policies over the pod and node caches. Pods on
// missing nodes are deleted only after a live read confirms the node is gone, forced (grace 0) as upstream.

import { isNotFound, Resources, type Informer } from '../../client/kube/index.js';
import type { Node } from '../nodelifecycle/node-types.js';
import type { Controller, ControllerContext } from '../shared/controller-context.js';
import type { Pod } from '../shared/types.js';
import { podsOnMissingNodes, terminatedPodsToDelete, unscheduledTerminatingPods } from './pod-gc-policy.js';

export const POD_GC_PERIOD_MS = 20_000;

export class PodGcController implements Controller {
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;

  constructor(
    private readonly context: ControllerContext,
    private readonly terminatedThreshold: number,
    private readonly periodMs = POD_GC_PERIOD_MS,
  ) {
    this.pods = context.informers.for<Pod>(Resources.pods);
    this.nodes = context.informers.for<Node>(Resources.nodes);
  }

  async run(_workers: number, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.collect();
      } catch (error) {
        this.context.log(`pod-garbage-collector: ${(error as Error).message}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.periodMs);
        signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  }

  async collect(): Promise<void> {
    const pods = this.pods.lister.list();
    for (const pod of terminatedPodsToDelete(pods, this.terminatedThreshold)) await this.deletePod(pod);
    const nodeNames = new Set(this.nodes.lister.list().map((node) => node.metadata.name!));
    for (const pod of podsOnMissingNodes(pods, nodeNames)) {
      if (await this.nodeExists(pod.spec!.nodeName!)) continue;
      await this.deletePod(pod);
    }
    for (const pod of unscheduledTerminatingPods(pods)) await this.deletePod(pod);
  }

  private async nodeExists(name: string): Promise<boolean> {
    try {
      await this.context.client.get(Resources.nodes, undefined, name);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  private async deletePod(pod: Pod): Promise<void> {
    try {
      await this.context.client.delete(Resources.pods, pod.metadata.namespace, pod.metadata.name!, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}
