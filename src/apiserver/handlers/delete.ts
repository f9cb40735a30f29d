// DELETE of an object and of a collection. Preconditions are checked on the stored object; a running
// pod on a node, or an object with finalizers (its own, or the `orphan` / `foregroundDeletion` one its
// propagation policy asks for), is only marked (deletionTimestamp) and answered 200 with the object; a
// namespace turns Terminating and waits for its spec finalizers (the namespace controller empties it,
// then finalizes it); anything else is deleted by a Txn on its mod revision. Pods, services and
// namespaces answer with the object, other kinds with a Status.

import { conflict, notFound, type Qualified } from '../errors/status.js';
import { deletionPending, finalizersForDelete, graceSeconds } from '../registry/graceful-deletion.js';
import { isNamespace, namespaceFinalized } from '../registry/namespace-finalizers.js';
import { namespaceDeleted } from '../registry/namespace-lifecycle.js';
import { timestamp } from '../registry/object-meta.js';
import type { KubeObject, ResourceSpec } from '../schema/types.js';
import { deleteOptions, type DeleteOptions } from './delete-options.js';
import { listOptions } from './list-options.js';
import { writeNegotiated, writeObject } from './output.js';
import { apiVersionOf, collectionPrefix, isDryRun, objectKey, served, type Scope } from './scope.js';

const RETURNS_OBJECT = new Set(['/Pod', '/Service', '/Namespace']);

/** Raised inside the marking update when nothing holds the object any more: it is deleted at once instead. */
const DELETE_NOW = new Error('delete now');

function checkPreconditions(q: Qualified, name: string, options: DeleteOptions, obj: KubeObject): void {
  const want = options.preconditions;
  if (want?.uid && want.uid !== obj.metadata?.uid) {
    throw conflict(q, name, `Precondition failed: UID in precondition: ${want.uid}, UID in object meta: ${obj.metadata?.uid ?? ''}`);
  }
  if (want?.resourceVersion && want.resourceVersion !== obj.metadata?.resourceVersion) {
    throw conflict(q, name, `Precondition failed: ResourceVersion in precondition: ${want.resourceVersion}, ResourceVersion in object meta: ${obj.metadata?.resourceVersion ?? ''}`);
  }
}

/** The finalizers a delete with these options leaves on the object (a namespace waits on its spec finalizers instead). */
const finalizersAfter = (spec: ResourceSpec, obj: KubeObject, options: DeleteOptions): readonly string[] =>
  isNamespace(spec) ? (obj.metadata?.finalizers ?? []) : finalizersForDelete(obj.metadata?.finalizers ?? [], options.propagationPolicy);

/**
 * Marks the object as being deleted: the finalizers the options ask for, deletionTimestamp (now + grace),
 * and Terminating for a namespace.
 */
function markDeleted(spec: ResourceSpec, obj: KubeObject, options: DeleteOptions, grace: number, now: Date): KubeObject {
  const meta = (obj.metadata ??= {});
  const finalizers = finalizersAfter(spec, obj, options);
  if (finalizers !== meta.finalizers && finalizers.length > 0) meta.finalizers = [...finalizers];
  else if (finalizers.length === 0) delete meta.finalizers;
  if (!meta.deletionTimestamp || grace < (meta.deletionGracePeriodSeconds ?? Infinity)) {
    meta.deletionTimestamp = timestamp(new Date(now.getTime() + grace * 1000));
    meta.deletionGracePeriodSeconds = grace;
  }
  if (isNamespace(spec)) obj['status'] = { ...((obj['status'] as object | undefined) ?? {}), phase: 'Terminating' };
  return obj;
}

/** Deletes (or marks) one object; what the response carries. */
export async function deleteOne(scope: Scope, name: string, options: DeleteOptions, dryRun: boolean): Promise<KubeObject> {
  const { ctx, spec } = scope;
  const key = objectKey(scope, name);
  const current = await ctx.store.get(key);
  if (isNamespace(spec) && current && !dryRun) namespaceDeleted(ctx, name);
  const grace = current ? graceSeconds(spec, current.obj, options.gracePeriodSeconds) : 0;
  // kube's namespace REST: the first delete only marks; a later one deletes once the finalizers are done.
  const namespaceWaits = isNamespace(spec) && current !== undefined && !(current.obj.metadata?.deletionTimestamp && namespaceFinalized(current.obj));
  if (current && (namespaceWaits || deletionPending(finalizersAfter(spec, current.obj, options), grace))) {
    checkPreconditions(scope.qualified, name, options, current.obj);
    if (dryRun) return markDeleted(spec, structuredClone(current.obj), options, grace, ctx.now());
    try {
      return await ctx.store.guaranteedUpdate(key, scope.qualified, name, (obj) => {
        checkPreconditions(scope.qualified, name, options, obj);
        // Decided again on the object the update sees: its last finalizer may have gone since it was read
        // (kube's updateForGracefulDeletionAndFinalizers), and marking it then would leave it forever.
        const graceNow = graceSeconds(spec, obj, options.gracePeriodSeconds);
        if (!isNamespace(spec) && !deletionPending(finalizersAfter(spec, obj, options), graceNow)) throw DELETE_NOW;
        return markDeleted(spec, obj, options, graceNow, ctx.now());
      }, current);
    } catch (error) {
      if (error !== DELETE_NOW) throw error;
    }
  }
  if (dryRun) {
    if (!current) throw notFound(scope.qualified, name);
    checkPreconditions(scope.qualified, name, options, current.obj);
    return current.obj;
  }
  return ctx.store.delete(key, scope.qualified, name, (obj) => checkPreconditions(scope.qualified, name, options, obj), current);
}

function successStatus(scope: Scope, obj: KubeObject): KubeObject {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: obj.metadata?.name ?? '', ...(scope.spec.group ? { group: scope.spec.group } : {}), kind: scope.spec.plural, uid: obj.metadata?.uid ?? '' },
  };
}

export async function deleteHandler(scope: Scope): Promise<void> {
  const options = await deleteOptions(scope);
  const obj = served(scope, await deleteOne(scope, scope.request.name ?? '', options, isDryRun(scope.query)));
  const pending = obj.metadata?.deletionTimestamp !== undefined;
  if (pending || RETURNS_OBJECT.has(`${scope.spec.group}/${scope.spec.kind}`)) writeObject(scope, 200, obj);
  else writeNegotiated(scope, 200, successStatus(scope, obj));
}

export async function deleteCollectionHandler(scope: Scope): Promise<void> {
  const options = await deleteOptions(scope);
  const selection = listOptions(scope);
  const dryRun = isDryRun(scope.query);
  const page = await scope.ctx.store.listPage(collectionPrefix(scope), { limit: 0, matches: (obj) => selection.matches(served(scope, obj)) });
  const items: KubeObject[] = [];
  for (const obj of page.items) {
    const inScope: Scope = { ...scope, request: { ...scope.request, ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}) } };
    items.push(served(scope, await deleteOne(inScope, obj.metadata?.name ?? '', options, dryRun)));
  }
  writeNegotiated(scope, 200, { kind: scope.spec.listKind, apiVersion: apiVersionOf(scope.spec), metadata: { resourceVersion: String(page.revision) }, items });
}
