// One watch cache per etcd key prefix, made on first use (resources stored under one prefix, such as
// core and events.k8s.io events, share it).

import type { StoreClient } from '../../client/etcd/store-client.js';
import { Cacher, type CacherOptions } from './cacher.js';

export class CacherPool {
  private readonly cachers = new Map<string, Cacher>();

  constructor(
    private readonly client: StoreClient,
    private readonly settings: Omit<CacherOptions, 'client' | 'prefix'>,
  ) {}

  /** The cache of the keys under `prefix` (ending in '/'). */
  cacher(prefix: string): Cacher {
    let cacher = this.cachers.get(prefix);
    if (!cacher) {
      cacher = new Cacher({ ...this.settings, client: this.client, prefix });
      this.cachers.set(prefix, cacher);
    }
    return cacher;
  }

  /** Watchers per key prefix (the watch count metric). */
  stop(): void {
    for (const cacher of this.cachers.values()) cacher.stop();
  }
}
