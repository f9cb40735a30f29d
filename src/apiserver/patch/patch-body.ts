// The body of an `application/apply-patch+yaml` request: YAML or JSON (JSON is YAML), one object.
import { parse } from 'yaml';
import type { KubeObject } from '../schema/types.js';
import { isPlainObject } from './json-values.js';
import { badRequest } from './patch-error.js';

export function parseApplyPatchBody(body: string): KubeObject {
  let parsed: unknown;
  try {
    parsed = parse(body, { version: '1.1', uniqueKeys: true });
  } catch (err) {
    throw badRequest(`error decoding YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isPlainObject(parsed)) {
    throw badRequest(`error decoding YAML: error unmarshaling JSON: json: cannot unmarshal ${Array.isArray(parsed) ? 'array' : typeof parsed === 'boolean' ? 'bool' : typeof parsed} into Go value of type map[string]interface {}`);
  }
  return parsed as KubeObject;
}
