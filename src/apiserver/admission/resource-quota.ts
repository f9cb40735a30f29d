// ResourceQuota: object counts (`pods`, `configmaps`, `count/<resource>.<group>`, ...) and pod
// requests and limits summed over a namespace against each quota's `spec.hard`, a create that would
// exceed one refused with kube's message (plugin/pkg/admission/resourcequota).

import { parseQuantity } from '../../shared/quantity.js';
import type { KubeObject } from '../schema/types.js';
import { freshList } from './fresh-list.js';
import { admissionForbidden, type AdmissionPlugin, type AdmissionRequest } from './admission-chain.js';

type Json = Record<string, unknown>;

/** The short names kube counts core objects by. */
const CORE_COUNTS: Record<string, string> = { pods: 'pods', services: 'services', configmaps: 'configmaps', secrets: 'secrets', replicationcontrollers: 'replicationcontrollers', persistentvolumeclaims: 'persistentvolumeclaims', resourcequotas: 'resourcequotas' };
const POD_COMPUTE = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory', 'cpu', 'memory'];


function podCompute(pod: KubeObject, name: string): number {
  const [kind, resource] = name.includes('.') ? (name.split('.') as [string, string]) : ['requests', name];
  const containers = (((pod['spec'] as Json | undefined)?.['containers'] as Json[] | undefined) ?? []);
  return containers.reduce((sum, c) => sum + (parseQuantity(((c['resources'] as Json | undefined)?.[kind] as Record<string, string> | undefined)?.[resource]) ?? 0), 0);
}

/** What one more `r.obj` adds to each counted name of `hard` (names it does not touch are left out). */
function increments(r: AdmissionRequest, hard: Record<string, string>): Map<string, number> {
  const added = new Map<string, number>();
  const qualified = r.group ? `${r.resource}.${r.group}` : r.resource;
  for (const name of Object.keys(hard)) {
    if (name === `count/${qualified}` || (r.group === '' && CORE_COUNTS[r.resource] === name)) added.set(name, 1);
    else if (r.group === '' && r.resource === 'pods' && POD_COMPUTE.includes(name)) added.set(name, podCompute(r.obj, name));
  }
  return added;
}

function used(objects: readonly KubeObject[], r: AdmissionRequest, name: string): number {
  if (name.startsWith('count/') || CORE_COUNTS[r.resource] === name) return objects.length;
  return objects.reduce((sum, pod) => sum + podCompute(pod, name), 0);
}

/** Go's quantity printing for the message: whole numbers plain, fractions of a core in millicores. */
function format(name: string, value: number): string {
  if (name.includes('cpu') && !Number.isInteger(value)) return `${Math.round(value * 1000)}m`;
  return String(value);
}

const list = (entries: [string, string][]): string => entries.map(([k, v]) => `${k}=${v}`).join(',');

export const resourceQuota: AdmissionPlugin = {
  name: 'ResourceQuota',
  async validate(r) {
    if (r.operation !== 'CREATE' || r.subresource !== '' || r.namespace === '') return;
    const quotas = r.ctx.registry.find('', 'v1', 'resourcequotas');
    if (!quotas) return;
    const existing = await freshList(r.ctx, r.storagePath, r.namespace);
    for (const quota of await freshList(r.ctx, quotas.storagePath, r.namespace)) {
      const hard = ((quota['spec'] as Json | undefined)?.['hard'] as Record<string, string> | undefined) ?? {};
      const adds = increments(r, hard);
      const exceeded = [...adds].filter(([name, n]) => n > 0 && used(existing, r, name) + n > (parseQuantity(hard[name]) ?? 0)).map(([name]) => name).sort();
      if (exceeded.length === 0) continue;
      const requested = list(exceeded.map((n) => [n, format(n, adds.get(n)!)]));
      const usedNow = list(exceeded.map((n) => [n, format(n, used(existing, r, n))]));
      const limited = list(exceeded.map((n) => [n, hard[n]!]));
      throw admissionForbidden(r, `exceeded quota: ${quota.metadata?.name ?? ''}, requested: ${requested}, used: ${usedNow}, limited: ${limited}`);
    }
  },
};
