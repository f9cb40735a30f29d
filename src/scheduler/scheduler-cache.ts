// The scheduler's cache: nodes and the pods placed on them, from the informers and from assumptions.
// A pod is assumed on its node the moment the algorithm picks it, so the next cycle sees the placement
// before the bind lands; the informer's assigned pod confirms it; a failed bind forgets it.
// As kube-scheduler's cache, it keeps one NodeInfo per node and rebuilds only those whose node or pods
// changed since the last snapshot: a cycle costs O(nodes), not a pass over every pod in the cluster.

import { objectKey } from '../client/kube/index.js';
import { SnapshotIndex } from './snapshot-index.js';
import { newNodeInfo, type NodeInfo } from './node-info.js';
import type { Node, Pod } from './types.js';

export class SchedulerCache {
  private readonly nodes = new Map<string, Node>();
  /** Each placed pod by key, and the same pods grouped by the node they are on. */
  private readonly pods = new Map<string, Pod>();
  private readonly podsOnNode = new Map<string, Map<string, Pod>>();
  private readonly assumed = new Set<string>();
  private readonly infos = new Map<string, NodeInfo>();
  /** Which of the infos hold pods with each label, or with affinity, for the latest snapshot. */
  private readonly index = new SnapshotIndex();
  /** Nodes whose NodeInfo is out of date. */
  private readonly changed = new Set<string>();
  /** Node names in order; undefined once a node came or went. */
  private names: string[] | undefined;
  private last: readonly NodeInfo[] = [];

  setNode(node: Node): void {
    const name = node.metadata.name!;
    if (!this.nodes.has(name)) this.names = undefined;
    this.nodes.set(name, node);
    this.changed.add(name);
  }

  removeNode(node: Node): void {
    const name = node.metadata.name!;
    if (!this.nodes.delete(name)) return;
    this.index.replace(this.infos.get(name), undefined);
    this.infos.delete(name);
    this.changed.delete(name);
    this.names = undefined;
  }

  /** An assigned pod seen by the informer (add or update): confirms an assumption. */
  setPod(pod: Pod): void {
    const key = objectKey(pod);
    this.assumed.delete(key);
    this.place(key, pod);
  }

  removePod(pod: Pod): void {
    const key = objectKey(pod);
    this.assumed.delete(key);
    this.unplace(key);
  }

  /** Places `pod` on `nodeName` before the bind is confirmed. */
  assume(pod: Pod, nodeName: string): void {
    const key = objectKey(pod);
    this.place(key, { ...pod, spec: { ...pod.spec, nodeName } });
    this.assumed.add(key);
  }

  /** Undoes an assumption whose bind failed; a confirmed pod stays. */
  forget(pod: Pod): void {
    const key = objectKey(pod);
    if (!this.assumed.delete(key)) return;
    this.unplace(key);
  }

  isAssumed(pod: Pod): boolean {
    return this.assumed.has(objectKey(pod));
  }

  nodeCount(): number {
    return this.nodes.size;
  }

  /** The NodeInfo list a cycle works on, nodes in name order. Callers must not modify it. */
  snapshot(): readonly NodeInfo[] {
    if (this.changed.size === 0 && this.names) return this.last;
    for (const name of this.changed) {
      const info = newNodeInfo(this.nodes.get(name)!, [...(this.podsOnNode.get(name)?.values() ?? [])]);
      this.index.replace(this.infos.get(name), info);
      this.infos.set(name, info);
    }
    this.changed.clear();
    this.names ??= [...this.nodes.keys()].sort((a, b) => a.localeCompare(b));
    // A new array each time something changed: an earlier snapshot stays as it was.
    this.last = this.names.map((name) => this.infos.get(name)!);
    this.index.describes(this.last);
    return this.last;
  }

  private place(key: string, pod: Pod): void {
    this.unplace(key);
    const nodeName = pod.spec.nodeName!;
    this.pods.set(key, pod);
    let onNode = this.podsOnNode.get(nodeName);
    if (!onNode) this.podsOnNode.set(nodeName, (onNode = new Map()));
    onNode.set(key, pod);
    this.touch(nodeName);
  }

  private unplace(key: string): void {
    const previous = this.pods.get(key);
    if (!previous) return;
    this.pods.delete(key);
    const nodeName = previous.spec.nodeName!;
    const onNode = this.podsOnNode.get(nodeName);
    onNode?.delete(key);
    if (onNode?.size === 0) this.podsOnNode.delete(nodeName);
    this.touch(nodeName);
  }

  /** A node's pods changed: rebuild its NodeInfo at the next snapshot (a pod on an unknown node waits for it). */
  private touch(nodeName: string): void {
    if (this.nodes.has(nodeName)) this.changed.add(nodeName);
  }
}
