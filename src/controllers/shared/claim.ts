// ClaimPods / ClaimReplicaSets (controller_ref_manager.go): the objects an owner controls are those with
// its controllerRef that its selector still matches; matching orphans are adopted (after a fresh read
// shows the owner is not being deleted) and owned objects that no longer match are released.

import { controllerOf, isNotFound, type KubeClient, type KubeObject, type ResourceRef } from '../../client/kube/index.js';
import { adoptPatch, controllerRef, releasePatch } from './owner-refs.js';

export interface ClaimOptions<T extends KubeObject> {
  client: KubeClient;
  owner: KubeObject;
  ownerApiVersion: string;
  ownerKind: string;
  /** Where the claimed objects live (pods, replicasets). */
  resource: ResourceRef;
  matches: (object: T) => boolean;
  /** An uncached read of the owner: adoption only if it is still there, the same, and not being deleted. */
  canAdopt: () => Promise<boolean>;
  /** Finalizers the owner puts on what it controls (PodControllerRefManager's): added on adoption, removed on release. */
  finalizers?: readonly string[];
}

export async function claimObjects<T extends KubeObject>(candidates: readonly T[], options: ClaimOptions<T>): Promise<T[]> {
  const { client, owner, resource } = options;
  const claimed: T[] = [];
  let adoptable: boolean | undefined;
  for (const object of candidates) {
    const ref = controllerOf(object);
    if (ref) {
      if (ref.uid !== owner.metadata.uid) continue;
      if (options.matches(object)) {
        claimed.push(object);
      } else if (!owner.metadata.deletionTimestamp) {
        await patchIgnoringGone(client, resource, object, releasePatch(object, owner.metadata.uid!, options.finalizers));
      }
      continue;
    }
    if (owner.metadata.deletionTimestamp || object.metadata.deletionTimestamp || !options.matches(object)) continue;
    adoptable ??= await options.canAdopt();
    if (!adoptable) continue;
    const adopted = await patchIgnoringGone(client, resource, object, adoptPatch(object, controllerRef(owner, options.ownerApiVersion, options.ownerKind), options.finalizers));
    if (adopted) claimed.push(adopted as T);
  }
  return claimed;
}

async function patchIgnoringGone(client: KubeClient, resource: ResourceRef, object: KubeObject, patch: unknown): Promise<KubeObject | undefined> {
  try {
    return await client.patch(resource, object.metadata.namespace, object.metadata.name!, patch, 'strategic');
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The canAdopt check: re-GET the owner and compare uid and deletion. */
export function freshOwnerCheck(client: KubeClient, resource: ResourceRef, owner: KubeObject): () => Promise<boolean> {
  return async () => {
    try {
      const fresh = await client.get(resource, owner.metadata.namespace, owner.metadata.name!);
      return fresh.metadata.uid === owner.metadata.uid && !fresh.metadata.deletionTimestamp;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  };
}
