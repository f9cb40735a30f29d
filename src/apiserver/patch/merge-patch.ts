// RFC 7386 JSON merge patch, as evanphx/json-patch's MergePatch applies it for kube-apiserver:
// null deletes a key, objects merge recursively, anything else (arrays included) replaces.
// A patch that is not a JSON object is "Invalid JSON Patch" (400).
import type { KubeObject } from '../schema/types.js';
import { badRequest } from './patch-error.js';
import { isPlainObject } from './json-values.js';

export function applyMergePatch(obj: KubeObject, patch: unknown): KubeObject {
  if (!isPlainObject(patch)) throw badRequest('Invalid JSON Patch');
  return mergeObjects(structuredClone(obj) as Record<string, unknown>, patch) as KubeObject;
}

function mergeObjects(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete target[key];
    } else if (isPlainObject(value)) {
      const current = target[key];
      target[key] = mergeObjects(isPlainObject(current) ? current : {}, value);
    } else {
      target[key] = structuredClone(value);
    }
  }
  return target;
}
