// One watch cache per etcd key prefix, made on first use (resources stored under one prefix, such as
// core and events.k8s.io events, share it).

import type { StoreClient } from '../../client/etcd/store-client.js';
import type { KubeObject } from '../schema/types.js';
import { Cacher, type CacherOptions, type WatchTrigger } from './cacher.js';

export class CacherPool {
  private readonly cachers = new Map<string, Cacher>();

  constructor(
    private readonly client: StoreClient,
    private readonly settings: Omit<CacherOptions, 'client' | 'prefix' | 'trigger'>,
    /** The trigger field of the resources that have one, by key prefix. */
    private readonly triggers: ReadonlyMap<string, WatchTrigger> = new Map(),
  ) {}

  /** The cache of the keys under `prefix` (ending in '/'). */
  cacher(prefix: string): Cacher {
    let cacher = this.cachers.get(prefix);
    if (!cacher) {
      const trigger = this.triggers.get(prefix);
      cacher = new Cacher({ ...this.settings, client: this.client, prefix, ...(trigger ? { trigger } : {}) });
      this.cachers.set(prefix, cacher);
    }
    return cacher;
  }

  /**
   * The cached copy of the object at `key`, from the cache of the longest prefix of it that has one
   * (none is made for this): what an update decides on first. Undefined when not cached (yet).
   */
  cachedObject(key: string): KubeObject | undefined {
    for (let slash = key.lastIndexOf('/'); slash > 0; slash = key.lastIndexOf('/', slash - 1)) {
      const cacher = this.cachers.get(key.slice(0, slash + 1));
      if (cacher) return cacher.get(key);
    }
    return undefined;
  }

  /** Watchers per key prefix (the watch count metric). */
  stop(): void {
    for (const cacher of this.cachers.values()) cacher.stop();
  }
}
