// kube-apiserver's cacher for one resource: a single etcd watch on the resource's key prefix keeps an
// in-memory copy of every object and a window of recent events (75 s of them, event-history.ts). Lists
// at resourceVersion 0, consistent lists (once the cache has caught up with etcd's revision) and every
// client watch are served from it; a watch asking for history older than the window gets 410 Expired. A
// compaction under the etcd watch makes the cache list again and end its watchers, who come back and (if
// too far behind) relist.

import { createRequire } from 'node:module';
import type sortedBtree from 'sorted-btree';
import { prefixEnd, type StoreClient, type StoreWatch, type WatchEvent } from '../../client/etcd/store-client.js';
import { errorText } from '../../etcd-errors.js';
import { expired } from '../errors/status.js';
import type { KubeObject } from '../schema/types.js';
import { decodeObject, withResourceVersion } from '../storage/object-codec.js';
import { CacheWatcher, type CacheEvent, type WatchScope, type WatchSink } from './cache-watcher.js';
import { EventHistory, type HistoryBounds } from './event-history.js';

// sorted-btree is CommonJS with its class on `exports.default` (see mvcc/kv-store.ts).
const BTree: typeof sortedBtree.default = createRequire(import.meta.url)('sorted-btree').default;

export interface CacherOptions {
  readonly client: StoreClient;
  /** The resource's key prefix, ending in '/'. */
  readonly prefix: string;
  /** How much history the window keeps. */
  readonly history: HistoryBounds;
  readonly bookmarkIntervalMs: number;
  /** The field watchers are indexed by, as kube's registries give pods spec.nodeName. */
  readonly trigger?: WatchTrigger;
  readonly log: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

/** A field of the resource's objects (the value its field selector compares) that watchers are indexed by. */
export interface WatchTrigger {
  readonly field: string;
  readonly valueOf: (obj: KubeObject) => string | undefined;
}

/** Where a new watch starts: from the current state (rv unset or 0), or after a revision. */
export type WatchStart = { readonly from: 'now'; readonly initialEventsEnd?: boolean } | { readonly from: 'revision'; readonly revision: number };

const RETRY_MS = 200;

export class Cacher {
  private objects = new BTree<string, KubeObject>();
  private readonly history: EventHistory<CacheEvent>;
  /** The revision the cache reflects. */
  revision = 0;
  private readonly watchers = new Set<CacheWatcher>();
  /**
   * kube's indexed watchers: those whose selector requires one value of the trigger field, by that value,
   * are handed only the events whose object had it before or after; the rest get every event. With a
   * kubelet per node watching its pods, a pod's event goes to its node's kubelet, not to every kubelet.
   */
  private readonly byTrigger = new Map<string, Set<CacheWatcher>>();
  private readonly unindexed = new Set<CacheWatcher>();
  private readonly triggerOf = new Map<CacheWatcher, string>();
  private waiters: { revision: number; resolve: () => void }[] = [];
  private etcdWatch: StoreWatch | undefined;
  private readyPromise: Promise<void>;
  private resolveReady!: () => void;
  private stopped = false;
  private readonly bookmarkTimer: NodeJS.Timeout;

  constructor(private readonly options: CacherOptions) {
    this.history = new EventHistory(options.history);
    this.readyPromise = new Promise((resolve) => (this.resolveReady = resolve));
    this.bookmarkTimer = setInterval(() => this.bookmarkAll(), options.bookmarkIntervalMs);
    this.bookmarkTimer.unref();
    this.startRelist();
  }

  /** Lists again in the background; relist retries its own failures, so anything escaping it is a bug to report. */
  private startRelist(): void {
    void this.relist().catch((err: unknown) => this.options.log('error', 'watch cache relist failed', { prefix: this.options.prefix, error: errorText(err) }));
  }

