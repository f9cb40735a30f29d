// A shared index informer (client-go tools/cache): a reflector lists, then watches from the list's
// resourceVersion with bookmarks; every event advances the last-seen RV; a stream that ends is re-opened
// from it; 410 Expired (compaction) relists from the latest state; errors back off 800 ms → 30 s. The cache
// feeds a Lister; handlers see adds, updates (including resyncs, old === new) and deletes.

import { isResourceExpired, KubeApiError } from './api-error.js';
import type { KubeClient } from './client.js';
import { realClock, sleepOn, type Clock, type TimerHandle } from './clock.js';
import { defaultIndexers, IndexedStore, type IndexFunc } from './indexed-store.js';
import { Lister } from './lister.js';
import { objectKey, type KubeObject, type Status, type WatchEvent } from './objects.js';
import type { ResourceRef } from './resource.js';

export interface InformerOptions<T extends KubeObject> {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Re-deliver every cached object as an update this often (0 = never, client-go's default for most). */
  resyncPeriodMs?: number;
  /** Extra indexes beside namespace, owner and nodeName. */
  indexers?: Record<string, IndexFunc<T>>;
  /** LIST page size (client-go pages by 500). */
  pageSize?: number;
  clock?: Clock;
  /** Called for errors the informer recovers from (failed list/watch, a throwing handler). */
  onError?: (error: unknown) => void;
}

export type AddHandler<T> = (object: T) => void;
export type UpdateHandler<T> = (oldObject: T, newObject: T) => void;
/** `finalStateUnknown`: the object vanished across a relist (client-go's DeletedFinalStateUnknown). */
export type DeleteHandler<T> = (object: T, finalStateUnknown: boolean) => void;

const MIN_BACKOFF_MS = 800;
const MAX_BACKOFF_MS = 30_000;
/** Reflector watches time out after a random 5–10 min so load spreads and the server can rebalance. */
const MIN_WATCH_TIMEOUT_S = 300;

/** Thrown inside the loop to leave the watch phase and relist from the latest state. */
class RelistFromLatest extends Error {}

export class Informer<T extends KubeObject> {
  readonly lister: Lister<T>;
  private readonly store: IndexedStore<T>;
  private readonly clock: Clock;
  private readonly addHandlers: AddHandler<T>[] = [];
  private readonly updateHandlers: UpdateHandler<T>[] = [];
  private readonly deleteHandlers: DeleteHandler<T>[] = [];
  private readonly syncWaiters: Array<() => void> = [];
  private readonly abort = new AbortController();
  private synced = false;
  private running?: Promise<void>;
  private resyncTimer?: TimerHandle;
  private stopWatch?: () => void;
  private lastResourceVersion = '';

  constructor(
    private readonly client: KubeClient,
    readonly resource: ResourceRef,
    private readonly options: InformerOptions<T> = {},
  ) {
    this.clock = options.clock ?? realClock;
    this.store = new IndexedStore<T>({ ...(defaultIndexers as Record<string, IndexFunc<T>>), ...options.indexers });
    this.lister = new Lister(this.store);
  }

  /** Handlers added after objects are cached first get an add for each, as client-go's do. */
  onAdd(handler: AddHandler<T>): this {
    this.addHandlers.push(handler);
    for (const object of this.store.values()) this.call(() => handler(object));
    return this;
  }

  onUpdate(handler: UpdateHandler<T>): this {
    this.updateHandlers.push(handler);
    return this;
  }

  onDelete(handler: DeleteHandler<T>): this {
    this.deleteHandlers.push(handler);
    return this;
  }

