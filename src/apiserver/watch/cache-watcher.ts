// One client's watch on a watch cache: its key scope and selectors, and the events they let through.
// An object that starts matching arrives as ADDED and one that stops matching as DELETED (its last
// matching state at the event's revision), as kube-apiserver's cacher sends them.

import type { KubeObject } from '../schema/types.js';
import { withResourceVersion } from '../storage/object-codec.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface CacheEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly key: string;
  /** The new state (for DELETED: the last state, at the delete's revision). */
  readonly obj: KubeObject;
  readonly prevObj?: KubeObject;
  readonly revision: number;
}

/** Where a watcher's events go (an HTTP response); `end` when the cache stops the watch. */
export interface WatchSink {
  send(type: WatchEventType, obj: KubeObject): void;
  end(): void;
}

export interface WatchScope {
  /** Only keys under this prefix (a namespace, or the whole resource). */
  readonly keyPrefix: string;
  readonly matches: (obj: KubeObject) => boolean;
  /** Fields the selector requires to equal a value: by its trigger field, the cache hands the watch only the events it may match. */
  readonly requiredFields?: ReadonlyMap<string, string>;
  readonly allowBookmarks: boolean;
  /** The object of a BOOKMARK at a revision: kind, apiVersion and resourceVersion only. */
  readonly bookmark: (revision: number, annotations?: Record<string, string>) => KubeObject;
}

export class CacheWatcher {
  private ended = false;

  constructor(
    readonly scope: WatchScope,
    private readonly sink: WatchSink,
  ) {}

  deliver(event: CacheEvent): void {
    if (this.ended || !event.key.startsWith(this.scope.keyPrefix)) return;
    const matches = this.scope.matches;
    switch (event.type) {
      case 'ADDED':
        if (matches(event.obj)) this.sink.send('ADDED', event.obj);
        return;
      case 'DELETED':
        if (matches(event.obj)) this.sink.send('DELETED', event.obj);
        return;
      case 'MODIFIED': {
        const now = matches(event.obj);
        const before = event.prevObj !== undefined && matches(event.prevObj);
        if (now) this.sink.send(before ? 'MODIFIED' : 'ADDED', event.obj);
        else if (before) this.sink.send('DELETED', withResourceVersion(event.prevObj!, event.revision));
        return;
      }
    }
  }

  /** A current object sent at the start of a watch from "now". */
  initial(obj: KubeObject): void {
    if (!this.ended && this.scope.matches(obj)) this.sink.send('ADDED', obj);
  }

  bookmark(revision: number, annotations?: Record<string, string>): void {
    if (!this.ended && this.scope.allowBookmarks) this.sink.send('BOOKMARK', this.scope.bookmark(revision, annotations));
  }

  /** Ends the watch from the cache's side (the client watches again from its last resourceVersion). */
  terminate(): void {
    if (this.ended) return;
    this.ended = true;
    this.sink.end();
  }

  /** The client went away. */
  close(): void {
    this.ended = true;
  }

  get closed(): boolean {
    return this.ended;
  }
}
