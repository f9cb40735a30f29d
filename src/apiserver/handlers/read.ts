// GET of one object and of a collection. A list is served from the watch cache (resourceVersion 0 at
// once; a consistent list once the cache has caught up with etcd's current revision) or, for pages and
// exact revisions, from etcd at one revision across pages.

import { notFound, timeout } from '../errors/status.js';
import type { KubeObject } from '../schema/types.js';
import type { ListPage } from '../storage/etcd-store.js';
import { includeObjectParam, toTable } from '../table/table.js';
import { listOptions, revisionOf, type ListOptions } from './list-options.js';
import { tableAsked, writeNegotiated, writeObject } from './output.js';
import { apiVersionOf, cacherOf, collectionPrefix, objectKey, served, type Scope } from './scope.js';

/** How long a list waits for the cache to reach a revision before answering from etcd (or 504). */
const CACHE_WAIT_MS = 3000;

export async function readObject(scope: Scope): Promise<KubeObject> {
  const key = objectKey(scope);
  const name = scope.request.name ?? '';
  if (scope.query.get('resourceVersion') === '0') {
    const cacher = cacherOf(scope);
    await cacher.ready();
    const cached = cacher.get(key);
    if (!cached) throw notFound(scope.qualified, name);
    return served(scope, cached);
  }
  const found = await scope.ctx.store.get(key);
  if (!found) throw notFound(scope.qualified, name);
  return served(scope, found.obj);
}

export async function getObject(scope: Scope): Promise<void> {
  writeObject(scope, 200, await readObject(scope));
}

function fromCache(scope: Scope, options: ListOptions, revision: number): ListPage {
  const cacher = cacherOf(scope);
  return { items: cacher.list(collectionPrefix(scope)).filter(options.matches), revision: Math.max(revision, cacher.revision) };
}

async function listPage(scope: Scope, options: ListOptions): Promise<ListPage> {
  const store = scope.ctx.store;
  const prefix = collectionPrefix(scope);
  const paged = options.limit > 0 || options.continueToken !== undefined;
  const exact = options.resourceVersionMatch === 'Exact';
  if (exact || (paged && options.resourceVersion !== '0')) {
    const revision = options.resourceVersion === '' ? 0 : revisionOf(options.resourceVersion);
    return store.listPage(prefix, { limit: options.limit, revision, matches: options.matches, ...(options.continueToken ? { continueToken: options.continueToken } : {}) });
  }
  const cacher = cacherOf(scope);
  await cacher.ready();
  if (options.resourceVersion === '0') return fromCache(scope, options, 0);
  const wanted = options.resourceVersion === '' ? await store.currentRevision() : revisionOf(options.resourceVersion);
  if (await cacher.waitFor(wanted, CACHE_WAIT_MS)) return fromCache(scope, options, wanted);
  if (options.resourceVersion !== '') throw timeout(`Too large resource version: ${wanted}, current: ${cacher.revision}`);
  return store.listPage(prefix, { limit: 0, matches: options.matches });
}

export async function listObjects(scope: Scope): Promise<void> {
  const options = listOptions(scope);
  const stored = await listPage(scope, { ...options, matches: (obj) => options.matches(served(scope, obj)) });
  const page = { ...stored, items: stored.items.map((obj) => served(scope, obj)) };
  const metadata = {
    resourceVersion: String(page.revision),
    ...(page.continueToken ? { continue: page.continueToken } : {}),
    ...(page.remainingItemCount !== undefined ? { remainingItemCount: page.remainingItemCount } : {}),
  };
  const version = tableAsked(scope);
  if (version) {
    const includeObject = includeObjectParam(scope.query.get('includeObject'));
    writeNegotiated(scope, 200, toTable(scope.spec, page.items, { apiVersion: version, includeObject, now: scope.ctx.now(), listMeta: metadata }));
    return;
  }
  writeNegotiated(scope, 200, { kind: scope.spec.listKind, apiVersion: apiVersionOf(scope.spec), metadata, items: page.items });
}
