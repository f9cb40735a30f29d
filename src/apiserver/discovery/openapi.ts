// /openapi/v3 and its per-group-version documents (the schema builder's), and the one /openapi/v2
// document, rebuilt only when the served resources change: kubectl fetches them before every create and apply.

import type { ApiContext } from '../context.js';
import { openApiV2Document, openApiV2Protobuf, openApiV3Document, openApiV3Index, type OpenApiDocument, type SwaggerDocument } from '../schema/index.js';

interface Built {
  readonly registry: ApiContext['registry'];
  readonly generation: number;
  readonly index: Record<string, unknown>;
  readonly documents: Map<string, OpenApiDocument>;
  v2?: SwaggerDocument;
  v2Bytes?: Uint8Array;
}

let built: Built | undefined;

function current(ctx: ApiContext): Built {
  if (built?.registry !== ctx.registry || built.generation !== ctx.registry.generation) {
    const specs = ctx.registry.all();
    built = { registry: ctx.registry, generation: ctx.registry.generation, index: openApiV3Index(specs, '/openapi/v3', ctx.components), documents: new Map() };
  }
  return built;
}

export function openApiIndex(ctx: ApiContext): Record<string, unknown> {
  return current(ctx).index;
}

/** The document at `api/v1` or `apis/<group>/<version>`, or undefined when nothing is served there. */
export function openApiDocument(ctx: ApiContext, root: string): OpenApiDocument | undefined {
  const cache = current(ctx);
  const groupVersion = root.startsWith('apis/') ? root.slice('apis/'.length) : root.startsWith('api/') ? root.slice('api/'.length) : undefined;
  if (groupVersion === undefined) return undefined;
  let document = cache.documents.get(groupVersion);
  if (!document) {
    const [group, version] = groupVersion.includes('/') ? groupVersion.split('/') : ['', groupVersion];
    if (ctx.registry.inGroupVersion(group!, version!).length === 0) return undefined;
    document = openApiV3Document(groupVersion, ctx.registry.all(), ctx.components);
    cache.documents.set(groupVersion, document);
  }
  return document;
}

export function openApiV2(ctx: ApiContext): SwaggerDocument {
  const cache = current(ctx);
  cache.v2 ??= openApiV2Document(ctx.registry.all(), ctx.components);
  return cache.v2;
}

export function openApiV2Bytes(ctx: ApiContext): Uint8Array {
  const cache = current(ctx);
  cache.v2Bytes ??= openApiV2Protobuf(openApiV2(ctx));
  return cache.v2Bytes;
}
