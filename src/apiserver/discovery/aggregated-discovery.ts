// Aggregated discovery (apidiscovery.k8s.io v2 and v2beta1): every group, version and resource in one
// answer to /api or /apis, in exactly the version the client asked for (client-go recognises it by the
// Content-Type alone).

import type { ResourceRegistry } from '../registry/resource-registry.js';
import type { ResourceSpec } from '../schema/types.js';
import { servedGroups, servedInGroupVersion } from './served-resources.js';

export function aggregatedContentType(version: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

function resourceDiscovery(spec: ResourceSpec): Record<string, unknown> {
  const kind = { group: spec.group, version: spec.version, kind: spec.kind };
  return {
    resource: spec.plural,
    responseKind: kind,
    scope: spec.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: spec.singular,
    verbs: spec.verbs,
    ...(spec.shortNames.length > 0 ? { shortNames: spec.shortNames } : {}),
    ...(spec.categories.length > 0 ? { categories: spec.categories } : {}),
    ...(spec.subresources.length > 0
      ? { subresources: spec.subresources.map((sub) => ({ subresource: sub.name, responseKind: sub.responseKind ?? kind, verbs: sub.verbs })) }
      : {}),
  };
}

/** For /api (`legacy`: the core group alone) or /apis (every other group). */
export function aggregatedDiscovery(registry: ResourceRegistry, version: 'v2' | 'v2beta1', legacy: boolean): Record<string, unknown> {
  const groups = servedGroups(registry).filter((g) => (g.group === '') === legacy);
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: legacy ? { creationTimestamp: null } : { name: g.group, creationTimestamp: null },
      versions: g.versions.map((v) => ({ version: v, resources: servedInGroupVersion(registry, g.group, v).map(resourceDiscovery), freshness: 'Current' })),
    })),
  };
}
