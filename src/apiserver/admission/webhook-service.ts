// A webhook's clientConfig.service resolved as kube-apiserver's endpoint-routing resolver does
// (apiserver/pkg/util/proxy ResolveEndpoint): the Service must exist with a port equal to the configured
// one; an address of its Endpoints that has a port of the same name is dialled. Barge has no service
// network, so there is no ClusterIP routing; without an Endpoints object, the Service's EndpointSlices'
// ready endpoints are used instead. Failures read as kube's, since the call error quotes them.

import type { ApiContext } from '../context.js';
import type { KubeObject } from '../schema/types.js';
import { freshList } from './fresh-list.js';

class ServiceResolutionError extends Error {}

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

interface EndpointsSubset {
  addresses?: Array<{ ip?: string }>;
  ports?: Array<{ name?: string; port?: number }>;
}

interface EndpointSlice {
  endpoints?: Array<{ addresses?: string[]; conditions?: { ready?: boolean } }>;
  ports?: Array<{ name?: string | null; port?: number | null }>;
}

async function stored(ctx: ApiContext, group: string, resource: string, namespace: string, name: string): Promise<KubeObject | undefined> {
  const spec = ctx.registry.find(group, 'v1', resource);
  return spec ? (await ctx.store.get(ctx.store.key(spec.storagePath, namespace, name)))?.obj : undefined;
}

function fromEndpoints(endpoints: KubeObject, portName: string): Endpoint[] {
  const subsets = (endpoints['subsets'] as EndpointsSubset[] | undefined) ?? [];
  return subsets.flatMap((subset) =>
    (subset.ports ?? [])
      .filter((p) => (p.name ?? '') === portName && typeof p.port === 'number')
      .flatMap((p) => (subset.addresses ?? []).flatMap((a) => (a.ip ? [{ host: a.ip, port: p.port! }] : []))),
  );
}

/** The ready endpoints of the Service's slices; undefined when it has none. */
async function fromSlices(ctx: ApiContext, namespace: string, service: string, portName: string): Promise<Endpoint[] | undefined> {
  const spec = ctx.registry.find('discovery.k8s.io', 'v1', 'endpointslices');
  if (!spec) return undefined;
  const slices = (await freshList(ctx, spec.storagePath, namespace)).filter((s) => s.metadata?.labels?.['kubernetes.io/service-name'] === service);
  if (slices.length === 0) return undefined;
  return slices.flatMap((slice) => {
    const { endpoints = [], ports = [] } = slice as EndpointSlice;
    const port = ports.find((p) => (p.name ?? '') === portName)?.port;
    if (typeof port !== 'number') return [];
    return endpoints.filter((e) => e.conditions?.ready !== false).flatMap((e) => (e.addresses ?? []).map((host) => ({ host, port })));
  });
}

/** One address of the Service behind `namespace/name:port`, picked at random as kube picks one. */
export async function resolveServiceEndpoint(ctx: ApiContext, namespace: string, name: string, port: number): Promise<Endpoint> {
  const service = await stored(ctx, '', 'services', namespace, name);
  if (!service) throw new ServiceResolutionError(`service "${name}" not found`);
  const spec = (service['spec'] ?? {}) as { type?: string; ports?: Array<{ name?: string; port?: number }> };
  const type = spec.type ?? 'ClusterIP';
  if (!['ClusterIP', 'NodePort', 'LoadBalancer'].includes(type)) throw new ServiceResolutionError(`unsupported service type "${type}"`);
  const servicePort = spec.ports?.find((p) => p.port === port);
  if (!servicePort) throw new ServiceResolutionError(`no service port ${port} found for service "${name}"`);
  const endpoints = await stored(ctx, '', 'endpoints', namespace, name);
  const candidates = endpoints ? fromEndpoints(endpoints, servicePort.name ?? '') : await fromSlices(ctx, namespace, name, servicePort.name ?? '');
  if (!candidates) throw new ServiceResolutionError(`endpoints "${name}" not found`);
  if (candidates.length === 0) throw new ServiceResolutionError(`no endpoints available for service "${name}"`);
  return candidates[Math.floor(Math.random() * candidates.length)]!;
}
