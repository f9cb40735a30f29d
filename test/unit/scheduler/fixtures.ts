// Plain Node and Pod objects for the scheduler's unit tables.

import { newNodeInfo, type NodeInfo } from '../../../src/scheduler/node-info.js';
import { SchedulerCache } from '../../../src/scheduler/scheduler-cache.js';
import type { Node, Pod, Taint } from '../../../src/scheduler/types.js';

export function makeNode(name: string, allocatable: Record<string, string> = { cpu: '4', memory: '8Gi', pods: '110' }, extra: { labels?: Record<string, string>; taints?: Taint[]; unschedulable?: boolean } = {}): Node {
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...extra.labels } },
    spec: { taints: extra.taints, unschedulable: extra.unschedulable },
    status: { allocatable },
  };
}

export function makePod(name: string, requests: Record<string, string> = {}, spec: Partial<Pod['spec']> = {}, labels: Record<string, string> = {}, namespace = 'default'): Pod {
  return {
    metadata: { name, namespace, labels },
    spec: { containers: [{ name: 'c', resources: { requests } }], ...spec },
  };
}

/** A NodeInfo for `node` holding `pods` (each gets the node's name). */
export function info(node: Node, pods: Pod[] = []): NodeInfo {
  return newNodeInfo(node, pods.map((p) => ({ ...p, spec: { ...p.spec, nodeName: node.metadata.name } })));
}

/**
 * A SchedulerCache with nodes n0… (a zone label each from `zones`, none for undefined) and `placed` pods
 * (their nodeName set), snapshotted once, then changed: the pods marked gone removed, and node
 * `removedNode` if it exists and is not the last. Its indexed snapshot, and a plain copy of it (no index).
 */
export function churnedSnapshots(zones: ReadonlyArray<string | undefined>, placed: ReadonlyArray<{ pod: Pod; gone: boolean }>, removedNode: number): { indexed: readonly NodeInfo[]; scanned: NodeInfo[] } {
  const cache = new SchedulerCache();
  zones.forEach((zone, i) => cache.setNode(makeNode(`n${i}`, undefined, zone ? { labels: { zone } } : {})));
  for (const { pod } of placed) cache.setPod(pod);
  cache.snapshot();
  for (const { pod, gone } of placed) if (gone) cache.removePod(pod);
  if (removedNode < zones.length && zones.length > 1) cache.removeNode(makeNode(`n${removedNode}`));
  const indexed = cache.snapshot();
  return { indexed, scanned: indexed.map((n) => newNodeInfo(n.node, n.pods)) };
}