  /** Resolves once the cache holds a full list. */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  private async relist(): Promise<void> {
    while (!this.stopped) {
      try {
        const result = await this.options.client.range(this.options.prefix, { end: prefixEnd(this.options.prefix) });
        const objects = new BTree<string, KubeObject>();
        for (const kv of result.kvs) objects.set(kv.key, decodeObject(kv.value, kv.modRevision));
        this.objects = objects;
        this.history.reset(result.revision);
        this.revision = result.revision;
        this.resolveReady();
        await this.watchFrom(result.revision + 1);
        return;
      } catch (err) {
        this.options.log('warn', 'watch cache list failed; retrying', { prefix: this.options.prefix, error: String(err) });
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  }

  private async watchFrom(startRevision: number): Promise<void> {
    if (this.stopped) return;
    this.etcdWatch = await this.options.client.watch(this.options.prefix, prefixEnd(this.options.prefix), startRevision, {
      onEvents: (events, revision) => this.apply(events, revision),
      onCompacted: (compactRevision) => {
        this.options.log('info', 'watch cache fell behind a compaction; listing again', { prefix: this.options.prefix, compactRevision });
        this.terminateWatchers();
        this.startRelist();
      },
      onError: (err) => {
        if (this.stopped) return;
        this.options.log('warn', 'watch cache lost its etcd watch; resuming', { prefix: this.options.prefix, error: err.message });
        setTimeout(
          () =>
            void this.watchFrom(this.revision + 1).catch((watchErr: unknown) => {
              this.options.log('warn', 'watch cache could not resume its etcd watch; listing again', { prefix: this.options.prefix, error: errorText(watchErr) });
              this.startRelist();
            }),
          RETRY_MS,
        );
      },
    });
  }

  private apply(events: WatchEvent[], headerRevision: number): void {
    for (const e of events) {
      const revision = e.kv.modRevision;
      const previous = this.objects.get(e.kv.key) ?? (e.prevKv ? decodeObject(e.prevKv.value, e.prevKv.modRevision) : undefined);
      let event: CacheEvent;
      if (e.type === 'DELETE') {
        if (!previous) continue;
        this.objects.delete(e.kv.key);
        event = { type: 'DELETED', key: e.kv.key, obj: withResourceVersion(previous, revision), prevObj: previous, revision };
      } else {
        const obj = decodeObject(e.kv.value, revision);
        this.objects.set(e.kv.key, obj);
        event = previous ? { type: 'MODIFIED', key: e.kv.key, obj, prevObj: previous, revision } : { type: 'ADDED', key: e.kv.key, obj, revision };
      }
      this.history.push(event, performance.now());
      this.revision = Math.max(this.revision, revision);
      this.dispatch(event);
    }
    this.revision = Math.max(this.revision, headerRevision);
    this.wakeWaiters();
  }

  private dispatch(event: CacheEvent): void {
    for (const watcher of this.unindexed) watcher.deliver(event);
    const trigger = this.options.trigger;
    if (!trigger || this.byTrigger.size === 0) return;
    const now = trigger.valueOf(event.obj) ?? '';
    for (const watcher of this.byTrigger.get(now) ?? []) watcher.deliver(event);
    const before = event.prevObj && (trigger.valueOf(event.prevObj) ?? '');
    if (before !== undefined && before !== now) for (const watcher of this.byTrigger.get(before) ?? []) watcher.deliver(event);
  }

  private wakeWaiters(): void {
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.revision <= this.revision) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  /** Waits until the cache reflects `revision` (asking etcd for progress); false when `timeoutMs` passed first. */
  async waitFor(revision: number, timeoutMs: number): Promise<boolean> {
    await this.readyPromise;
    if (this.revision >= revision) return true;
    this.etcdWatch?.requestProgress();
    return new Promise((resolve) => {
      const waiter = {
        revision,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** The current objects under `keyPrefix`, in key order. */
  list(keyPrefix: string): KubeObject[] {
    const items: KubeObject[] = [];
    this.objects.forRange(keyPrefix, prefixEnd(keyPrefix), false, (_key, obj) => {
      items.push(obj);
    });
    return items;
  }

  get(key: string): KubeObject | undefined {
    return this.objects.get(key);
  }

  /** Starts a watch; a revision older than the window throws 410 Expired. */
  watch(start: WatchStart, scope: WatchScope, sink: WatchSink): CacheWatcher {
    const watcher = new CacheWatcher(scope, sink);
    if (start.from === 'now') {
      for (const obj of this.list(scope.keyPrefix)) watcher.initial(obj);
      if (start.initialEventsEnd) watcher.bookmark(this.revision, { 'k8s.io/initial-events-end': 'true' });
    } else {
      const missed = this.history.since(start.revision);
      if (!missed) throw expired(`too old resource version: ${start.revision} (${this.history.oldestRevision})`);
      for (const event of missed) watcher.deliver(event);
    }
    this.watchers.add(watcher);
    const value = this.options.trigger && scope.requiredFields?.get(this.options.trigger.field);
    if (value === undefined) this.unindexed.add(watcher);
    else {
      this.triggerOf.set(watcher, value);
      const indexed = this.byTrigger.get(value) ?? new Set<CacheWatcher>();
      this.byTrigger.set(value, indexed.add(watcher));
    }
    return watcher;
  }

  unwatch(watcher: CacheWatcher): void {
    watcher.close();
    this.watchers.delete(watcher);
    this.unindexed.delete(watcher);
    const value = this.triggerOf.get(watcher);
    if (value === undefined) return;
    this.triggerOf.delete(watcher);
    const indexed = this.byTrigger.get(value)!;
    indexed.delete(watcher);
    if (indexed.size === 0) this.byTrigger.delete(value);
  }

  private bookmarkAll(): void {
    for (const watcher of this.watchers) watcher.bookmark(this.revision);
  }

  private terminateWatchers(): void {
    for (const watcher of this.watchers) watcher.terminate();
    this.watchers.clear();
    this.unindexed.clear();
    this.byTrigger.clear();
    this.triggerOf.clear();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.bookmarkTimer);
    this.etcdWatch?.cancel();
    this.terminateWatchers();
  }
}
