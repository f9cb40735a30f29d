// Which handler serves a resource request: by subresource and verb, after checking that the resource,
// its scope, the subresource and the verb are served.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext } from '../context.js';
import { methodNotAllowed, pathNotFound } from '../errors/status.js';
import type { ResourceRequest } from '../http/request-info.js';
import { hasProtobufMessage } from '../protobuf/encode.js';
import { markJsonOnly } from '../protobuf/negotiate.js';
import { createHandler } from './create.js';
import { deleteCollectionHandler, deleteHandler } from './delete.js';
import { responseFormat } from './output.js';
import { patchHandler } from './patch.js';
import { createBinding } from './pod-binding.js';
import { createEviction } from './pod-eviction.js';
import { getObject, listObjects } from './read.js';
import { getScale, patchScale, updateScale } from './scale.js';
import { apiVersionOf, type Scope } from './scope.js';
import { updateHandler } from './update.js';
import { watchObjects } from './watch.js';

type Handler = (scope: Scope) => Promise<void>;

const MAIN: Record<ResourceRequest['verb'], Handler> = {
  get: getObject,
  list: listObjects,
  watch: watchObjects,
  create: createHandler,
  update: updateHandler,
  patch: patchHandler,
  delete: deleteHandler,
  deletecollection: deleteCollectionHandler,
};

const SUBRESOURCES: Record<string, Partial<Record<ResourceRequest['verb'], Handler>>> = {
  status: { get: getObject, update: updateHandler, patch: patchHandler },
  finalize: { update: updateHandler },
  scale: { get: getScale, update: updateScale, patch: patchScale },
  binding: { create: createBinding },
  eviction: { create: createEviction },
};

export async function dispatch(ctx: ApiContext, request: ResourceRequest, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  const spec = ctx.registry.find(request.group, request.version, request.resource);
  if (!spec) throw pathNotFound();
  // A cluster-scoped resource has no namespace in its path; a namespaced one is named only inside one.
  if (!spec.namespaced && request.namespace !== undefined) throw pathNotFound();
  if (spec.namespaced && request.namespace === undefined && request.name !== undefined) throw pathNotFound();
  // The routes kube registers (go-restful answers a method a path has no route for with 405): a collection
  // takes GET, POST and DELETE (across namespaces, GET only), an object GET, PUT, PATCH and DELETE.
  const acrossNamespaces = spec.namespaced && request.namespace === undefined;
  if (acrossNamespaces && request.verb !== 'list' && request.verb !== 'watch') throw methodNotAllowed(req.method ?? '');
  if (request.subresource === undefined && (request.name === undefined ? request.verb === 'update' || request.verb === 'patch' : request.verb === 'create')) {
    throw methodNotAllowed(req.method ?? '');
  }
  const scope: Scope = { ctx, spec, request, query, req, res, qualified: { group: spec.group, resource: spec.plural } };
  // As kube's handlers: the answer's media type is settled (or refused with a 406) before anything is done.
  if (!hasProtobufMessage(apiVersionOf(spec), spec.kind)) markJsonOnly(req);
  responseFormat(scope);
  if (request.subresource === undefined) {
    if (!spec.verbs.includes(request.verb)) throw methodNotAllowed(req.method ?? '');
    await MAIN[request.verb](scope);
    return;
  }
  const sub = spec.subresources.find((s) => s.name === request.subresource);
  if (!sub || request.name === undefined) throw pathNotFound();
  const handler = SUBRESOURCES[sub.name]?.[request.verb];
  if (!handler) throw methodNotAllowed(req.method ?? '');
  await handler(scope);
}
