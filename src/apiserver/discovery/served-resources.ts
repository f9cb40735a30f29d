// What discovery lists: the registry's resources and the review kinds the gate answers without
// storage (kube-apiserver serves both from the same discovery documents).

import { REVIEW_RESOURCES } from '../authz/review-resources.js';
import type { GroupVersions, ResourceRegistry } from '../registry/resource-registry.js';
import type { ResourceSpec } from '../schema/types.js';

/** Every group with its versions: the registry's, then the review groups it does not serve. */
export function servedGroups(registry: ResourceRegistry): GroupVersions[] {
  const groups = registry.groups();
  for (const spec of REVIEW_RESOURCES) {
    const entry = groups.find((g) => g.group === spec.group);
    if (!entry) groups.push({ group: spec.group, versions: [spec.version] });
    else if (!entry.versions.includes(spec.version)) groups.splice(groups.indexOf(entry), 1, { group: entry.group, versions: [...entry.versions, spec.version] });
  }
  return groups;
}

/** Every resource discovery lists, so /openapi describes exactly what discovery names. */
export function servedResources(registry: ResourceRegistry): ResourceSpec[] {
  return [...registry.all(), ...REVIEW_RESOURCES];
}

export function servedInGroupVersion(registry: ResourceRegistry, group: string, version: string): ResourceSpec[] {
  return [...registry.inGroupVersion(group, version), ...REVIEW_RESOURCES.filter((r) => r.group === group && r.version === version)];
}
