// Decoding a PATCH body by its Content-Type as kube-apiserver does, with the 400s it answers a body
// it cannot read (Go's JSON syntax messages, "Invalid JSON Patch" for merge patches) and the 415 for
// a type the resource does not take. Apply bodies are YAML or JSON (JSON is YAML), one object.
import { parse } from 'yaml';
import type { KubeObject } from '../schema/types.js';
import { goJsonSyntaxError } from './go-json-syntax.js';
import { isPlainObject } from './json-values.js';
import { badRequest, PatchError } from './patch-error.js';

export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

/** The patch types a built-in kind takes, in kube's order; custom resources take all but strategic merge. */
export const BUILTIN_PATCH_TYPES = [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH] as const;
export const CUSTOM_RESOURCE_PATCH_TYPES = [JSON_PATCH, MERGE_PATCH, APPLY_PATCH] as const;

/** The 415 for a patch type outside `accepted`. */
export function unsupportedPatchType(accepted: readonly string[]): PatchError {
  return new PatchError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);
}

/**
 * The decoded body of a PATCH whose Content-Type (parameters stripped) is `patchType`.
 * `strict` is fieldValidation=Strict, which changes how a malformed merge patch is worded.
 */
export function decodePatchBody(patchType: string, body: string, accepted: readonly string[], strict = false): unknown {
  if (!accepted.includes(patchType)) throw unsupportedPatchType(accepted);
  if (patchType === APPLY_PATCH) return parseApplyPatchBody(body);
  const syntaxError = goJsonSyntaxError(body);
  if (syntaxError === undefined) return JSON.parse(body);
  if (patchType !== MERGE_PATCH) throw badRequest(syntaxError);
  throw badRequest(strict ? `error decoding patch: ${syntaxError}` : 'Invalid JSON Patch');
}

export function parseApplyPatchBody(body: string): KubeObject {
  let parsed: unknown;
  try {
    parsed = parse(body, { version: '1.1', uniqueKeys: true });
  } catch (err) {
    throw badRequest(`error decoding YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isPlainObject(parsed)) {
    const type = Array.isArray(parsed) ? 'array' : typeof parsed === 'boolean' ? 'bool' : typeof parsed;
    throw badRequest(`error decoding YAML: error unmarshaling JSON: json: cannot unmarshal ${type} into Go value of type map[string]interface {}`);
  }
  return parsed as KubeObject;
}
