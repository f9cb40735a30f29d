// The Node a hollow kubelet registers and the Lease it renews, as plain Kubernetes JSON, with the labels,
// conditions (reasons and messages as the kubelet's setters write them) and nodeInfo a real one reports.

import { createHash } from 'node:crypto';
import type { KubeObject } from '../client/kube/index.js';

export const KUBELET_VERSION = 'v1.32.0';
/** kubelet's default nodeLeaseDurationSeconds; renewed every quarter of it. */
export const NODE_LEASE_DURATION_SECONDS = 40;
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

export interface NodeSize {
  readonly cpu: string;
  readonly memory: string;
  readonly pods: string;
}

export interface NodeCondition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
  readonly lastHeartbeatTime: string;
  readonly lastTransitionTime: string;
}

export interface Node extends KubeObject {
  status?: { conditions?: NodeCondition[]; addresses?: Array<{ type: string; address: string }>; [field: string]: unknown };
}

export interface Lease extends KubeObject {
  spec: { holderIdentity: string; leaseDurationSeconds: number; renewTime: string };
}

/** A fixed, distinct address per node name (10.240.x.y), for InternalIP and hostIP. */
export function nodeIp(nodeName: string): string {
  const digest = createHash('sha256').update(nodeName).digest();
  return `10.240.${digest[0]}.${1 + (digest[1]! % 254)}`;
}

/** The node's pod range (10.244.x.0/24, x from the name), from which its pods get their IPs. */
export function podCidrBase(nodeName: string): string {
  const digest = createHash('sha256').update(`pods/${nodeName}`).digest();
  return `10.244.${digest[0]}`;
}

const CONDITIONS: ReadonlyArray<[type: string, status: 'True' | 'False', reason: string, message: string]> = [
  ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
  ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
  ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
  ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
];

/** Healthy conditions heart-beaten at `now`; a condition whose status stays keeps its transition time. */
export function nodeConditions(now: string, previous: readonly NodeCondition[] = []): NodeCondition[] {
  return CONDITIONS.map(([type, status, reason, message]) => {
    const before = previous.find((c) => c.type === type);
    return { type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: before?.status === status ? before.lastTransitionTime : now };
  });
}

export function nodeStatus(nodeName: string, size: NodeSize, now: string, previous: readonly NodeCondition[] = []): Record<string, unknown> {
  const resources = { cpu: size.cpu, memory: size.memory, pods: size.pods, 'ephemeral-storage': '100Gi', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' };
  const id = createHash('sha256').update(nodeName).digest('hex');
  return {
    capacity: resources,
    allocatable: resources,
    conditions: nodeConditions(now, previous),
    addresses: [
      { type: 'InternalIP', address: nodeIp(nodeName) },
      { type: 'Hostname', address: nodeName },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: id.slice(0, 32),
      systemUUID: `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`,
      bootID: id.slice(32, 64),
      kernelVersion: '6.1.0-barge-hollow',
      osImage: 'Barge hollow node',
      containerRuntimeVersion: 'hollow://0.1.0',
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  };
}

export function nodeObject(nodeName: string, size: NodeSize, now: string): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: nodeName,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': nodeName,
        'kubernetes.io/os': 'linux',
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: {},
    status: nodeStatus(nodeName, size, now),
  };
}

export function nodeLease(node: Node, renewTime: string): Lease {
  const name = node.metadata.name!;
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name,
      namespace: NODE_LEASE_NAMESPACE,
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid! }],
    },
    spec: { holderIdentity: name, leaseDurationSeconds: NODE_LEASE_DURATION_SECONDS, renewTime },
  };
}
