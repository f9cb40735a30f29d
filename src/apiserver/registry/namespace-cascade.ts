// Deleting a namespace: it turns Terminating at once (no creates in it from then on), then everything
// in it is deleted and the namespace itself last — the namespace controller's work, done by the server
// until a controller manager takes it over.

import type { EtcdStore } from '../storage/etcd-store.js';
import type { ResourceRegistry } from './resource-registry.js';

const NAMESPACES = { group: '', resource: 'namespaces' };

export async function emptyAndRemoveNamespace(store: EtcdStore, registry: ResourceRegistry, namespace: string): Promise<void> {
  const paths = new Set(registry.all().filter((s) => s.namespaced).map((s) => s.storagePath));
  for (const path of paths) {
    const page = await store.listPage(store.listPrefix(path, namespace), { limit: 0, matches: () => true });
    for (const obj of page.items) {
      const key = store.key(path, namespace, obj.metadata?.name ?? '');
      // Already gone is as good as deleted.
      await store.delete(key, { group: '', resource: path }, obj.metadata?.name ?? '', () => undefined).catch(() => undefined);
    }
  }
  const key = store.key('namespaces', undefined, namespace);
  await store.delete(key, NAMESPACES, namespace, () => undefined).catch(() => undefined);
}
