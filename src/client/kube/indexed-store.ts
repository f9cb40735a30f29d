// The informer's cache (client-go's thread-safe store + Indexer): objects by "ns/name" key plus named
// indexes from index value to keys.

import { controllerOf, objectKey, type KubeObject } from './objects.js';

export type IndexFunc<T> = (object: T) => readonly string[];

/** The index names every informer maintains. */
export const Indexes = {
  namespace: 'namespace',
  /** Every ownerReference uid of the object. */
  owner: 'owner',
  /** spec.nodeName (pods bound to a node). */
  nodeName: 'nodeName',
  /**
   * The uid of the object's controller, or orphansOf(namespace) for one no controller owns (client-go's
   * PodControllerUIDIndex): what an owner may claim, without going through its whole namespace.
   */
  controller: 'controller',
} as const;

/** The controller index's value for the objects of `namespace` that no controller owns (no uid has a slash). */
export const orphansOf = (namespace: string): string => `orphans/${namespace}`;

export const defaultIndexers: Record<string, IndexFunc<KubeObject>> = {
  [Indexes.namespace]: (object) => (object.metadata.namespace ? [object.metadata.namespace] : []),
  [Indexes.owner]: (object) => (object.metadata.ownerReferences ?? []).map((ref) => ref.uid),
  [Indexes.nodeName]: (object) => {
    const nodeName = (object.spec as { nodeName?: unknown } | undefined)?.nodeName;
    return typeof nodeName === 'string' && nodeName ? [nodeName] : [];
  },
  [Indexes.controller]: (object) => [controllerOf(object)?.uid ?? orphansOf(object.metadata.namespace ?? '')],
};

export class IndexedStore<T extends KubeObject> {
  private readonly items = new Map<string, T>();
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(private readonly indexers: Record<string, IndexFunc<T>>) {
    for (const name of Object.keys(indexers)) this.indices.set(name, new Map());
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  values(): T[] {
    return [...this.items.values()];
  }

  /** Stores `object`; returns what it replaced. */
  upsert(object: T): T | undefined {
    const key = objectKey(object);
    const previous = this.items.get(key);
    if (previous) this.unindex(key, previous);
    this.items.set(key, object);
    this.index(key, object);
    return previous;
  }

  remove(key: string): T | undefined {
    const previous = this.items.get(key);
    if (!previous) return undefined;
    this.unindex(key, previous);
    this.items.delete(key);
    return previous;
  }

  byIndex(name: string, value: string): T[] {
    const index = this.indices.get(name);
    if (!index) throw new Error(`index "${name}" does not exist`);
    return [...(index.get(value) ?? [])].map((key) => this.items.get(key)!);
  }

  private index(key: string, object: T): void {
    for (const [name, indexFunc] of Object.entries(this.indexers)) {
      const index = this.indices.get(name)!;
      for (const value of indexFunc(object)) {
        let keys = index.get(value);
        if (!keys) index.set(value, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  private unindex(key: string, object: T): void {
    for (const [name, indexFunc] of Object.entries(this.indexers)) {
      const index = this.indices.get(name)!;
      for (const value of indexFunc(object)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }
}
