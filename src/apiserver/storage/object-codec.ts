// Objects as the apiserver keeps them in etcd: JSON without a resourceVersion (the key's mod revision
// is the resourceVersion, set when the object is read back), as kube-apiserver's etcd3 store does.

import type { KubeObject } from '../schema/types.js';

export function encodeObject(obj: KubeObject): Buffer {
  const { resourceVersion: _dropped, ...metadata } = obj.metadata ?? {};
  return Buffer.from(JSON.stringify({ ...obj, metadata }));
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
