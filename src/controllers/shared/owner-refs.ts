// Owner references as controllers set them, and the strategic merge patches that adopt and release
// (controller_ref_manager.go).

import type { KubeObject, OwnerReference } from '../../client/kube/index.js';

export function controllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/**
 * The uid precondition makes the patch fail if the object was replaced by a namesake. `finalizers`: the
 * owner's own (the Job controller's tracking finalizer), added on adoption and taken off on release.
 */
export function adoptPatch(object: KubeObject, ref: OwnerReference, finalizers: readonly string[] = []): unknown {
  return { metadata: { ownerReferences: [ref], uid: object.metadata.uid, ...(finalizers.length > 0 ? { finalizers: [...finalizers] } : {}) } };
}

export function releasePatch(object: KubeObject, ownerUid: string, finalizers: readonly string[] = []): unknown {
  const dropped = finalizers.length > 0 ? { '$deleteFromPrimitiveList/finalizers': [...finalizers] } : {};
  return { metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUid }], ...dropped, uid: object.metadata.uid } };
}
