// Watchers on keys and ranges. A synced watcher gets each write's events as it ends; an unsynced one
// (started in the past, or whose receiver fell behind) catches up from the in-memory history in bounded
// batches on later turns of the event loop, and rejoins the synced ones once it reached the current
// revision. Every watcher therefore sees each revision once, in order; a slow receiver only delays itself.

import type { RevisionRecord } from './key-index.js';
import { inRange, keyBytes, rangeBounds, type RangeBounds } from './keys.js';
import { toKeyValue, type MvccStore } from './kv-store.js';
import { EventType, type KeyValue, type MvccEvent } from './types.js';

export interface WatchOptions {
  readonly key: Uint8Array;
  readonly rangeEnd?: Uint8Array;
  /** First revision to report; 0 means the next write. */
  readonly startRevision?: number;
  readonly prevKv?: boolean;
  readonly noPut?: boolean;
  readonly noDelete?: boolean;
}

export interface WatchDelivery {
  readonly events: readonly MvccEvent[];
  /** The header revision: the write's own revision for live events, the store's for catch-up batches. */
  readonly revision: number;
}

/**
 * Where a watcher's events go. Returning false says the receiver is full: the watcher stops getting live
 * events until resume() and then catches up from history.
 */
export interface WatchSink {
  deliver(delivery: WatchDelivery): boolean;
  /** The start revision was compacted away: the watch is over. */
  compacted(compactRevision: number): void;
}

const EMPTY = new Uint8Array(0);
/** Records read per catch-up step (whole revisions), so catching up never holds the event loop long. */
const CATCH_UP_BATCH_RECORDS = 1000;

export class Watcher {
  /** The next revision this watcher needs. */
  nextRevision: number;
  blocked = false;

  constructor(
    readonly bounds: RangeBounds,
    readonly options: WatchOptions,
    readonly sink: WatchSink,
    nextRevision: number,
  ) {
    this.nextRevision = nextRevision;
  }
}

export class WatchHub {
  /** Synced watchers on one key, by key; the common case, found without scanning. */
  private readonly byKey = new Map<string, Set<Watcher>>();
  /** Synced watchers on a range. */
  private readonly ranges = new Set<Watcher>();
  private readonly unsynced = new Set<Watcher>();
  private catchUpScheduled = false;

  constructor(private store: MvccStore) {
    store.onWrite((revision, records) => this.publish(revision, records));
  }

  /**
   * Moves every watcher onto another store (the state machine was replaced by a snapshot): each catches
   * up from the new store's history where it left off, or learns it was compacted away, never skipping.
   */
  adopt(store: MvccStore): void {
    this.store = store;
    store.onWrite((revision, records) => {
      if (this.store === store) this.publish(revision, records);
    });
    for (const set of this.byKey.values()) for (const watcher of set) this.unsynced.add(watcher);
    for (const watcher of this.ranges) this.unsynced.add(watcher);
    this.byKey.clear();
    this.ranges.clear();
    if (this.unsynced.size > 0) this.scheduleCatchUp();
  }

  get watcherCount(): number {
    let synced = this.ranges.size;
    for (const set of this.byKey.values()) synced += set.size;
    return synced + this.unsynced.size;
  }

  watch(options: WatchOptions, sink: WatchSink): Watcher {
    const current = this.store.currentRevision;
    const start = options.startRevision ?? 0;
    const watcher = new Watcher(rangeBounds({ key: options.key, end: options.rangeEnd }), options, sink, start <= 0 ? current + 1 : start);
    if (watcher.nextRevision > current) this.addSynced(watcher);
    else this.addUnsynced(watcher);
    return watcher;
  }

  cancel(watcher: Watcher): void {
    this.removeSynced(watcher);
    this.unsynced.delete(watcher);
  }

  /** Whether the watcher has seen everything up to the current revision (for progress notifications). */
  isSynced(watcher: Watcher): boolean {
    return !watcher.blocked && !this.unsynced.has(watcher);
  }

  /** The receiver has room again: the watcher catches up from where it stopped. */
  resume(watcher: Watcher): void {
    if (!watcher.blocked) return;
    watcher.blocked = false;
    if (this.unsynced.has(watcher)) this.scheduleCatchUp();
  }

  private addSynced(watcher: Watcher): void {
    if (watcher.bounds.kind === 'single') {
      let set = this.byKey.get(watcher.bounds.key);
      if (set === undefined) {
        set = new Set();
        this.byKey.set(watcher.bounds.key, set);
      }
      set.add(watcher);
    } else {
      this.ranges.add(watcher);
    }
  }

  private removeSynced(watcher: Watcher): void {
    if (watcher.bounds.kind === 'single') {
      const set = this.byKey.get(watcher.bounds.key);
      set?.delete(watcher);
      if (set?.size === 0) this.byKey.delete(watcher.bounds.key);
    } else {
      this.ranges.delete(watcher);
    }
  }

  private addUnsynced(watcher: Watcher): void {
    this.unsynced.add(watcher);
    this.scheduleCatchUp();
  }

