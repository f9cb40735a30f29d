// Objects as the apiserver keeps them in etcd: JSON without a resourceVersion (the key's mod revision
// is the resourceVersion, set when the object is read back), as kube-apiserver's etcd3 store does.

import type { KubeObject } from '../schema/types.js';

/** The object as it is stored: its metadata without the resourceVersion (shares everything else with `obj`). */
function storedForm(obj: KubeObject): KubeObject {
  const { resourceVersion: _dropped, ...metadata } = obj.metadata ?? {};
  return { ...obj, metadata };
}

export function encodeObject(obj: KubeObject): Buffer {
  return Buffer.from(JSON.stringify(storedForm(obj)));
}

/**
 * What decodeObject(encodeObject(obj), modRevision) gives, without the round trip through JSON: `obj`
 * with its resourceVersion (last in its metadata, as decoding leaves it). Shares all else with `obj`,
 * so `obj` must be the caller's own.
 */
export function asStored(obj: KubeObject, modRevision: number): KubeObject {
  const stored = storedForm(obj);
  stored.metadata = { ...stored.metadata, resourceVersion: String(modRevision) };
  return stored;
}

/**
 * Whether encodeObject gives `a` and `b` the same bytes, told without encoding either: JSON's view, so
 * key order counts and members holding undefined do not.
 */
export function sameEncoding(a: KubeObject, b: KubeObject): boolean {
  return sameJson(storedForm(a), storedForm(b));
}

const definedKeys = (value: Record<string, unknown>): string[] => Object.keys(value).filter((key) => value[key] !== undefined);

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  }
  // Anything but a plain object (a Date, a Buffer) is left to JSON itself.
  if (Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return JSON.stringify(a) === JSON.stringify(b);
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = definedKeys(left);
  const theirs = definedKeys(right);
  return keys.length === theirs.length && keys.every((key, i) => key === theirs[i] && sameJson(left[key], right[key]));
}

export function decodeObject(bytes: Buffer, modRevision: number): KubeObject {
  const obj = JSON.parse(bytes.toString('utf8')) as KubeObject;
  obj.metadata = { ...(obj.metadata ?? {}), resourceVersion: String(modRevision) };
  return obj;
}

/** The object with another resourceVersion (a DELETED event carries the delete's revision). */
export function withResourceVersion(obj: KubeObject, revision: number): KubeObject {
  return { ...obj, metadata: { ...(obj.metadata ?? {}), resourceVersion: String(revision) } };
}
