// The values CEL admission expressions see (admission/plugin/cel): `request` is the AdmissionRequest
// without its objects (those are `object` and `oldObject`), `namespaceObject` the request's Namespace
// with only its identifying metadata, spec and status.

import type { KubeObject } from '../schema/types.js';
import type { AdmissionRequest } from './admission-chain.js';

type Json = Record<string, unknown>;

export function celRequest(r: AdmissionRequest): Json {
  const user = r.user;
  const kind = { group: r.group, version: r.version, kind: r.kind };
  const resource = { group: r.group, version: r.version, resource: r.resource };
  return {
    kind,
    resource,
    ...(r.subresource ? { subResource: r.subresource } : {}),
    requestKind: kind,
    requestResource: resource,
    ...(r.subresource ? { requestSubResource: r.subresource } : {}),
    name: r.name,
    namespace: r.namespace,
    operation: r.operation,
    userInfo: user ? { username: user.username, ...(user.uid ? { uid: user.uid } : {}), groups: user.groups, ...(user.extra ? { extra: user.extra } : {}) } : {},
    dryRun: r.dryRun,
    options: { apiVersion: 'meta.k8s.io/v1', kind: r.operation === 'CREATE' ? 'CreateOptions' : 'UpdateOptions' },
  };
}

/** The activation of a webhook's matchConditions. */
export function celObjects(r: AdmissionRequest): Json {
  return { object: r.obj, oldObject: r.old ?? null, request: celRequest(r) };
}

const KEPT_METADATA = ['name', 'generateName', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations'];

export function celNamespaceObject(namespace: KubeObject | undefined): Json | null {
  if (!namespace) return null;
  const meta = (namespace.metadata ?? {}) as Json;
  return {
    metadata: Object.fromEntries(KEPT_METADATA.filter((k) => meta[k] !== undefined).map((k) => [k, meta[k]])),
    spec: namespace['spec'] ?? {},
    status: namespace['status'] ?? {},
  };
}
