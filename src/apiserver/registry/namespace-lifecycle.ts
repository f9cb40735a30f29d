// The NamespaceLifecycle admission rule: a namespaced object is created only in a namespace that
// exists and is not being terminated.

import type { EtcdStore } from '../storage/etcd-store.js';
import { forbidden, notFound } from '../errors/status.js';

const NAMESPACES = { group: '', resource: 'namespaces' };

export async function checkNamespaceAcceptsCreates(store: EtcdStore, namespace: string): Promise<void> {
  const found = await store.get(store.key('namespaces', undefined, namespace));
  if (!found) throw notFound(NAMESPACES, namespace);
  if (found.obj.metadata?.deletionTimestamp || (found.obj['status'] as { phase?: string } | undefined)?.phase === 'Terminating') {
    throw forbidden(`unable to create new content in namespace ${namespace} because it is being terminated`);
  }
}
