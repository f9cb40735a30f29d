// framework.NodeInfo: a node with the pods placed on it (bound or assumed) and their summed requests and
// host ports, the snapshot every filter and score plugin reads.

import { addResource, emptyResource, nodeAllocatable, podRequest, type Resource } from './resources.js';
import type { Node, Pod } from './types.js';

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

export interface NodeInfo {
  readonly node: Node;
  readonly pods: readonly Pod[];
  readonly allocatable: Resource;
  readonly requested: Resource;
  readonly nonZeroRequested: Resource;
  readonly usedPorts: readonly HostPort[];
  /** kube's PodsWithAffinity: the pods with pod affinity or anti-affinity of their own. */
  readonly podsWithAffinity: readonly Pod[];
  /** kube's PodsWithRequiredAntiAffinity: the pods with a required anti-affinity term. */
  readonly podsWithRequiredAntiAffinity: readonly Pod[];
  /**
   * The pods by namespace and label (labelPairKey), built with the info: a count of the pods a selector
   * matches looks at those carrying one of its labels, not at every pod on the node, once per node per cycle.
   */
  readonly podsByLabel: ReadonlyMap<string, readonly Pod[]>;
}

export function labelPairKey(namespace: string | undefined, key: string, value: string): string {
  return `${namespace ?? ''}\0${key}\0${value}`;
}

export function podHostPorts(pod: Pod): HostPort[] {
  const ports: HostPort[] = [];
  for (const container of pod.spec.containers ?? []) {
    for (const port of container.ports ?? []) {
      if (!port.hostPort || port.hostPort <= 0) continue;
      ports.push({ ip: port.hostIP || '0.0.0.0', protocol: port.protocol || 'TCP', port: port.hostPort });
    }
  }
  return ports;
}

export function newNodeInfo(node: Node, pods: readonly Pod[] = []): NodeInfo {
  const requested = emptyResource();
  const nonZeroRequested = emptyResource();
  const usedPorts: HostPort[] = [];
  const podsWithAffinity: Pod[] = [];
  const podsWithRequiredAntiAffinity: Pod[] = [];
  const podsByLabel = new Map<string, Pod[]>();
  for (const pod of pods) {
    addResource(requested, podRequest(pod));
    addResource(nonZeroRequested, podRequest(pod, true));
    usedPorts.push(...podHostPorts(pod));
    const affinity = pod.spec.affinity;
    if (affinity?.podAffinity !== undefined || affinity?.podAntiAffinity !== undefined) podsWithAffinity.push(pod);
    if ((affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0) podsWithRequiredAntiAffinity.push(pod);
    for (const [key, value] of Object.entries(pod.metadata.labels ?? {})) {
      const pair = labelPairKey(pod.metadata.namespace, key, value);
      const carrying = podsByLabel.get(pair);
      if (carrying) carrying.push(pod);
      else podsByLabel.set(pair, [pod]);
    }
  }
  return { node, pods, allocatable: nodeAllocatable(node), requested, nonZeroRequested, usedPorts, podsWithAffinity, podsWithRequiredAntiAffinity, podsByLabel };
}

/** A snapshot from nodes and pods: each pod with a nodeName lands on its node's info. */
export function buildSnapshot(nodes: readonly Node[], pods: readonly Pod[]): NodeInfo[] {
  const byNode = new Map<string, Pod[]>();
  for (const pod of pods) {
    const nodeName = pod.spec.nodeName;
    if (!nodeName) continue;
    byNode.set(nodeName, [...(byNode.get(nodeName) ?? []), pod]);
  }
  return nodes.map((node) => newNodeInfo(node, byNode.get(node.metadata.name!) ?? []));
}

export function nodeNameOf(info: NodeInfo): string {
  return info.node.metadata.name!;
}
