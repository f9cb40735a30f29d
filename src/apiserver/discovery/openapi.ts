// /openapi/v3 and its per-group-version documents (the schema builder's), and the one /openapi/v2
// document, of every resource discovery lists (the review kinds included), rebuilt only when the
// served resources change: kubectl fetches them before every create and apply.

import type { ApiContext } from '../context.js';
import type { ResourceSpec } from '../schema/types.js';
import { servedInGroupVersion, servedResources } from './served-resources.js';
import { openApiV2Document, openApiV2Protobuf, openApiV3Document, openApiV3Index, type OpenApiDocument, type SwaggerDocument } from '../schema/index.js';

interface Built {
  readonly registry: ApiContext['registry'];
  readonly generation: number;
  readonly specs: readonly ResourceSpec[];
  readonly index: Record<string, unknown>;
  readonly documents: Map<string, OpenApiDocument>;
  v2?: SwaggerDocument;
  v2Bytes?: Uint8Array;
}

let built: Built | undefined;

/** What the documents are built from. */
type Sources = Pick<ApiContext, 'registry' | 'components'>;

function current(ctx: Sources): Built {
  if (built?.registry !== ctx.registry || built.generation !== ctx.registry.generation) {
    const specs = servedResources(ctx.registry);
    built = { registry: ctx.registry, generation: ctx.registry.generation, specs, index: openApiV3Index(specs, '/openapi/v3', ctx.components), documents: new Map() };
  }
  return built;
}

export function openApiIndex(ctx: Sources): Record<string, unknown> {
  return current(ctx).index;
}

/** The document at `api/v1` or `apis/<group>/<version>`, or undefined when nothing is served there. */
export function openApiDocument(ctx: Sources, root: string): OpenApiDocument | undefined {
  const cache = current(ctx);
  const groupVersion = root.startsWith('apis/') ? root.slice('apis/'.length) : root.startsWith('api/') ? root.slice('api/'.length) : undefined;
  if (groupVersion === undefined) return undefined;
  let document = cache.documents.get(groupVersion);
  if (!document) {
    const [group, version] = groupVersion.includes('/') ? groupVersion.split('/') : ['', groupVersion];
    if (servedInGroupVersion(ctx.registry, group!, version!).length === 0) return undefined;
    document = openApiV3Document(groupVersion, cache.specs, ctx.components);
    cache.documents.set(groupVersion, document);
  }
  return document;
}

export function openApiV2(ctx: Sources): SwaggerDocument {
  const cache = current(ctx);
  cache.v2 ??= openApiV2Document(cache.specs, ctx.components);
  return cache.v2;
}

export function openApiV2Bytes(ctx: Sources): Uint8Array {
  const cache = current(ctx);
  cache.v2Bytes ??= openApiV2Protobuf(openApiV2(ctx));
  return cache.v2Bytes;
}
