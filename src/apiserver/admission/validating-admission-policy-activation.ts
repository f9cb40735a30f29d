// The values CEL admission expressions see (admission/plugin/cel): `request` is the AdmissionRequest
// without its objects (those are `object` and `oldObject`), `namespaceObject` the request's Namespace
// with only its identifying metadata, spec and status, `authorizer` the server's authorizers asked for
// the request's user.

import { celActivation, type CelActivation } from '../cel/cel-program.js';
import { CelAuthorizer } from '../cel/authorizer-library.js';
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

/** `authorizer`, for the request's user; without authorizers (none configured) every check is allowed, as AlwaysAllow. */
function celAuthorizer(r: AdmissionRequest): CelAuthorizer {
  const authorizer = r.ctx.admission?.authorizer;
  return new CelAuthorizer(authorizer ? (a) => authorizer.authorize(a) : () => ({ decision: 'allow', reason: '' }), r.user ?? { username: '', groups: [] }, {
    group: r.group, resource: r.resource, subresource: r.subresource, namespace: r.namespace, name: r.name,
  });
}

/** The JSON values converted for CEL, with the request's `authorizer`. */
export function admissionActivation(r: AdmissionRequest, values: Json): CelActivation {
  return { ...celActivation(values), authorizer: celAuthorizer(r) };
}

/** The activation of a webhook's matchConditions. */
export function celObjects(r: AdmissionRequest): CelActivation {
  return admissionActivation(r, { object: r.obj, oldObject: r.old ?? null, request: celRequest(r) });
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
