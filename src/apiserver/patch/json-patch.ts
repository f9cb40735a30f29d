// RFC 6902 JSON patch as kube-apiserver applies it (evanphx/json-patch v4 behind handlers/patch.go):
// a body that is not a list of operations is a 400 carrying the decoder's message; an operation that
// cannot be applied (failed test, missing path, unknown op) is the generic 422, whose message kube
// does not pass on; more than 10000 operations is a 413.
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import type { KubeObject } from '../schema/types.js';
import { badRequest, genericUnprocessable, PatchError } from './patch-error.js';
import { goJsonTypeName } from './go-format.js';

const MAX_OPERATIONS = 10000;

export function applyJsonPatch(obj: KubeObject, patch: unknown): KubeObject {
  const operations = decodeOperations(patch);
  if (operations.length > MAX_OPERATIONS) {
    throw new PatchError(
      413,
      'RequestEntityTooLarge',
      `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_OPERATIONS}, got ${operations.length}`,
    );
  }
  try {
    const { newDocument } = fastJsonPatch.applyPatch(structuredClone(obj), operations, true, true, true);
    return newDocument;
  } catch {
    throw genericUnprocessable();
  }
}

/** jsonpatch.DecodePatch: a JSON array of JSON objects; `null` is an empty patch. */
function decodeOperations(patch: unknown): Operation[] {
  if (patch === null) return [];
  if (!Array.isArray(patch)) {
    throw badRequest(`json: cannot unmarshal ${goJsonTypeName(patch)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of patch) {
    if (op !== null && (typeof op !== 'object' || Array.isArray(op))) {
      throw badRequest(`json: cannot unmarshal ${goJsonTypeName(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  return patch.filter((op): op is Operation => op !== null);
}
