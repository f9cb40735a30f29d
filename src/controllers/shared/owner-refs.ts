// Owner references as controllers set them, and the strategic merge patches that adopt and release
// (controller_ref_manager.go).

import type { KubeObject, OwnerReference } from '../../client/kube/index.js';

export function controllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/** The uid precondition makes the patch fail if the object was replaced by a namesake. */
export function adoptPatch(object: KubeObject, ref: OwnerReference): unknown {
  return { metadata: { ownerReferences: [ref], uid: object.metadata.uid } };
}

export function releasePatch(object: KubeObject, ownerUid: string): unknown {
  return { metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUid }], uid: object.metadata.uid } };
}
