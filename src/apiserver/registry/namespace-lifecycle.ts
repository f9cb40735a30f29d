// The NamespaceLifecycle admission rule: a namespaced object is created only in a namespace that
// exists and is not being terminated. As kube's plugin, it reads the namespace from the cache (the
// namespaces watch cache, when one is kept) and asks the store only when the cache does not have it, or
// when the namespace was deleted lately (the cache may still show it active): one store read less per
// create of a pod or an event.

import type { ApiContext } from '../context.js';
import { forbidden, notFound, type Qualified } from '../errors/status.js';
import type { KubeObject } from '../schema/types.js';

const NAMESPACES = { group: '', resource: 'namespaces' };

type LifecycleContext = Pick<ApiContext, 'store' | 'cachers' | 'now' | 'namespacesDeletedLately'>;

/** A delete of the namespace was admitted: creates in it read it from the store for a while. */
export function namespaceDeleted(ctx: LifecycleContext, namespace: string): void {
  ctx.namespacesDeletedLately.add(namespace, ctx.now().getTime());
}

async function namespaceOf(ctx: LifecycleContext, namespace: string): Promise<KubeObject | undefined> {
  const key = ctx.store.key('namespaces', undefined, namespace);
  const cached = ctx.namespacesDeletedLately.has(namespace, ctx.now().getTime()) ? undefined : ctx.cachers.cachedObject(key);
  return cached ?? (await ctx.store.get(key))?.obj;
}

/** As the admission plugin words it: a 404 for the namespace, or a 403 on the object being created (`name`, '' before generateName). */
export async function checkNamespaceAcceptsCreates(ctx: LifecycleContext, namespace: string, q: Qualified, name: string): Promise<void> {
  const found = await namespaceOf(ctx, namespace);
  if (!found) throw notFound(NAMESPACES, namespace);
  if (found.metadata?.deletionTimestamp || (found['status'] as { phase?: string } | undefined)?.phase === 'Terminating') {
    throw forbidden(q, name, `unable to create new content in namespace ${namespace} because it is being terminated`);
  }
}
