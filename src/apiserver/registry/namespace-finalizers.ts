// A namespace's spec.finalizers (kube's namespace strategies): they change only through the /finalize
// subresource, which changes nothing else but the object's metadata; a namespace being deleted goes
// once both its spec finalizers and its metadata finalizers are empty (ShouldDeleteNamespaceDuringUpdate).

import type { KubeObject, ResourceSpec } from '../schema/types.js';

export function isNamespace(spec: ResourceSpec): boolean {
  return spec.group === '' && spec.kind === 'Namespace';
}

function specOf(obj: KubeObject): Record<string, unknown> {
  return (obj['spec'] as Record<string, unknown> | undefined) ?? {};
}

/** True when no spec finalizer holds the namespace. */
export function namespaceFinalized(obj: KubeObject): boolean {
  const finalizers = specOf(obj)['finalizers'];
  return !Array.isArray(finalizers) || finalizers.length === 0;
}

/** namespaceStrategy.PrepareForUpdate keeps the finalizers; namespaceFinalizeStrategy keeps the status. */
export function prepareNamespaceUpdate(next: KubeObject, current: KubeObject, subresource: string | undefined): void {
  if (subresource === 'finalize') {
    if (current['status'] === undefined) delete next['status'];
    else next['status'] = current['status'];
    return;
  }
  const kept = specOf(current)['finalizers'];
  const spec = specOf(next);
  if (kept === undefined) delete spec['finalizers'];
  else spec['finalizers'] = kept;
  next['spec'] = spec;
}
