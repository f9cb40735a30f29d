// POST to a collection: the body decoded and checked against the URL, system metadata filled,
// defaults and validation applied, then a create Txn (409 AlreadyExists when the key exists).

import { alreadyExists, badRequest } from '../errors/status.js';
import { decodeObjectBody, mediaType, readBody } from '../http/request-body.js';
import { admitToChain } from '../admission/admission-request.js';
import { admit, fieldValidationParam } from '../registry/admission.js';
import { assignClusterIp } from '../registry/cluster-ip-allocator.js';
import { recordUpdate } from '../registry/field-managers.js';
import { checkNamespaceAcceptsCreates } from '../registry/namespace-lifecycle.js';
import { prepareCreate } from '../registry/object-meta.js';
import type { KubeObject } from '../schema/types.js';
import { writeObject } from './output.js';
import { apiVersionOf, isDryRun, objectKey, served, storable, trackInput, typed, type Scope } from './scope.js';

/** The body's apiVersion and kind must be the resource's (or absent: then they are filled in). */
export function checkTypeMeta(scope: Scope, body: KubeObject, expectedKind = scope.spec.kind): KubeObject {
  const expected = apiVersionOf(scope.spec);
  if (body.apiVersion !== undefined && body.apiVersion !== expected) {
    throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${expected})`);
  }
  if (body.kind !== undefined && body.kind !== expectedKind) throw badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (${expectedKind})`);
  return typed(scope.spec, body);
}

/** The request's namespace is the object's; a different one in the body is a 400. */
export function checkNamespace(scope: Scope, obj: KubeObject): void {
  const namespace = obj.metadata?.namespace;
  if (scope.spec.namespaced && namespace && namespace !== scope.request.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
}

/** Creates `obj` (already typed and decoded) in the request's scope; the stored object. */
export async function createObject(scope: Scope, body: KubeObject, trackFields = true): Promise<{ obj: KubeObject; warnings: string[] }> {
  let obj = body;
  const { ctx, spec } = scope;
  checkNamespace(scope, obj);
  if (spec.namespaced) await checkNamespaceAcceptsCreates(ctx, scope.request.namespace ?? '', scope.qualified, obj.metadata?.name ?? '');
  prepareCreate(spec, obj, scope.request.namespace, ctx.now());
  const warnings = admit(ctx.checkSchema, spec, obj, undefined, fieldValidationParam(scope.query.get('fieldValidation')));
  await admitToChain(scope, obj, undefined, warnings);
  if (spec.group === '' && spec.kind === 'Service') await assignClusterIp(ctx.store, ctx.options.serviceClusterIpRange, spec.storagePath, obj);
  if (trackFields) obj = recordUpdate(trackInput(scope), undefined, obj);
  // As kube's dry-run storage: nothing written, but an existing object is still a 409.
  if (isDryRun(scope.query)) {
    if (await ctx.store.get(objectKey(scope, obj.metadata?.name))) throw alreadyExists(scope.qualified, obj.metadata?.name ?? '');
    return { obj, warnings };
  }
  const lease = spec.kind === 'Event' ? await ctx.eventLeases.lease() : undefined;
  const stored = await ctx.store.create(objectKey(scope, obj.metadata?.name), storable(scope, obj), scope.qualified, lease);
  return { obj: served(scope, stored), warnings };
}

export async function createHandler(scope: Scope): Promise<void> {
  const body = decodeObjectBody(await readBody(scope.req), mediaType(scope.req.headers['content-type']));
  const { obj, warnings } = await createObject(scope, checkTypeMeta(scope, body));
  writeObject(scope, 201, obj, warnings);
}
