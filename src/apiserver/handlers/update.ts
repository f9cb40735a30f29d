// PUT of an object (or its status), and the update path PATCH shares: the new state decided on the
// current one inside GuaranteedUpdate, a client's stale resourceVersion a 409 Conflict, the system
// fields and the spec/status split kept, defaults and validation applied. An object being deleted with no
// grace left whose last finalizer goes is deleted instead (a namespace once its spec finalizers are gone too).

import { badRequest, conflict, notFound, StatusError } from '../errors/status.js';
import { decodeObjectBody, mediaType, readBody } from '../http/request-body.js';
import { admitToChain } from '../admission/admission-request.js';
import { copyJson } from '../patch/json-values.js';
import { admit, fieldValidationParam } from '../registry/admission.js';
import { keepAllocatedClusterIps } from '../registry/cluster-ip-allocator.js';
import { deletionPending } from '../registry/graceful-deletion.js';
import { recordUpdate } from '../registry/field-managers.js';
import { keepManagedFieldsTimestamps } from '../registry/managed-fields-timestamps.js';
import { isNamespace, namespaceFinalized, prepareNamespaceUpdate } from '../registry/namespace-finalizers.js';
import { bumpGeneration, prepareStatusUpdate, prepareUpdate } from '../registry/object-meta.js';
import type { KubeObject } from '../schema/types.js';
import { checkNamespace, checkTypeMeta } from './create.js';
import { writeObject } from './output.js';
import { isDryRun, objectKey, served, storable, trackInput, type Scope } from './scope.js';

/** Proposes the new state from a copy of the current one. */
export type Mutation = (current: KubeObject) => KubeObject | Promise<KubeObject>;

export interface UpdateResult {
  readonly obj: KubeObject;
  readonly warnings: string[];
}

/** The object as the update would store it (throws Conflict, Invalid, ...). */
async function nextState(scope: Scope, current: KubeObject, mutate: Mutation, warnings: string[], trackFields: boolean): Promise<KubeObject> {
  const { spec } = scope;
  const proposed = await mutate(copyJson(current));
  const name = scope.request.name ?? '';
  const wanted = proposed.metadata?.resourceVersion;
  if (wanted && wanted !== current.metadata?.resourceVersion) throw conflict(scope.qualified, name);
  if (proposed.metadata?.name !== undefined && proposed.metadata.name !== name) {
    throw badRequest(`the name of the object (${proposed.metadata.name}) does not match the name on the URL (${name})`);
  }
  checkNamespace(scope, proposed);
  let next: KubeObject;
  if (scope.request.subresource === 'status') next = prepareStatusUpdate(proposed, current);
  else {
    next = proposed;
    prepareUpdate(spec, next, current);
    if (spec.group === '' && spec.kind === 'Service') keepAllocatedClusterIps(next, current);
    if (isNamespace(spec)) prepareNamespaceUpdate(next, current, scope.request.subresource);
  }
  warnings.splice(0, warnings.length, ...admit(scope.ctx.checkSchema, spec, next, current, fieldValidationParam(scope.query.get('fieldValidation'))));
  if (scope.request.subresource !== 'status') bumpGeneration(spec, next, current);
  await admitToChain(scope, next, current, warnings);
  const tracked = trackFields ? recordUpdate(trackInput(scope), current, next) : next;
  keepManagedFieldsTimestamps(tracked, current);
  return tracked;
}

/** Updates the request's object; `trackFields` false when the mutation keeps managedFields itself (apply). */
export async function updateObject(scope: Scope, mutate: Mutation, trackFields = true): Promise<UpdateResult> {
  const { ctx } = scope;
  const key = objectKey(scope);
  const name = scope.request.name ?? '';
  const warnings: string[] = [];
  if (isDryRun(scope.query)) {
    const current = await ctx.store.get(key);
    if (!current) throw notFound(scope.qualified, name);
    return { obj: await nextState(scope, served(scope, current.obj), mutate, warnings, trackFields), warnings };
  }
  let updated: KubeObject;
  try {
    updated = served(
      scope,
      await ctx.store.guaranteedUpdate(key, scope.qualified, name, async (current) => {
        const next = await nextState(scope, served(scope, current), mutate, warnings, trackFields);
        if (shouldDeleteDuringUpdate(scope, next, current)) throw new EmptiedFinalizers(next);
        return storable(scope, next);
      }),
    );
  } catch (error) {
    if (!(error instanceof EmptiedFinalizers)) throw error;
    return { obj: await deleteWithoutFinalizers(scope, key, error.obj), warnings };
  }
  return { obj: updated, warnings };
}

/** Raised inside the update to delete instead of write, as kube's store does (errEmptiedFinalizers). */
class EmptiedFinalizers extends Error {
  constructor(readonly obj: KubeObject) {
    super('emptied finalizers');
  }
}

/**
 * ShouldDeleteDuringUpdate: the update takes the last finalizer off an object already being deleted with
 * no grace left (a pod still in its grace period stays until its kubelet deletes it); a namespace also
 * waits for its spec finalizers.
 */
function shouldDeleteDuringUpdate(scope: Scope, next: KubeObject, current: KubeObject): boolean {
  if (!current.metadata?.deletionTimestamp) return false;
  if (deletionPending(next.metadata?.finalizers ?? [], current.metadata.deletionGracePeriodSeconds ?? 0)) return false;
  return !isNamespace(scope.spec) || namespaceFinalized(next);
}

/**
 * Deletes the object whose update emptied its finalizers, whatever was written since (a racing status
 * update must not turn the finalizer's removal into a Conflict that leaves it stuck), but only the same
 * object. Answers the deleted object, or the update's when another request deleted it first.
 */
async function deleteWithoutFinalizers(scope: Scope, key: string, obj: KubeObject): Promise<KubeObject> {
  const name = scope.request.name ?? '';
  try {
    return served(scope, await scope.ctx.store.delete(key, scope.qualified, name, (current) => {
      if (current.metadata?.uid !== obj.metadata?.uid) throw conflict(scope.qualified, name);
    }));
  } catch (error) {
    if (error instanceof StatusError && error.code === 404) return obj;
    throw error;
  }
}

export async function updateHandler(scope: Scope): Promise<void> {
  const body = decodeObjectBody(await readBody(scope.req), mediaType(scope.req.headers['content-type']));
  const replacement = checkTypeMeta(scope, body);
  const { obj, warnings } = await updateObject(scope, () => copyJson(replacement));
  writeObject(scope, 200, obj, warnings);
}
