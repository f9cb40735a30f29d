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
const NO_RECORDS: readonly RevisionRecord[] = [];
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
  /**
   * Synced watchers on a range, grouped by range (an apiserver watches each resource's prefix, often
   * more than once): each write is matched once per range, not once per watcher.
   */
  private readonly ranges = new Map<string, RangeWatchers>();
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
    for (const group of this.ranges.values()) for (const watcher of group.watchers) this.unsynced.add(watcher);
    this.byKey.clear();
    this.ranges.clear();
    if (this.unsynced.size > 0) this.scheduleCatchUp();
  }

  get watcherCount(): number {
    let synced = 0;
    for (const set of this.byKey.values()) synced += set.size;
    for (const group of this.ranges.values()) synced += group.watchers.size;
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
      const key = boundsKey(watcher.bounds);
      let group = this.ranges.get(key);
      if (group === undefined) {
        group = { bounds: watcher.bounds, watchers: new Set() };
        this.ranges.set(key, group);
      }
      group.watchers.add(watcher);
    }
  }

  private removeSynced(watcher: Watcher): void {
    if (watcher.bounds.kind === 'single') {
      const set = this.byKey.get(watcher.bounds.key);
      set?.delete(watcher);
      if (set?.size === 0) this.byKey.delete(watcher.bounds.key);
    } else {
      const key = boundsKey(watcher.bounds);
      const group = this.ranges.get(key);
      group?.watchers.delete(watcher);
      if (group?.watchers.size === 0) this.ranges.delete(key);
    }
  }

  private addUnsynced(watcher: Watcher): void {
    this.unsynced.add(watcher);
    this.scheduleCatchUp();
  }

  /**
   * Hands one write's events to the watchers it concerns. Watchers with the same filters over the same
   * records share one delivery (one events array, one header revision), so the API encodes it once however
   * many watchers see it: a put to a key a thousand watchers watch costs one encoding, not a thousand.
   */
  private publish(revision: number, records: readonly RevisionRecord[]): void {
    // Made on the first delivery: most writes concern no watcher and then cost no bookkeeping at all.
    let shared: SharedDeliveries | undefined;
    if (this.byKey.size > 0) {
      if (records.length === 1) {
        const exact = this.byKey.get(records[0]!.key);
        if (exact) shared = this.deliver(exact, records, revision, shared);
      } else {
        // Records of one key as one list, the same list for every watcher of that key.
        for (const [key, hits] of groupByKey(records)) {
          const exact = this.byKey.get(key);
          if (exact) shared = this.deliver(exact, hits, revision, shared);
        }
      }
    }
    for (const group of this.ranges.values()) {
      const hits = recordsIn(group.bounds, records);
      if (hits.length > 0) shared = this.deliver(group.watchers, hits, revision, shared);
    }
  }

  /** One write's records to watchers that all see the same ones; returns the deliveries made so far. */
  private deliver(
    watchers: ReadonlySet<Watcher>,
    hits: readonly RevisionRecord[],
    revision: number,
    shared: SharedDeliveries | undefined,
  ): SharedDeliveries | undefined {
    for (const watcher of watchers) {
      if (watcher.nextRevision > revision) continue;
      watcher.nextRevision = revision + 1;
      shared ??= new SharedDeliveries(this.store, revision);
      const delivery = shared.for(watcher.options, hits);
      // Blocking removes the watcher from the set being walked, which a Set allows.
      if (delivery.events.length > 0 && !watcher.sink.deliver(delivery)) this.block(watcher);
    }
    return shared;
  }

  /** A full receiver: the watcher leaves the synced set and will catch up once resumed. */
  private block(watcher: Watcher): void {
    watcher.blocked = true;
    this.removeSynced(watcher);
    this.unsynced.add(watcher);
  }

  private scheduleCatchUp(): void {
    if (this.catchUpScheduled) return;
    this.catchUpScheduled = true;
    setImmediate(() => {
      this.catchUpScheduled = false;
      this.catchUp();
    });
  }

  /**
   * One bounded step for every unsynced watcher; reschedules itself while some remain behind. Watchers
   * that stopped at the same revision (a stream that filled up blocks all of its watchers at once) read
   * the history once and share their deliveries as live ones do.
   */
  catchUp(): void {
    const current = this.store.currentRevision;
    const changes = new Map<number, RevisionRecord[]>();
    const hitsByRange = new Map<string, readonly RevisionRecord[]>();
    const shared = new SharedDeliveries(this.store, current);
    let behind = false;
    for (const watcher of [...this.unsynced]) {
      if (watcher.blocked) continue;
      if (watcher.nextRevision < this.store.compactRevision) {
        this.unsynced.delete(watcher);
        watcher.sink.compacted(this.store.compactRevision);
        continue;
      }
      const from = watcher.nextRevision;
      let records = changes.get(from);
      if (records === undefined) {
        records = this.store.changesBetween(from, current, CATCH_UP_BATCH_RECORDS);
        changes.set(from, records);
      }
      const reached = records.length === 0 ? current : records[records.length - 1]!.main;
      const rangeKey = `${from}\u0000${boundsKey(watcher.bounds)}`;
      let hits = hitsByRange.get(rangeKey);
      if (hits === undefined) {
        hits = recordsIn(watcher.bounds, records);
        hitsByRange.set(rangeKey, hits);
      }
      const delivery = shared.for(watcher.options, hits);
      // Never back: a watcher may be ahead of this store (resumed past what an installed snapshot holds).
      watcher.nextRevision = Math.max(from, reached + 1);
      const accepted = delivery.events.length === 0 || watcher.sink.deliver(delivery);
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

function groupByKey(records: readonly RevisionRecord[]): Map<string, RevisionRecord[]> {
  const groups = new Map<string, RevisionRecord[]>();
  for (const record of records) {
    const group = groups.get(record.key);
    if (group) group.push(record);
    else groups.set(record.key, [record]);
  }
  return groups;
}

interface RangeWatchers {
  readonly bounds: RangeBounds;
  readonly watchers: Set<Watcher>;
}

/** The records within bounds: the very list when all are (the usual single-record write), no copy. */
function recordsIn(bounds: RangeBounds, records: readonly RevisionRecord[]): readonly RevisionRecord[] {
  let within = 0;
  for (const record of records) if (inRange(bounds, record.key)) within++;
  if (within === records.length) return records;
  if (within === 0) return NO_RECORDS;
  return records.filter((record) => inRange(bounds, record.key));
}

function boundsKey(bounds: RangeBounds): string {
  switch (bounds.kind) {
    case 'single':
      return `s${bounds.key}`;
    case 'span':
      return `r${bounds.start}\u0000${bounds.end}`;
    case 'from':
      return `f${bounds.start}`;
  }
}

/**
 * The deliveries of one publication (or one catch-up step), made once per list of records and filters
 * for all the watchers they reach: the key-values, the previous ones (null for a key with none), and the
 * events, so that every watcher with the same filters gets the very same events array (its encoding is
 * then cached by object, see the API's watch encoding).
 */
class SharedDeliveries {
  private readonly kvs = new Map<RevisionRecord, KeyValue>();
  private readonly previous = new Map<RevisionRecord, KeyValue | null>();
  /** By records list, then by filters (noPut, noDelete and prevKv as three bits). */
  private readonly deliveries = new Map<readonly RevisionRecord[], WatchDelivery[]>();

  constructor(
    private readonly store: MvccStore,
    private readonly revision: number,
  ) {}

  for(options: WatchOptions, records: readonly RevisionRecord[]): WatchDelivery {
    const filters = (options.noPut ? 1 : 0) | (options.noDelete ? 2 : 0) | (options.prevKv ? 4 : 0);
    let byFilters = this.deliveries.get(records);
    if (byFilters === undefined) {
      byFilters = [];
      this.deliveries.set(records, byFilters);
    }
    let delivery = byFilters[filters];
    if (delivery === undefined) {
      delivery = { events: this.events(options, records), revision: this.revision };
      byFilters[filters] = delivery;
    }
    return delivery;
  }

  private events(options: WatchOptions, records: readonly RevisionRecord[]): MvccEvent[] {
    const { noPut, noDelete, prevKv } = options;
    const events: MvccEvent[] = [];
    for (const record of records) {
      if (record.tombstone ? noDelete : noPut) continue;
      const kv = this.keyValue(record);
      const type = record.tombstone ? EventType.Delete : EventType.Put;
      const previous = prevKv ? this.previousOf(record) : null;
      events.push(previous ? { type, kv, prevKv: previous } : { type, kv });
    }
    return events;
  }

  private keyValue(record: RevisionRecord): KeyValue {
    let kv = this.kvs.get(record);
    if (kv === undefined) {
      // A delete event carries only the key and the deletion's revision, as etcd's does.
      kv = record.tombstone
        ? { key: keyBytes(record.key), createRevision: 0, modRevision: record.main, version: 0, value: EMPTY, lease: 0n }
        : toKeyValue(record);
      this.kvs.set(record, kv);
    }
    return kv;
  }

  private previousOf(record: RevisionRecord): KeyValue | null {
    let previous = this.previous.get(record);
    if (previous === undefined) {
      const found = this.store.previous(record);
      previous = found ? toKeyValue(found) : null;
      this.previous.set(record, previous);
    }
    return previous;
  }
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
