// The namespaced resources the server serves with the delete verb, from discovery (client-go's
// ServerPreferredNamespacedResources filtered by SupportsAllVerbs{delete}): asked again on every pass,
// so custom resources defined meanwhile are included. A group version whose discovery fails is reported
// and the others still used, as kube's namespace controller does.

import type { KubeClient, ResourceRef } from '../../client/kube/index.js';

interface ApiResource {
  name: string;
  namespaced: boolean;
  kind: string;
  verbs?: string[];
}

interface GroupVersion {
  groupVersion: string;
  version: string;
}

interface ApiGroup {
  name: string;
  versions: GroupVersion[];
  preferredVersion?: GroupVersion;
}

export interface Discovered {
  resources: ResourceRef[];
  /** "group/version: error" for each group version that could not be read. */
  failures: string[];
}

export async function discoverDeletableNamespacedResources(client: KubeClient): Promise<Discovered> {
  const versions: Array<{ group: string; version: string; path: string }> = [{ group: '', version: 'v1', path: '/api/v1' }];
  const groups = await client.raw<{ groups?: ApiGroup[] }>('/apis');
  for (const group of groups.groups ?? []) {
    // The preferred version first, so a resource served in several versions is taken from it.
    const ordered = [...group.versions].sort((a, b) => Number(b.version === group.preferredVersion?.version) - Number(a.version === group.preferredVersion?.version));
    for (const { version, groupVersion } of ordered) versions.push({ group: group.name, version, path: `/apis/${groupVersion}` });
  }
  const failures: string[] = [];
  const seen = new Set<string>();
  const resources: ResourceRef[] = [];
  for (const { group, version, path } of versions) {
    let list: { resources?: ApiResource[] };
    try {
      list = await client.raw(path);
    } catch (error) {
      failures.push(`${path.replace(/^\/apis?\//, '')}: ${(error as Error).message}`);
      continue;
    }
    for (const entry of list.resources ?? []) {
      if (entry.name.includes('/') || !entry.namespaced || !entry.verbs?.includes('delete') || seen.has(`${group}/${entry.name}`)) continue;
      seen.add(`${group}/${entry.name}`);
      resources.push({ group, version, plural: entry.name, namespaced: true, kind: entry.kind });
    }
  }
  return { resources, failures };
}
