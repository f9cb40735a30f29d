// RFC 6902 JSON patch as kube-apiserver applies it (evanphx/json-patch v4 behind handlers/patch.go):
// a body that is not a list of operations is a 400 carrying the decoder's message; an operation that
// cannot be applied (failed test, missing path, unknown op) is the generic 422, whose message kube
// does not pass on; more than 10000 operations is a 413. As there, testing for null passes on an
// absent member, and an add or replace without a value sets null.
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
  let doc = structuredClone(obj);
  for (const operation of operations) {
    if (isNullTest(operation)) {
      if (!nullTestPasses(doc, operation.path)) throw genericUnprocessable();
      continue;
    }
    try {
      doc = fastJsonPatch.applyOperation(doc, operation, true, true, true).newDocument;
    } catch {
      throw genericUnprocessable();
    }
  }
  return doc;
}

/** A `test` for null (or with no value), which evanphx/json-patch passes when the member is absent. */
function isNullTest(operation: Operation): operation is Operation & { path: string } {
  const value = (operation as { value?: unknown }).value;
  return operation.op === 'test' && typeof operation.path === 'string' && (value === null || value === undefined);
}

function nullTestPasses(doc: unknown, path: string): boolean {
  const cut = path.lastIndexOf('/');
  if (cut < 0) return false;
  let parent: unknown;
  let member: unknown;
  try {
    parent = cut === 0 ? doc : fastJsonPatch.getValueByPointer(doc, path.slice(0, cut));
    member = fastJsonPatch.getValueByPointer(doc, path);
  } catch {
    return false;
  }
  return typeof parent === 'object' && parent !== null && (member === undefined || member === null);
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
  // evanphx/json-patch reads a missing value as null.
  return patch
    .filter((op): op is Record<string, unknown> => op !== null)
    .map((op) => ((op.op === 'add' || op.op === 'replace') && !('value' in op) ? { ...op, value: null } : op) as unknown as Operation);
}