  /** True once the first LIST has been stored and delivered. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once hasSynced() (WaitForCacheSync), or when the informer stops. */
  waitForSync(): Promise<void> {
    if (this.synced || this.abort.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** The resourceVersion of the last list, event or bookmark seen. */
  lastSyncResourceVersion(): string {
    return this.lastResourceVersion;
  }

  /** Starts listing and watching; a second call does nothing. */
  start(): this {
    if (this.running) return this;
    this.running = this.run();
    const period = this.options.resyncPeriodMs ?? 0;
    if (period > 0) this.scheduleResync(period);
    return this;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.stopWatch?.();
    if (this.resyncTimer) this.clock.clearTimeout(this.resyncTimer);
    this.releaseSyncWaiters();
    await this.running;
  }

  private async run(): Promise<void> {
    let backoffMs = MIN_BACKOFF_MS;
    let fromLatest = false;
    while (!this.abort.signal.aborted) {
      try {
        await this.list(fromLatest);
        fromLatest = false;
        backoffMs = MIN_BACKOFF_MS;
        await this.watchUntilBroken(() => (backoffMs = MIN_BACKOFF_MS));
      } catch (error) {
        if (this.abort.signal.aborted) return;
        if (error instanceof RelistFromLatest || isResourceExpired(error)) {
          fromLatest = true;
          continue;
        }
        this.options.onError?.(error);
        await sleepOn(this.clock, backoffMs, this.abort.signal);
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
      }
    }
  }

  private async list(fromLatest: boolean): Promise<void> {
    // The first list may come from the server's cache (RV "0"); after 410 it must be a consistent read.
    const resourceVersion = fromLatest ? undefined : this.lastResourceVersion || '0';
    const list = await this.client.list<T>(this.resource, {
      namespace: this.options.namespace,
      labelSelector: this.options.labelSelector,
      fieldSelector: this.options.fieldSelector,
      resourceVersion,
      limit: resourceVersion === '0' ? undefined : (this.options.pageSize ?? 500),
    });
    if (this.abort.signal.aborted) return;
    this.replace(list.items);
    this.lastResourceVersion = list.metadata.resourceVersion ?? '';
    if (!this.synced) {
      this.synced = true;
      this.releaseSyncWaiters();
    }
  }

  /** Watches from the last RV, re-opening ended streams; returns only by throwing (or on stop). */
  private async watchUntilBroken(onProgress: () => void): Promise<void> {
    let backoffMs = MIN_BACKOFF_MS;
    while (!this.abort.signal.aborted) {
      let stream;
      try {
        stream = await this.client.watch<T>(this.resource, {
          namespace: this.options.namespace,
          labelSelector: this.options.labelSelector,
          fieldSelector: this.options.fieldSelector,
          resourceVersion: this.lastResourceVersion,
          allowWatchBookmarks: true,
          timeoutSeconds: MIN_WATCH_TIMEOUT_S + Math.floor(Math.random() * MIN_WATCH_TIMEOUT_S),
        });
      } catch (error) {
        if (error instanceof KubeApiError) throw error;
        // Connection refused or reset (an apiserver restart): wait and re-watch from the same RV.
        this.options.onError?.(error);
        await sleepOn(this.clock, backoffMs, this.abort.signal);
        backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
        continue;
      }
      backoffMs = MIN_BACKOFF_MS;
      this.stopWatch = () => stream.stop();
      if (this.abort.signal.aborted) stream.stop();
      for await (const event of stream) {
        this.apply(event);
        onProgress();
      }
    }
  }

  private apply(event: WatchEvent<T>): void {
    if (event.type === 'ERROR') {
      const status = event.object as unknown as Status;
      if (status.code === 410) throw new RelistFromLatest(status.message);
      throw new KubeApiError(status, 'GET', 'watch');
    }
    const resourceVersion = event.object.metadata?.resourceVersion;
    if (event.type === 'ADDED' || event.type === 'MODIFIED') this.upsert(event.object);
    else if (event.type === 'DELETED') this.remove(objectKey(event.object), event.object, false);
    if (resourceVersion) this.lastResourceVersion = resourceVersion;
  }

  /** Stores an object from the watch and tells the handlers whether it is new. */
  private upsert(object: T): void {
    const previous = this.store.upsert(object);
    if (previous) this.notifyUpdate(previous, object);
    else for (const handler of this.addHandlers) this.call(() => handler(object));
  }

  private remove(key: string, object: T, finalStateUnknown: boolean): void {
    if (!this.store.remove(key)) return;
    for (const handler of this.deleteHandlers) this.call(() => handler(object, finalStateUnknown));
  }

  /** A fresh LIST replaces the cache: new keys are adds, kept keys updates, vanished keys deletes. */
  private replace(items: T[]): void {
    const listed = new Set<string>();
    for (const item of items) {
      listed.add(objectKey(item));
      this.upsert(item);
    }
    for (const key of this.store.keys()) {
      if (!listed.has(key)) this.remove(key, this.store.get(key)!, true);
    }
  }

  private notifyUpdate(previous: T, current: T): void {
    for (const handler of this.updateHandlers) this.call(() => handler(previous, current));
  }

  private scheduleResync(period: number): void {
    this.resyncTimer = this.clock.setTimeout(() => {
      if (this.abort.signal.aborted) return;
      for (const object of this.store.values()) this.notifyUpdate(object, object);
      this.scheduleResync(period);
    }, period);
  }

  private call(handler: () => void): void {
    try {
      handler();
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  private releaseSyncWaiters(): void {
    for (const resolve of this.syncWaiters.splice(0)) resolve();
  }
}
