// The system's part of an object's metadata, as kube-apiserver's generic registry fills it: name from
// generateName, uid, creationTimestamp and generation on create; on update the fields clients may not
// change kept from the stored object, and generation bumped when the spec changes.

import { randomUUID, randomInt } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { badRequest, invalid } from '../errors/status.js';
import type { FieldCause, KubeObject, ObjectMeta, ResourceSpec } from '../schema/types.js';

/** The alphabet of generated name suffixes (k8s.io/apimachinery/pkg/util/rand, no vowels or lookalikes). */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const MAX_GENERATED_PREFIX = 63 - 5;

/** RFC 3339 in seconds, as metav1.Time serializes. */
export function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return prefix.slice(0, MAX_GENERATED_PREFIX) + suffix;
}

/** Kinds whose objects count spec changes in metadata.generation (pods do not, in 1.32). */
export function tracksGeneration(spec: ResourceSpec, obj: KubeObject): boolean {
  return spec.kind !== 'Pod' && obj['spec'] !== undefined;
}

export function hasStatus(spec: ResourceSpec): boolean {
  return spec.subresources.some((s) => s.name === 'status');
}

/** Fills the system fields of an object being created (mutates) and checks what clients may not set. */
export function prepareCreate(spec: ResourceSpec, obj: KubeObject, namespace: string | undefined, now: Date): void {
  const meta: ObjectMeta = (obj.metadata ??= {});
  if (meta.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
  if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
  if (!meta.name) throw invalid(spec.group, spec.kind, '', [{ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' }]);
  if (spec.namespaced) meta.namespace = namespace;
  else delete meta.namespace;
  meta.uid = randomUUID();
  meta.creationTimestamp = timestamp(now);
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  if (tracksGeneration(spec, obj)) meta.generation = 1;
  else delete meta.generation;
  // Status is the controllers' to write, through /status; a kubelet registers its Node with one.
  if (hasStatus(spec) && !keepsStatusOnCreate(spec)) delete obj['status'];
}

/** Kinds whose strategy keeps a client's status on create (kube's node strategy). */
function keepsStatusOnCreate(spec: ResourceSpec): boolean {
  return spec.group === '' && spec.kind === 'Node';
}

/** Keeps what an update through the main endpoint may not change (generation is decided after defaults). */
export function prepareUpdate(spec: ResourceSpec, obj: KubeObject, old: KubeObject): void {
  const meta: ObjectMeta = (obj.metadata ??= {});
  const oldMeta = old.metadata ?? {};
  for (const field of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation', 'namespace']) {
    if (oldMeta[field] === undefined) delete meta[field];
    else meta[field] = oldMeta[field];
  }
  meta.name = oldMeta.name;
  if (hasStatus(spec)) {
    if (old['status'] === undefined) delete obj['status'];
    else obj['status'] = old['status'];
  }
}

/** Bumps generation when the spec changed; called once defaults are applied, so a no-op stays one. */
export function bumpGeneration(spec: ResourceSpec, obj: KubeObject, old: KubeObject): void {
  if (!tracksGeneration(spec, old) || isDeepStrictEqual(obj['spec'], old['spec'])) return;
  (obj.metadata ??= {}).generation = (old.metadata?.generation ?? 0) + 1;
}

/** An update through /status: only the status changes. */
export function prepareStatusUpdate(obj: KubeObject, old: KubeObject): KubeObject {
  const updated: KubeObject = { ...old, metadata: { ...old.metadata, resourceVersion: obj.metadata?.resourceVersion } };
  if (obj['status'] === undefined) delete updated['status'];
  else updated['status'] = obj['status'];
  return updated;
}

/** Once deletion has begun, finalizers may only be removed (kube-apiserver's ValidateObjectMetaUpdate). */
export function finalizerCauses(obj: KubeObject, old: KubeObject): FieldCause[] {
  if (!old.metadata?.deletionTimestamp) return [];
  const before = new Set(old.metadata.finalizers ?? []);
  const added = (obj.metadata?.finalizers ?? []).filter((f) => !before.has(f));
  if (added.length === 0) return [];
  return [{ reason: 'FieldValueForbidden', message: 'Forbidden: no new finalizers can be added if the object is being deleted', field: 'metadata.finalizers' }];
}
