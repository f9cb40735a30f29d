// The disruption controller's last finder (getScaleController): a pod controlled by any other kind
// counts by that controller's scale subresource, found through discovery as kube's REST mapper finds it.

import { isNotFound, type KubeClient, type OwnerReference } from '../../client/kube/index.js';
import type { ControllerScale } from './disruption-budget.js';

interface ApiResource {
  name: string;
  kind: string;
}

interface Scale {
  metadata: { uid?: string };
  spec?: { replicas?: number };
}

/** The controller's scale; undefined when it is gone (or another object now has its name). */
export async function scaleOfController(client: KubeClient, ref: OwnerReference, namespace: string): Promise<ControllerScale | undefined> {
  const slash = ref.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : ref.apiVersion.slice(0, slash);
  const root = group ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
  let resources: ApiResource[];
  try {
    resources = (await client.raw<{ resources?: ApiResource[] }>(root)).resources ?? [];
  } catch (error) {
    if (!isNotFound(error)) throw error;
    resources = [];
  }
  const resource = resources.find((r) => r.kind === ref.kind && !r.name.includes('/'));
  if (!resource) throw new Error(`no matches for kind "${ref.kind}" in version "${ref.apiVersion}"`);
  let scale: Scale;
  try {
    scale = await client.raw<Scale>(`${root}/namespaces/${encodeURIComponent(namespace)}/${resource.name}/${encodeURIComponent(ref.name)}/scale`);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    // Not found: the object is gone, or its kind has no scale subresource, which is an error.
    if (!resources.some((r) => r.name === `${resource.name}/scale` && r.kind === 'Scale')) {
      throw new Error(`${group ? `${resource.name}.${group}` : resource.name} does not implement the scale subresource`);
    }
    return undefined;
  }
  return scale.metadata.uid === ref.uid ? { uid: ref.uid, scale: scale.spec?.replicas ?? 0 } : undefined;
}