  private publish(revision: number, records: readonly RevisionRecord[]): void {
    const matched = new Map<Watcher, RevisionRecord[]>();
    const match = (watcher: Watcher, record: RevisionRecord): void => {
      if (watcher.nextRevision > revision) return;
      const list = matched.get(watcher);
      if (list) list.push(record);
      else matched.set(watcher, [record]);
    };
    for (const record of records) {
      const exact = this.byKey.get(record.key);
      if (exact) for (const watcher of exact) match(watcher, record);
      for (const watcher of this.ranges) if (inRange(watcher.bounds, record.key)) match(watcher, record);
    }
    const shared: SharedKeyValues = { kvs: new Map(), previous: new Map() };
    for (const [watcher, hits] of matched) {
      const events = this.eventsFor(watcher, hits, shared);
      watcher.nextRevision = revision + 1;
      if (events.length === 0) continue;
      if (!watcher.sink.deliver({ events, revision })) this.block(watcher);
    }
  }

  /** A full receiver: the watcher leaves the synced set and will catch up once resumed. */
  private block(watcher: Watcher): void {
    watcher.blocked = true;
    this.removeSynced(watcher);
    this.unsynced.add(watcher);
  }

  private eventsFor(watcher: Watcher, records: readonly RevisionRecord[], shared?: SharedKeyValues): MvccEvent[] {
    const { noPut, noDelete, prevKv } = watcher.options;
    const events: MvccEvent[] = [];
    for (const record of records) {
      if (record.tombstone ? noDelete : noPut) continue;
      let kv = shared?.kvs.get(record);
      if (kv === undefined) {
        // A delete event carries only the key and the deletion's revision, as etcd's does.
        kv = record.tombstone
          ? { key: keyBytes(record.key), createRevision: 0, modRevision: record.main, version: 0, value: EMPTY, lease: 0n }
          : toKeyValue(record);
        shared?.kvs.set(record, kv);
      }
      const type = record.tombstone ? EventType.Delete : EventType.Put;
      if (prevKv) {
        let previous = shared?.previous.get(record);
        if (previous === undefined) {
          const found = this.store.previous(record);
          previous = found ? toKeyValue(found) : null;
          shared?.previous.set(record, previous);
        }
        events.push(previous ? { type, kv, prevKv: previous } : { type, kv });
      } else {
        events.push({ type, kv });
      }
    }
    return events;
  }

  private scheduleCatchUp(): void {
    if (this.catchUpScheduled) return;
    this.catchUpScheduled = true;
    setImmediate(() => {
      this.catchUpScheduled = false;
      this.catchUp();
    });
  }

  /** One bounded step for every unsynced watcher; reschedules itself while some remain behind. */
  catchUp(): void {
    const current = this.store.currentRevision;
    let behind = false;
    for (const watcher of [...this.unsynced]) {
      if (watcher.blocked) continue;
      if (watcher.nextRevision < this.store.compactRevision) {
        this.unsynced.delete(watcher);
        watcher.sink.compacted(this.store.compactRevision);
        continue;
      }
      const records = this.store.changesBetween(watcher.nextRevision, current, CATCH_UP_BATCH_RECORDS);
      const reached = records.length === 0 ? current : records[records.length - 1]!.main;
      const hits = records.filter((record) => inRange(watcher.bounds, record.key));
      const events = this.eventsFor(watcher, hits);
      watcher.nextRevision = reached + 1;
      const accepted = events.length === 0 || watcher.sink.deliver({ events, revision: current });
      if (!accepted) watcher.blocked = true;
      if (watcher.nextRevision > current && !watcher.blocked) {
        this.unsynced.delete(watcher);
        this.addSynced(watcher);
      } else if (!watcher.blocked) {
        behind = true;
      }
    }
    if (behind) this.scheduleCatchUp();
  }
}

/**
 * The key-values of one publication, made once for all the watchers it reaches (their encodings are
 * then cached by object, see the API's watch encoding); `previous` holds null for a key with none.
 */
interface SharedKeyValues {
  readonly kvs: Map<RevisionRecord, KeyValue>;
  readonly previous: Map<RevisionRecord, KeyValue | null>;
}

/** Roughly what an event costs on the wire: its keys and values plus fixed fields. */
export function eventSize(event: MvccEvent): number {
  const kvSize = (kv: KeyValue): number => kv.key.length + kv.value.length + 48;
  return 8 + kvSize(event.kv) + (event.prevKv ? kvSize(event.prevKv) : 0);
}

/**
 * Cuts one delivery's events into pieces of at most `limit` bytes each (never splitting an event, so one
 * oversized event travels alone), as etcd fragments watch responses for clients that asked for it.
 */
export function fragmentEvents(events: readonly MvccEvent[], limit: number, sizeOf = eventSize): MvccEvent[][] {
  const pieces: MvccEvent[][] = [];
  let piece: MvccEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = sizeOf(event);
    if (piece.length > 0 && bytes + size > limit) {
      pieces.push(piece);
      piece = [];
      bytes = 0;
    }
    piece.push(event);
    bytes += size;
  }
  if (piece.length > 0) pieces.push(piece);
  return pieces;
}
