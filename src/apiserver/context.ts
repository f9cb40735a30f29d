// What every handler works with: the served resources, the etcd store, the watch caches, the schemas,
// the clock and the server's settings.

import type { AdmissionChain } from './admission/admission-chain.js';
import type { ApiserverOptions } from './options.js';
import type { SchemaChecker } from './registry/admission.js';
import type { NamespacesDeletedLately } from './registry/namespaces-deleted-lately.js';
import type { ResourceRegistry } from './registry/resource-registry.js';
import type { SchemaNode } from './schema/types.js';
import type { EtcdStore } from './storage/etcd-store.js';
import type { EventLeases } from './storage/event-leases.js';
import type { CacherPool } from './watch/cacher-pool.js';

export interface ApiContext {
  readonly registry: ResourceRegistry;
  readonly store: EtcdStore;
  readonly cachers: CacherPool;
  readonly eventLeases: EventLeases;
  /** Namespaces deleted lately: creates in them check the store, not the cache (NamespaceLifecycle). */
  readonly namespacesDeletedLately: NamespacesDeletedLately;
  /** OpenAPI components by name (built-in kinds and CRDs). */
  readonly components: Record<string, SchemaNode>;
  readonly checkSchema: SchemaChecker;
  readonly options: ApiserverOptions;
  readonly now: () => Date;
  /** The admission plugins objects pass before they are stored (absent: none). */
  readonly admission?: AdmissionChain;
}
