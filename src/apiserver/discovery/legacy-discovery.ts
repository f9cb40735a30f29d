// Unaggregated discovery: /api (APIVersions), /apis (APIGroupList), /apis/{group} (APIGroup) and
// /api/v1, /apis/{group}/{version} (APIResourceList) with each resource and its subresources.

import type { GroupVersions, ResourceRegistry } from '../registry/resource-registry.js';
import type { ResourceSpec } from '../schema/types.js';
import { servedGroups, servedInGroupVersion } from './served-resources.js';

const groupVersion = (group: string, version: string): string => (group === '' ? version : `${group}/${version}`);

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(entry: GroupVersions): Record<string, unknown> {
  const versions = entry.versions.map((version) => ({ groupVersion: groupVersion(entry.group, version), version }));
  return { name: entry.group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(registry: ResourceRegistry): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: servedGroups(registry).filter((g) => g.group !== '').map(apiGroup) };
}

/** /apis/{group}, or undefined for a group not served. */
export function apiGroupDocument(registry: ResourceRegistry, group: string): Record<string, unknown> | undefined {
  const entry = servedGroups(registry).find((g) => g.group === group && group !== '');
  return entry ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(entry) } : undefined;
}

function resourceEntries(spec: ResourceSpec): Record<string, unknown>[] {
  const main = {
    name: spec.plural,
    singularName: spec.singular,
    namespaced: spec.namespaced,
    kind: spec.kind,
    verbs: spec.verbs,
    ...(spec.shortNames.length > 0 ? { shortNames: spec.shortNames } : {}),
    ...(spec.categories.length > 0 ? { categories: spec.categories } : {}),
  };
  const subresources = spec.subresources.map((sub) => ({
    name: `${spec.plural}/${sub.name}`,
    singularName: '',
    namespaced: spec.namespaced,
    ...(sub.responseKind ? { group: sub.responseKind.group, version: sub.responseKind.version, kind: sub.responseKind.kind } : { kind: spec.kind }),
    verbs: sub.verbs,
  }));
  return [main, ...subresources];
}

/** /api/v1 or /apis/{group}/{version}, or undefined when nothing is served there. */
export function apiResourceList(registry: ResourceRegistry, group: string, version: string): Record<string, unknown> | undefined {
  const specs = servedInGroupVersion(registry, group, version);
  if (specs.length === 0) return undefined;
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion(group, version), resources: specs.flatMap(resourceEntries) };
}
