// ResourceQuota: what a create adds (kube's evaluators, the controller manager's too: object counts,
// `count/<resource>.<group>`, pod requests and limits, services' node ports, claims' storage), over the
// namespace's live objects, against each quota whose scopes select the object; a create that would exceed
// one is refused with kube's message (plugin/pkg/admission/resourcequota), quantities printed as kube's.

import { formatQuantity } from '../../shared/quantity-format.js';
import { objectUsage, quotaSelects, usageOf, type QuotaSpec } from '../../shared/quota/quota-usage.js';
import { resourceList, type ResourceList } from '../../shared/quota/resource-lists.js';
import type { KubeObject } from '../schema/types.js';
import { freshList } from './fresh-list.js';
import { admissionForbidden, type AdmissionPlugin } from './admission-chain.js';

/** kube's prettyPrint: `name=quantity` sorted by name, comma-joined. */
function prettyPrint(list: ResourceList, names: readonly string[]): string {
  return names.map((name) => `${name}=${list.get(name) ? formatQuantity(list.get(name)!) : '0'}`).join(',');
}

export const resourceQuota: AdmissionPlugin = {
  name: 'ResourceQuota',
  async validate(r) {
    if (r.operation !== 'CREATE' || r.subresource !== '' || r.namespace === '') return;
    const quotas = r.ctx.registry.find('', 'v1', 'resourcequotas');
    if (!quotas) return;
    const resource = { group: r.group, plural: r.resource };
    const now = r.ctx.now().getTime();
    let existing: KubeObject[] | undefined;
    for (const quota of await freshList(r.ctx, quotas.storagePath, r.namespace)) {
      const spec = (quota['spec'] as QuotaSpec | undefined) ?? {};
      if (!quotaSelects(resource, spec, r.obj)) continue;
      const requested = objectUsage(resource, r.obj, spec, now);
      if (requested.size === 0) continue;
      existing ??= await freshList(r.ctx, r.storagePath, r.namespace);
      const used = usageOf(resource, existing, spec, now);
      const hard = resourceList(spec.hard);
      const exceeded = [...requested.keys()]
        .filter((name) => requested.get(name)!.nanos > 0n && (used.get(name)?.nanos ?? 0n) + requested.get(name)!.nanos > (hard.get(name)?.nanos ?? 0n))
        .sort();
      if (exceeded.length === 0) continue;
      throw admissionForbidden(r, `exceeded quota: ${quota.metadata?.name ?? ''}, requested: ${prettyPrint(requested, exceeded)}, used: ${prettyPrint(used, exceeded)}, limited: ${prettyPrint(hard, exceeded)}`);
    }
  },
};
