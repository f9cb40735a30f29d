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
  for (const pod of pods) {
    addResource(requested, podRequest(pod));
    addResource(nonZeroRequested, podRequest(pod, true));
    usedPorts.push(...podHostPorts(pod));
  }
  return { node, pods, allocatable: nodeAllocatable(node), requested, nonZeroRequested, usedPorts };
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
