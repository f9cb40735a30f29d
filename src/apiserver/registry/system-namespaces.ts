// The namespaces kube-apiserver makes at start (its system namespaces controller): default,
// kube-system, kube-public and kube-node-lease, created when absent.

import type { ApiContext } from '../context.js';
import { StatusError } from '../errors/status.js';
import { prepareCreate } from './object-meta.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function createSystemNamespaces(ctx: ApiContext): Promise<void> {
  const spec = ctx.registry.find('', 'v1', 'namespaces');
  if (!spec) return;
  for (const name of SYSTEM_NAMESPACES) {
    const key = ctx.store.key(spec.storagePath, undefined, name);
    if (await ctx.store.get(key)) continue;
    const obj = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
    prepareCreate(spec, obj, undefined, ctx.now());
    spec.defaults(obj, undefined);
    await ctx.store.create(key, obj, { group: '', resource: 'namespaces' }).catch((err: unknown) => {
      // Another apiserver made it first.
      if (!(err instanceof StatusError && err.reason === 'AlreadyExists')) throw err;
    });
  }
}
