// The NamespaceLifecycle admission rule: a namespaced object is created only in a namespace that
// exists and is not being terminated.

import type { EtcdStore } from '../storage/etcd-store.js';
import { forbidden, notFound, type Qualified } from '../errors/status.js';

const NAMESPACES = { group: '', resource: 'namespaces' };

/** As the admission plugin words it: a 404 for the namespace, or a 403 on the object being created (`name`, '' before generateName). */
export async function checkNamespaceAcceptsCreates(store: EtcdStore, namespace: string, q: Qualified, name: string): Promise<void> {
  const found = await store.get(store.key('namespaces', undefined, namespace));
  if (!found) throw notFound(NAMESPACES, namespace);
  if (found.obj.metadata?.deletionTimestamp || (found.obj['status'] as { phase?: string } | undefined)?.phase === 'Terminating') {
    throw forbidden(q, name, `unable to create new content in namespace ${namespace} because it is being terminated`);
  }
}
