// Resource arithmetic as kube-scheduler's framework.Resource: cpu in millicores, memory and storage in
// bytes, the rest (extended resources, hugepages) as integer counts; a pod's request as resourcehelper
// computes it (sum of containers, at least the largest init container, plus overhead).

import { integerValue, milliValue } from '../shared/quantity.js';
import type { Container, Node, Pod } from './types.js';

export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  allowedPodNumber: number;
  scalar: Record<string, number>;
}

/** Defaults counted for containers without requests when scoring (pkg/scheduler/util DefaultMilliCPURequest). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export function emptyResource(): Resource {
  return { milliCPU: 0, memory: 0, ephemeralStorage: 0, allowedPodNumber: 0, scalar: {} };
}

export function resourceFromList(list: Record<string, string | number> | undefined): Resource {
  const resource = emptyResource();
  for (const [name, quantity] of Object.entries(list ?? {})) {
    if (name === 'cpu') resource.milliCPU = milliValue(quantity);
    else if (name === 'memory') resource.memory = integerValue(quantity);
    else if (name === 'ephemeral-storage') resource.ephemeralStorage = integerValue(quantity);
    else if (name === 'pods') resource.allowedPodNumber = integerValue(quantity);
    else if (isScalarResourceName(name)) resource.scalar[name] = integerValue(quantity);
  }
  return resource;
}

/** Extended (domain-prefixed, not kubernetes.io), hugepages-*, and attachable-volumes-* resources. */
export function isScalarResourceName(name: string): boolean {
  if (name.startsWith('hugepages-') || name.startsWith('attachable-volumes-')) return true;
  if (!name.includes('/')) return false;
  return !name.startsWith('kubernetes.io/') && !name.startsWith('requests.');
}

export function addResource(into: Resource, other: Resource, sign = 1): void {
  into.milliCPU += sign * other.milliCPU;
  into.memory += sign * other.memory;
  into.ephemeralStorage += sign * other.ephemeralStorage;
  for (const [name, value] of Object.entries(other.scalar)) into.scalar[name] = (into.scalar[name] ?? 0) + sign * value;
}

function maxResource(into: Resource, other: Resource): void {
  into.milliCPU = Math.max(into.milliCPU, other.milliCPU);
  into.memory = Math.max(into.memory, other.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, other.ephemeralStorage);
  for (const [name, value] of Object.entries(other.scalar)) into.scalar[name] = Math.max(into.scalar[name] ?? 0, value);
}

function containerRequest(container: Container, nonZero: boolean): Resource {
  const requests = container.resources?.requests ?? {};
  const resource = resourceFromList(requests);
  if (nonZero) {
    if (requests.cpu === undefined) resource.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
    if (requests.memory === undefined) resource.memory = DEFAULT_MEMORY_REQUEST;
  }
  return resource;
}

/**
 * The pod's effective request: containers summed, restartable (sidecar) init containers added, each
 * regular init container's request a floor; then overhead. `nonZero` fills in the scoring defaults.
 */
export function podRequest(pod: Pod, nonZero = false): Resource {
  const total = emptyResource();
  for (const container of pod.spec.containers ?? []) addResource(total, containerRequest(container, nonZero));
  const sidecars = emptyResource();
  const initFloor = emptyResource();
  for (const container of pod.spec.initContainers ?? []) {
    const request = containerRequest(container, nonZero);
    if (container.restartPolicy === 'Always') {
      addResource(sidecars, request);
      addResource(total, request);
    } else {
      const withSidecars = emptyResource();
      addResource(withSidecars, sidecars);
      addResource(withSidecars, request);
      maxResource(initFloor, withSidecars);
    }
  }
  maxResource(total, initFloor);
  if (pod.spec.overhead) addResource(total, resourceFromList(pod.spec.overhead));
  return total;
}

export function nodeAllocatable(node: Node): Resource {
  return resourceFromList(node.status?.allocatable ?? node.status?.capacity);
}
