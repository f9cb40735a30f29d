// Read-only views over an informer's cache. Objects are shared with the cache: copy before mutating.

import type { IndexedStore } from './indexed-store.js';
import { Indexes, orphansOf } from './indexed-store.js';
import { labelSelectorMatches, type LabelSelector } from './label-selector.js';
import type { KubeObject } from './objects.js';

/** A metav1.LabelSelector, or any predicate over labels. */
export type Selector = LabelSelector | ((labels: Record<string, string>) => boolean);

export class Lister<T extends KubeObject> {
  constructor(private readonly store: IndexedStore<T>) {}

  /** The cached object; `namespace` is '' (or undefined) for cluster-scoped kinds. */
  get(namespace: string | undefined, name: string): T | undefined {
    return this.store.get(namespace ? `${namespace}/${name}` : name);
  }

  /** Every cached object matching `selector` (all when omitted), optionally in one namespace. */
  list(selector?: Selector, namespace?: string): T[] {
    const candidates = namespace ? this.store.byIndex(Indexes.namespace, namespace) : this.store.values();
    if (!selector) return candidates;
    const matches = typeof selector === 'function' ? selector : (labels: Record<string, string>) => labelSelectorMatches(selector, labels);
    return candidates.filter((object) => matches(object.metadata.labels ?? {}));
  }

  /**
   * What `owner` may claim (client-go's FilterPodsByOwner, orphans included): the cached objects it
   * controls and those of its namespace that no controller owns.
   */
  ownedOrOrphaned(owner: KubeObject): T[] {
    return [...this.controlledBy(owner), ...this.store.byIndex(Indexes.controller, orphansOf(owner.metadata.namespace ?? ''))];
  }

  /** The cached objects of `owner`'s namespace whose controller it is. */
  controlledBy(owner: KubeObject): T[] {
    const namespace = owner.metadata.namespace ?? '';
    const owned = owner.metadata.uid ? this.store.byIndex(Indexes.controller, owner.metadata.uid) : [];
    // Another namespace's object naming this owner as its controller is not this owner's.
    return owned.filter((object) => (object.metadata.namespace ?? '') === namespace);
  }

  byIndex(indexName: string, value: string): T[] {
    return this.store.byIndex(indexName, value);
  }
}
