// RFC 7386 JSON merge patch, as evanphx/json-patch's MergePatch applies it for kube-apiserver:
// null deletes a key, objects merge recursively, anything else (arrays included) replaces. Nulls
// inside a value that lands where there was none (or no object) are pruned from its objects, array
// elements kept. A patch that is not a JSON object is "Invalid JSON Patch" (400).
import type { KubeObject } from '../schema/types.js';
import { badRequest } from './patch-error.js';
import { copyJson, isPlainObject, type JsonMap } from './json-values.js';

export function applyMergePatch(obj: KubeObject, patch: unknown): KubeObject {
  if (!isPlainObject(patch)) throw badRequest('Invalid JSON Patch');
  return mergeObjects(copyJson(obj) as JsonMap, copyJson(patch)) as KubeObject;
}

function mergeObjects(target: JsonMap, patch: JsonMap): JsonMap {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    if (value === null) delete target[key];
    else if (current === undefined || current === null || !isPlainObject(current)) target[key] = pruneNulls(value);
    else target[key] = isPlainObject(value) ? mergeObjects(current, value) : value;
  }
  return target;
}

function pruneNulls(value: unknown): unknown {
  if (Array.isArray(value)) value.forEach((item) => item !== null && pruneNulls(item));
  else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (v === null) delete value[k];
      else pruneNulls(v);
    }
  }
  return value;
}
