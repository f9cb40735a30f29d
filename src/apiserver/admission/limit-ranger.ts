// LimitRanger: a namespace's LimitRanges of type Container give containers their default limits and
// requests, and bound them by min and max (plugin/pkg/admission/limitranger).

import { parseQuantity } from '../../shared/quantity.js';
import type { KubeObject } from '../schema/types.js';
import { freshList } from './fresh-list.js';
import { admissionForbidden, type AdmissionPlugin, type AdmissionRequest } from './admission-chain.js';

type Json = Record<string, unknown>;
type Resources = Record<string, string>;

async function containerLimits(r: AdmissionRequest): Promise<Json[]> {
  const spec = r.ctx.registry.find('', 'v1', 'limitranges');
  if (!spec) return [];
  const ranges = await freshList(r.ctx, spec.storagePath, r.namespace);
  return ranges.flatMap((lr) => (((lr['spec'] as Json | undefined)?.['limits'] as Json[] | undefined) ?? []).filter((l) => l['type'] === 'Container'));
}

function containersOf(obj: KubeObject): Json[] {
  const spec = (obj['spec'] as Json | undefined) ?? {};
  return [...((spec['initContainers'] as Json[] | undefined) ?? []), ...((spec['containers'] as Json[] | undefined) ?? [])];
}

/** Fills missing limits from `default` and missing requests from `defaultRequest`. */
export function applyContainerDefaults(container: Json, limit: Json): void {
  const resources = ((container['resources'] as Json | undefined) ?? {}) as { limits?: Resources; requests?: Resources };
  const defaults = (limit['default'] as Resources | undefined) ?? {};
  const defaultRequests = (limit['defaultRequest'] as Resources | undefined) ?? {};
  for (const [name, value] of Object.entries(defaults)) {
    if (resources.limits?.[name] === undefined) resources.limits = { ...resources.limits, [name]: value };
  }
  for (const [name, value] of Object.entries(defaultRequests)) {
    if (resources.requests?.[name] === undefined) resources.requests = { ...resources.requests, [name]: value };
  }
  if (Object.keys(resources).length > 0) container['resources'] = resources;
}

/** The first bound a container breaks, as LimitRanger words it. */
export function containerViolation(container: Json, limit: Json): string | undefined {
  const resources = (container['resources'] as { limits?: Resources; requests?: Resources } | undefined) ?? {};
  for (const [name, max] of Object.entries((limit['max'] as Resources | undefined) ?? {})) {
    const value = resources.limits?.[name];
    if (value === undefined) return `maximum ${name} usage per Container is ${max}.  No limit is specified`;
    if ((parseQuantity(value) ?? 0) > (parseQuantity(max) ?? 0)) return `maximum ${name} usage per Container is ${max}, but limit is ${value}`;
  }
  for (const [name, min] of Object.entries((limit['min'] as Resources | undefined) ?? {})) {
    const value = resources.requests?.[name];
    if (value === undefined) return `minimum ${name} usage per Container is ${min}.  No request is specified`;
    if ((parseQuantity(value) ?? 0) < (parseQuantity(min) ?? 0)) return `minimum ${name} usage per Container is ${min}, but request is ${value}`;
  }
  return undefined;
}

const isPodCreate = (r: AdmissionRequest): boolean => r.operation === 'CREATE' && r.group === '' && r.resource === 'pods' && r.subresource === '';

export const limitRanger: AdmissionPlugin = {
  name: 'LimitRanger',
  async mutate(r) {
    if (!isPodCreate(r)) return;
    for (const limit of await containerLimits(r)) for (const c of containersOf(r.obj)) applyContainerDefaults(c, limit);
  },
  async validate(r) {
    if (!isPodCreate(r)) return;
    for (const limit of await containerLimits(r)) {
      for (const c of containersOf(r.obj)) {
        const why = containerViolation(c, limit);
        if (why) throw admissionForbidden(r, why);
      }
    }
  },
};
