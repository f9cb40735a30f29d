// The objects of one resource in a namespace, from its watch cache once the cache has caught up with
// the store's current revision (admission must see the LimitRange or quota created just before).

import type { ApiContext } from '../context.js';
import type { KubeObject } from '../schema/types.js';

const CATCH_UP_MS = 5000;

export async function freshList(ctx: ApiContext, storagePath: string, namespace: string): Promise<KubeObject[]> {
  const cacher = ctx.cachers.cacher(ctx.store.listPrefix(storagePath));
  await cacher.ready();
  await cacher.waitFor(await ctx.store.currentRevision(), CATCH_UP_MS);
  return cacher.list(ctx.store.listPrefix(storagePath, namespace));
}
