// One resource request as the handlers see it: the resource, the request's parts, and the keys and
// names its answers use.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext } from '../context.js';
import { badRequest, type Qualified } from '../errors/status.js';
import type { ResourceRequest } from '../http/request-info.js';
import type { KubeObject, ResourceSpec } from '../schema/types.js';
import { fieldManager, type TrackInput } from '../registry/field-managers.js';
import type { Cacher } from '../watch/cacher.js';

export interface Scope {
  readonly ctx: ApiContext;
  readonly spec: ResourceSpec;
  readonly request: ResourceRequest;
  readonly query: URLSearchParams;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly qualified: Qualified;
}

export function apiVersionOf(spec: ResourceSpec): string {
  return spec.group === '' ? spec.version : `${spec.group}/${spec.version}`;
}

/** The etcd key of the named object. */
export function objectKey(scope: Scope, name = scope.request.name ?? ''): string {
  return scope.ctx.store.key(scope.spec.storagePath, scope.spec.namespaced ? scope.request.namespace : undefined, name);
}

/** The key prefix of the request's collection (one namespace, or all). */
export function collectionPrefix(scope: Scope): string {
  return scope.ctx.store.listPrefix(scope.spec.storagePath, scope.spec.namespaced ? scope.request.namespace : undefined);
}

export function cacherOf(scope: Scope): Cacher {
  return scope.ctx.cachers.cacher(scope.ctx.store.listPrefix(scope.spec.storagePath));
}

/** dryRun=All: everything but the write. */
export function isDryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw badRequest(`Invalid dry run value: ${v}`);
  return values.length > 0;
}

/** The object with the apiVersion and kind the resource serves. */
export function typed(spec: ResourceSpec, obj: KubeObject): KubeObject {
  return { apiVersion: apiVersionOf(spec), kind: spec.kind, ...obj };
}

/** Who is writing, for managedFields. */
export function trackInput(scope: Scope): TrackInput {
  return {
    spec: scope.spec,
    components: scope.ctx.components,
    manager: fieldManager(scope.query, scope.req),
    now: scope.ctx.now(),
    ...(scope.request.subresource ? { subresource: scope.request.subresource } : {}),
  };
}

/** A stored object as this resource serves it (events.k8s.io Events are stored as core Events). */
export function served(scope: Scope, stored: KubeObject): KubeObject {
  return scope.spec.fromStorage ? scope.spec.fromStorage(stored) : stored;
}

/** An object in this resource's shape as it is stored. */
export function storable(scope: Scope, obj: KubeObject): KubeObject {
  return scope.spec.toStorage ? scope.spec.toStorage(obj) : obj;
}
