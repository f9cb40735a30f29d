// The scheduler's cache: nodes and the pods placed on them, from the informers and from assumptions.
// A pod is assumed on its node the moment the algorithm picks it, so the next cycle sees the placement
// before the bind lands; the informer's assigned pod confirms it; a failed bind forgets it.

import { objectKey } from '../client/kube/index.js';
import { buildSnapshot, type NodeInfo } from './node-info.js';
import type { Node, Pod } from './types.js';

export class SchedulerCache {
  private readonly nodes = new Map<string, Node>();
  private readonly pods = new Map<string, Pod>();
  private readonly assumed = new Set<string>();

  setNode(node: Node): void {
    this.nodes.set(node.metadata.name!, node);
  }

  removeNode(node: Node): void {
    this.nodes.delete(node.metadata.name!);
  }

  /** An assigned pod seen by the informer (add or update): confirms an assumption. */
  setPod(pod: Pod): void {
    const key = objectKey(pod);
    this.assumed.delete(key);
    this.pods.set(key, pod);
  }

  removePod(pod: Pod): void {
    const key = objectKey(pod);
    this.assumed.delete(key);
    this.pods.delete(key);
  }

  /** Places `pod` on `nodeName` before the bind is confirmed. */
  assume(pod: Pod, nodeName: string): void {
    const key = objectKey(pod);
    this.pods.set(key, { ...pod, spec: { ...pod.spec, nodeName } });
    this.assumed.add(key);
  }

  /** Undoes an assumption whose bind failed; a confirmed pod stays. */
  forget(pod: Pod): void {
    const key = objectKey(pod);
    if (!this.assumed.delete(key)) return;
    this.pods.delete(key);
  }

  isAssumed(pod: Pod): boolean {
    return this.assumed.has(objectKey(pod));
  }

  nodeCount(): number {
    return this.nodes.size;
  }

  /** The NodeInfo list a cycle works on, nodes in name order. */
  snapshot(): NodeInfo[] {
    const nodes = [...this.nodes.values()].sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
    return buildSnapshot(nodes, [...this.pods.values()]);
  }
}
