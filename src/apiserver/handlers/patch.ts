// PATCH in its four content types: JSON patch, merge patch and strategic merge patch are applied to the
// current object inside GuaranteedUpdate (so a patch without a resourceVersion never conflicts); server-
// side apply merges the configuration with field ownership and creates the object when it is absent.

import { invalid, notFound, StatusError, unsupportedMediaType } from '../errors/status.js';
import { decodeJson, mediaType, readBody } from '../http/request-body.js';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, parseApplyPatchBody, PatchError, serverSideApply } from '../patch/index.js';
import { ignoredFields } from '../registry/field-managers.js';
import type { KubeObject } from '../schema/types.js';
import { checkTypeMeta, createObject } from './create.js';
import { writeObject } from './output.js';
import { objectKey, type Scope } from './scope.js';
import { updateObject, type Mutation } from './update.js';

export const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];

/** A patch failure as the Status kube-apiserver answers. */
export function patchStatus(err: unknown): unknown {
  if (!(err instanceof PatchError)) return err;
  return new StatusError(err.code, err.reason, err.message, err.details ? { causes: err.details.causes?.map((c) => ({ ...c })) ?? [] } : undefined);
}

/** The mutation a non-apply patch makes. */
export function patchMutation(scope: Scope, contentType: string, body: Buffer): Mutation {
  const patch = decodeJson(body);
  switch (contentType) {
    case 'application/json-patch+json':
      return (current) => applyJsonPatch(current, patch);
    case 'application/merge-patch+json':
      return (current) => applyMergePatch(current, patch);
    case 'application/strategic-merge-patch+json':
      // As upstream: custom resources have no Go types to carry patch strategies.
      if (scope.ctx.registry.isCustom(scope.spec)) throw unsupportedMediaType(contentType, PATCH_TYPES.filter((t) => t !== contentType));
      return (current) => applyStrategicMergePatch(current, patch, scope.spec.schemaName, scope.ctx.components);
    default:
      throw unsupportedMediaType(contentType, PATCH_TYPES);
  }
}

async function apply(scope: Scope, body: Buffer): Promise<{ code: number; obj: KubeObject; warnings: string[] }> {
  const manager = scope.query.get('fieldManager') ?? '';
  if (manager === '') {
    throw invalid('meta.k8s.io', 'PatchOptions', '', [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }]);
  }
  const applied = parseApplyPatchBody(body.toString('utf8'));
  const force = scope.query.get('force') === 'true';
  const run = (live: KubeObject | undefined): KubeObject =>
    serverSideApply({
      live,
      applied,
      manager,
      force,
      schemaName: scope.spec.schemaName,
      components: scope.ctx.components,
      now: scope.ctx.now(),
      ...(scope.request.subresource ? { subresource: scope.request.subresource } : {}),
      ignoredFields: ignoredFields(scope.spec, scope.request.subresource),
    }).object;
  const existing = await scope.ctx.store.get(objectKey(scope));
  if (!existing && !scope.request.subresource) {
    const created = await createObject(scope, checkTypeMeta(scope, run(undefined)), false);
    return { code: 201, ...created };
  }
  if (!existing) throw notFound(scope.qualified, scope.request.name ?? '');
  const updated = await updateObject(scope, run, false);
  return { code: 200, ...updated };
}

export async function patchHandler(scope: Scope): Promise<void> {
  const contentType = mediaType(scope.req.headers['content-type']);
  if (!PATCH_TYPES.includes(contentType)) throw unsupportedMediaType(contentType, PATCH_TYPES);
  const body = await readBody(scope.req);
  try {
    if (contentType === 'application/apply-patch+yaml') {
      const { code, obj, warnings } = await apply(scope, body);
      writeObject(scope, code, obj, warnings);
      return;
    }
    const { obj, warnings } = await updateObject(scope, patchMutation(scope, contentType, body));
    writeObject(scope, 200, obj, warnings);
  } catch (err) {
    throw patchStatus(err);
  }
}
