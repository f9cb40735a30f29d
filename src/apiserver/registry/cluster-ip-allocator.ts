// ClusterIPs for Services, from --service-cluster-ip-range (IPv4), as kube-apiserver's allocator hands
// them out: a free address of the range (not the network address, not the broadcast address), the
// range's first usable address kept for the `kubernetes` service; "None" (headless) and ExternalName
// services get none; a requested address must be in the range and free. clusterIP and clusterIPs are
// kept in step as kube's service REST does (both filled on create, the allocated ones kept on update).

import { badRequest, invalid } from '../errors/status.js';
import type { KubeObject } from '../schema/types.js';
import type { EtcdStore } from '../storage/etcd-store.js';

interface Range {
  readonly base: number;
  readonly size: number;
  readonly cidr: string;
}

function ipToNumber(ip: string): number | undefined {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

const numberToIp = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** The range's first usable address: the `kubernetes` Service's, which the apiserver's certificate names. */
export const kubernetesServiceIp = (range: Range): string => numberToIp(range.base + 1);

export function parseServiceRange(cidr: string): Range {
  const [address, bits] = cidr.split('/');
  const base = ipToNumber(address ?? '');
  const prefix = Number(bits);
  if (base === undefined || !Number.isInteger(prefix) || prefix < 8 || prefix > 30) throw new Error(`--service-cluster-ip-range: invalid IPv4 CIDR "${cidr}"`);
  const size = 2 ** (32 - prefix);
  return { base: (base & ~(size - 1)) >>> 0, size, cidr };
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
}

/** Sets spec.clusterIP and spec.clusterIPs on a service being created (mutates); `used` are the taken addresses. */
export function allocateClusterIp(range: Range, service: KubeObject, used: ReadonlySet<string>): void {
  const spec = (service['spec'] ??= {}) as ServiceSpec;
  if (spec.type === 'ExternalName') return;
  if (spec.clusterIP === 'None') {
    spec.clusterIPs ??= ['None'];
    return;
  }
  const requested = spec.clusterIP || spec.clusterIPs?.[0];
  if (requested) {
    const n = ipToNumber(requested);
    if (n === undefined) throw badRequest(`failed to allocate IP ${requested}: not a valid IPv4 address`);
    if (n <= range.base || n >= range.base + range.size - 1) {
      throw invalid('', 'Service', service.metadata?.name ?? '', [
        { reason: 'FieldValueInvalid', message: `Invalid value: []string{${JSON.stringify(requested)}}: failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${range.cidr}`, field: 'spec.clusterIPs' },
      ]);
    }
    if (used.has(requested)) {
      throw invalid('', 'Service', service.metadata?.name ?? '', [
        { reason: 'FieldValueInvalid', message: `Invalid value: []string{${JSON.stringify(requested)}}: failed to allocate IP ${requested}: provided IP is already allocated`, field: 'spec.clusterIPs' },
      ]);
    }
    spec.clusterIP = requested;
    spec.clusterIPs = [requested];
    return;
  }
  // The first usable address belongs to the `kubernetes` service.
  for (let n = range.base + 2; n < range.base + range.size - 1; n++) {
    const ip = numberToIp(n);
    if (!used.has(ip)) {
      spec.clusterIP = ip;
      spec.clusterIPs = [ip];
      return;
    }
  }
  throw new Error(`range is full: no free address in ${range.cidr}`);
}

const needsClusterIp = (spec: ServiceSpec | undefined): boolean => spec?.type !== 'ExternalName';

/**
 * An update whose body leaves out the allocated addresses (a client replacing from its own manifest)
 * keeps them, as kube's patchAllocatedValues and normalizeClusterIPs do; a changed address is left for
 * validation to refuse. Mutates `service`.
 */
export function keepAllocatedClusterIps(service: KubeObject, old: KubeObject): void {
  const before = old['spec'] as ServiceSpec | undefined;
  const after = service['spec'] as ServiceSpec | undefined;
  if (!before || !after || !needsClusterIp(before) || !needsClusterIp(after)) return;
  if (!after.clusterIP && before.clusterIP) after.clusterIP = before.clusterIP;
  if ((after.clusterIPs ?? []).length === 0 && (before.clusterIPs ?? []).length > 0 && after.clusterIP === before.clusterIP) after.clusterIPs = [...before.clusterIPs!];
}

/** The addresses the given services hold. */
export function usedClusterIps(services: readonly KubeObject[]): Set<string> {
  const used = new Set<string>();
  for (const s of services) for (const ip of ((s['spec'] as ServiceSpec | undefined)?.clusterIPs ?? [])) used.add(ip);
  return used;
}

/** Allocates the address of a Service being created, against the services stored now. */
export async function assignClusterIp(store: EtcdStore, serviceRangeCidr: string, storagePath: string, service: KubeObject): Promise<void> {
  const page = await store.listPage(store.listPrefix(storagePath), { limit: 0, matches: () => true });
  allocateClusterIp(parseServiceRange(serviceRangeCidr), service, usedClusterIps(page.items));
}
