// Plain Node and Pod objects for the scheduler's unit tables.

import { newNodeInfo, type NodeInfo } from '../../../src/scheduler/node-info.js';
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
