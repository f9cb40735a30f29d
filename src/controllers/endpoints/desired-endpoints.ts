// What the EndpointSlice and Endpoints controllers publish for a Service with a selector: one entry per
// selected pod that has an IP, ready or not (slices mark terminating pods; Endpoints lists unready ones
// as notReadyAddresses), with each service port's targetPort resolved against the pod's container ports.

import { labelSelectorMatches, type KubeObject } from '../../client/kube/index.js';
import { isPodReady } from '../shared/pod-util.js';
import type { Pod } from '../shared/types.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'endpointslice-controller.k8s.io';

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
}

export interface Service extends KubeObject {
  spec?: { selector?: Record<string, string>; ports?: ServicePort[] };
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
}

interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
}

export interface PodEndpoint {
  pod: Pod;
  ip: string;
  ready: boolean;
  terminating: boolean;
  ports: EndpointPort[];
}

function resolvePort(pod: Pod, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  const containers = ((pod.spec as { containers?: Array<{ ports?: ContainerPort[] }> } | undefined)?.containers ?? []);
  for (const container of containers) {
    const found = (container.ports ?? []).find((candidate) => candidate.name === target && (candidate.protocol ?? 'TCP') === (port.protocol ?? 'TCP'));
    if (found) return found.containerPort;
  }
  return undefined;
}

/** The selected pods with an IP, in name order, with their resolved ports. */
export function podEndpoints(service: Service, pods: readonly Pod[]): PodEndpoint[] {
  const selector = service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return [];
  return pods
    .filter((pod) => labelSelectorMatches({ matchLabels: selector }, pod.metadata.labels ?? {}))
    .filter((pod) => typeof pod.status?.['podIP'] === 'string' && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed')
    .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1))
    .map((pod) => ({
      pod,
      ip: pod.status!['podIP'] as string,
      ready: isPodReady(pod) && !pod.metadata.deletionTimestamp,
      terminating: Boolean(pod.metadata.deletionTimestamp),
      ports: (service.spec?.ports ?? []).flatMap((port) => {
        const resolved = resolvePort(pod, port);
        return resolved === undefined ? [] : [{ ...(port.name ? { name: port.name } : {}), port: resolved, protocol: port.protocol ?? 'TCP' }];
      }),
    }));
}

const targetRef = (pod: Pod): Record<string, string> => ({ kind: 'Pod', namespace: pod.metadata.namespace!, name: pod.metadata.name!, uid: pod.metadata.uid! });

/** The slice's body (without name and owner): addresses, conditions, ports. */
export function sliceContent(service: Service, endpoints: readonly PodEndpoint[]): Record<string, unknown> {
  const ports = endpoints[0]?.ports ?? (service.spec?.ports ?? []).map((port) => ({ ...(port.name ? { name: port.name } : {}), port: typeof port.targetPort === 'number' ? port.targetPort : port.port, protocol: port.protocol ?? 'TCP' }));
  return {
    addressType: 'IPv4',
    endpoints: endpoints.map((entry) => ({
      addresses: [entry.ip],
      conditions: { ready: entry.ready, serving: isPodReady(entry.pod), terminating: entry.terminating },
      ...(entry.pod.spec?.nodeName ? { nodeName: entry.pod.spec.nodeName } : {}),
      targetRef: targetRef(entry.pod),
    })),
    ports,
  };
}

/** core/v1 Endpoints subsets: pods grouped by their resolved ports; terminating pods left out. */
export function endpointSubsets(endpoints: readonly PodEndpoint[]): Array<Record<string, unknown>> {
  const groups = new Map<string, { ports: EndpointPort[]; addresses: unknown[]; notReadyAddresses: unknown[] }>();
  for (const entry of endpoints) {
    if (entry.terminating || entry.ports.length === 0) continue;
    const key = JSON.stringify(entry.ports);
    const group = groups.get(key) ?? { ports: entry.ports, addresses: [], notReadyAddresses: [] };
    groups.set(key, group);
    const address = { ip: entry.ip, ...(entry.pod.spec?.nodeName ? { nodeName: entry.pod.spec.nodeName } : {}), targetRef: targetRef(entry.pod) };
    (entry.ready ? group.addresses : group.notReadyAddresses).push(address);
  }
  return [...groups.values()].map((group) => ({
    ...(group.addresses.length ? { addresses: group.addresses } : {}),
    ...(group.notReadyAddresses.length ? { notReadyAddresses: group.notReadyAddresses } : {}),
    ports: group.ports,
  }));
}
