// The revisioned keyspace. Every change is a record at revision {main, sub}; the whole history since the
// last compaction stays in memory (the records in a table of columns, an ordered index of keys over each
// key's record ids, and the ids in revision order for watchers catching up) and is mirrored to the state
// backend as it is written.
// Reads are synchronous, so applying an entry never waits on the disk.

import { createRequire } from 'node:module';
import type sortedBtree from 'sorted-btree';
import { Errors } from '../etcd-errors.js';
import { Bucket, StateBackend, bucketKey, decodeUint, encodeUint, metaKey, type BackendOp, type Backend } from '../storage/backend.js';
import { compacted, keptLease, latestOf, visibleAt, withRecord, type KeyIndex, type RevisionRecord } from './key-index.js';
import { hashKeyspace } from './kv-hash.js';
import { OldValues } from './old-values.js';
import { RecordTable } from './record-table.js';
import { RevisionOrder } from './revision-order.js';
import { keyBytes, type RangeBounds } from './keys.js';
import { decodeRecord, encodeRecord, revisionKey } from './record-codec.js';
import type { KeyValue } from './types.js';
import { ValueSpill } from './value-spill.js';

const COMPACT_REVISION_KEY = metaKey('compact_revision');
// sorted-btree is CommonJS with its class on `exports.default`; loaders disagree on what an ESM default
// import of it yields, so load it the CommonJS way.
const BTree: typeof sortedBtree.default = createRequire(import.meta.url)('sorted-btree').default;
type BTree<K, V> = InstanceType<typeof BTree<K, V>>;

const EMPTY = new Uint8Array(0);
/**
 * Keys compacted (or their values repacked) per turn of the event loop, so writes keep flowing meanwhile:
 * etcd's compaction batch. With 10,000, a repack of a 1,000-node control plane's values held every
 * member's event loop for 100–125 ms at once (bench/RESULTS.md, "Where a store leader's thread goes").
 */
const COMPACTION_BATCH_KEYS = 1_000;
/** A store no longer used closes its spill files (a state machine replaced by a snapshot's leaves its store behind). */
const closeSpill = new FinalizationRegistry<ValueSpill>((spill) => spill.close());

export interface MvccStoreOptions {
  /** Where files for values of older revisions are made (none: every value stays in memory). */
  readonly spillPath?: string;
}

export interface RangeResult {
  /** Matching records at the read revision, at most `limit` of them (all when limit is 0). */
  readonly records: RevisionRecord[];
  /** How many keys matched, regardless of the limit. */
  readonly count: number;
}

export interface KvHash {
  readonly hash: number;
  readonly compactRevision: number;
  readonly revision: number;
}

/** Receives each write's records once it ended, in revision order. */
export type WriteListener = (revision: number, records: readonly RevisionRecord[]) => void;

export function toKeyValue(record: RevisionRecord): KeyValue {
  return {
    key: keyBytes(record.key),
    createRevision: record.createRevision,
    modRevision: record.main,
    version: record.version,
    value: record.value,
    lease: record.lease,
  };
}

/**
 * The key index's order: a key's bytes as a binary string, so code-unit order is etcd's byte order. The same
 * order as the B+ tree's default comparator, without its checks for numbers and mixed types on every one of
 * the ~17 comparisons a lookup among 100,000 keys makes (a lookup is the largest part of applying a put).
 */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class MvccStore {
  private readonly index = new BTree<string, KeyIndex>(undefined, compareKeys);
  /** @internal Every record not yet compacted away. */
  readonly table: RecordTable;
  /** The table's ids in revision order. */
  private readonly history = new RevisionOrder();
  private readonly oldValues: OldValues | undefined;
  private repackQueued = false;
  private current = 1;
  private compacted = 0;
  private compaction: Promise<void> = Promise.resolve();
  private readonly listeners: WriteListener[] = [];

  constructor(
    private readonly backend?: Backend,
    options: MvccStoreOptions = {},
  ) {
    const spill = options.spillPath === undefined ? undefined : new ValueSpill(options.spillPath);
    this.table = new RecordTable(spill);
    this.oldValues = spill && new OldValues(this.table, spill);
    if (spill) closeSpill.register(this, spill);
  }

  /**
   * Rebuilds the keyspace from the backend and finishes a compaction a crash interrupted. Values of older
   * revisions go to files beside a backend on disk.
   */
  static async open(backend: Backend): Promise<MvccStore> {
    const store = new MvccStore(backend, backend instanceof StateBackend ? { spillPath: `${backend.path}.old-values` } : {});
    for await (const [key, value] of backend.scan(Bucket.Keyspace)) store.load(decodeRecord(key, value));
    store.spillOldValues();
    const compacted = await backend.get(COMPACT_REVISION_KEY);
    if (compacted !== undefined) {
      store.compacted = decodeUint(compacted);
      // A delete at the newest revision may itself have been compacted away.
      store.current = Math.max(store.current, store.compacted);
      await store.physicallyCompact(store.compacted);
    }
    return store;
  }

  private load(record: RevisionRecord): void {
    this.history.push(this.add(record));
    this.current = Math.max(this.current, record.main);
  }

  /** @internal The values' slabs. */
  get values(): RecordTable['values'] {
    return this.table.values;
  }

  get currentRevision(): number {
    return this.current;
  }

  get compactRevision(): number {
    return this.compacted;
  }

  /** How many keys exist now (for status and benchmarks). */
  get keyCount(): number {
    return this.index.size;
  }

  onWrite(listener: WriteListener): void {
    this.listeners.push(listener);
  }

  /** The revision a read asks for, checked as etcd checks it: 0 or less is the current one. */
  readRevision(requested: number): number {
    if (requested <= 0) return this.current;
    if (requested > this.current) throw Errors.futureRev();
    if (requested < this.compacted) throw Errors.compacted();
    return requested;
  }

  range(bounds: RangeBounds, revision: number, limit = 0): RangeResult {
    const records: RevisionRecord[] = [];
    let count = 0;
    this.forEachKey(bounds, (keyIndex) => {
      const id = visibleAt(this.table, keyIndex, revision);
      if (id === undefined) return;
      count++;
      if (limit <= 0 || records.length < limit) records.push(this.table.record(id));
    });
    return { records, count };
  }

  /** The value a record replaced (what a watcher's prev_kv shows), unless compaction discarded it. */
  previous(record: RevisionRecord): RevisionRecord | undefined {
    if (record.main - 1 < this.compacted) return undefined;
    const keyIndex = this.index.get(record.key);
    const id = keyIndex === undefined ? undefined : visibleAt(this.table, keyIndex, record.main - 1);
    return id === undefined ? undefined : this.table.record(id);
  }

  /** Records with revision in [from, to], in revision order, at most `limit` revisions' worth (whole revisions). */
  changesBetween(from: number, to: number, limit: number): RevisionRecord[] {
    const out: RevisionRecord[] = [];
    for (let i = this.history.firstFrom(this.table, from); i < this.history.length; i++) {
      const id = this.history.at(i);
      const main = this.table.main(id);
      if (main > to) break;
      if (out.length >= limit && main !== out[out.length - 1]!.main) break;
      out.push(this.table.record(id));
    }
    return out;
  }

  write(): WriteTxn {
    return new WriteTxn(this, this.current + 1);
  }

  /** @internal Called by WriteTxn.end(). */
  finishWrite(revision: number, changes: readonly number[]): void {
    if (changes.length === 0) return;
    this.current = revision;
    const records = changes.map((id) => {
      this.history.push(id);
      const record = this.table.record(id);
      this.backend?.put(bucketKey(Bucket.Keyspace, revisionKey(record.main, record.sub)), encodeRecord(record));
      return record;
    });
    this.spillOldValues();
    for (const listener of this.listeners) listener(revision, records);
  }

  /** Moves values superseded a while ago to the spill files, and the values left in sparse slabs together. */
  private spillOldValues(): void {
    if (!this.oldValues?.spillDue(this.current) || !this.values.shouldRepack || this.repackQueued) return;
    this.repackQueued = true;
    this.compaction = this.compaction.then(() => {
      this.repackQueued = false;
      return this.repackValues();
    });
  }

  /** @internal Stores a record and indexes it under its key; returns its id. */
  add(record: RevisionRecord): number {
    return this.addTo(this.index.get(record.key), record);
  }

  /**
   * @internal add() for a caller that just looked the key up (`keyIndex`, undefined for a new key): a
   * lookup in the ordered index costs a cache miss per level, the largest part of applying a put.
   */
  addTo(keyIndex: KeyIndex | undefined, record: RevisionRecord): number {
    // Every record of a key shares one string, the one the index holds it under, rather than each request's.
    const id = this.table.add(record, keyIndex === undefined ? record.key : this.table.key(latestOf(keyIndex)));
    if (keyIndex !== undefined) this.oldValues?.superseded(latestOf(keyIndex), record.main);
    const added = withRecord(keyIndex, id);
    if (added !== keyIndex) this.index.set(record.key, added);
    return id;
  }

  /** @internal */
  lookup(key: string): KeyIndex | undefined {
    return this.index.get(key);
  }

  /** @internal */
  forEachKey(bounds: RangeBounds, visit: (keyIndex: KeyIndex) => void): void {
    switch (bounds.kind) {
      case 'single': {
        const keyIndex = this.index.get(bounds.key);
        if (keyIndex !== undefined) visit(keyIndex);
        return;
      }
      case 'span':
        if (bounds.start >= bounds.end) return;
        this.index.forRange(bounds.start, bounds.end, false, (_key: string, keyIndex: KeyIndex) => {
          visit(keyIndex);
        });
        return;
      case 'from':
        for (const [, keyIndex] of this.index.entries(bounds.start)) visit(keyIndex);
        return;
    }
  }

  /**
   * Discards history below `revision` (each key keeps its latest version at or below it). Reads below it
   * fail from now on; the memory and disk are reclaimed in the background, and the promise settles when
   * that finished (etcd's `physical`).
   */
  compact(revision: number): Promise<void> {
    if (revision <= this.compacted) throw Errors.compacted();
    if (revision > this.current) throw Errors.futureRev();
    this.compacted = revision;
    this.backend?.put(COMPACT_REVISION_KEY, encodeUint(revision));
    this.compaction = this.compaction.then(() => this.physicallyCompact(revision));
    return this.compaction;
  }

  private async physicallyCompact(revision: number): Promise<void> {
    let dropped = 0;
    await this.forEachKeyInBatches(async (batch) => {
      const deletes: BackendOp[] = [];
      for (const [key, keyIndex] of batch) {
        const { kept, dropped: droppedHere } = compacted(this.table, keyIndex, revision);
        if (droppedHere.length === 0) continue;
        for (const id of droppedHere) {
          // Freed only once the history in revision order no longer names it, below.
          this.table.markDropped(id);
          deletes.push({ type: 'del', key: bucketKey(Bucket.Keyspace, revisionKey(this.table.main(id), this.table.sub(id))) });
        }
        dropped += droppedHere.length;
        if (kept === undefined) this.index.delete(key);
        else this.index.set(key, kept);
      }
      if (this.backend && deletes.length > 0) await this.backend.write(deletes);
    });
    if (dropped > 0) {
      this.oldValues?.forgetDropped();
      this.history.retain((id) => {
        if (!this.table.isDropped(id)) return true;
        this.table.free(id);
        return false;
      });
    }
    if (this.values.shouldRepack || this.table.spill?.shouldRepack) await this.repackValues();
  }

  /** Moves the values of mostly dead slabs into fresh ones, so the old slabs can be collected. */
  private async repackValues(): Promise<void> {
    await this.forEachKeyInBatches(async (batch) => {
      for (const [, keyIndex] of batch) {
        if (typeof keyIndex === 'number') this.table.repackValue(keyIndex);
        else for (const id of keyIndex) this.table.repackValue(id);
      }
    });
    this.values.repacked();
    this.table.spill?.repacked();
  }

  /**
   * Visits every key in batches of COMPACTION_BATCH_KEYS, letting the event loop turn between batches so
   * writes keep flowing; keys written meanwhile may or may not be visited.
   */
  private async forEachKeyInBatches(visit: (batch: [string, KeyIndex][]) => Promise<void>): Promise<void> {
    let from: string | undefined = this.index.minKey();
    while (from !== undefined) {
      const batch: [string, KeyIndex][] = [];
      let next: string | undefined;
      for (const entry of this.index.entries(from)) {
        if (batch.length === COMPACTION_BATCH_KEYS) {
          next = entry[0];
          break;
        }
        batch.push(entry);
      }
      await visit(batch);
      await new Promise<void>((resolve) => setImmediate(resolve));
      from = next;
    }
  }

  /**
   * A checksum of the keyspace as of `revision` (etcd's HashKV): equal on members that applied the same
   * entries, whatever their compaction has physically reclaimed so far.
   */
  hashKv(revision: number): KvHash {
    const at = this.readRevision(revision);
    return { hash: hashKeyspace(this.index.values(), this.table, this.compacted, at), compactRevision: this.compacted, revision: this.current };
  }
}

/**
 * One write at one revision: every change it makes shares the main revision, in sub-revision order, and
 * its reads see its own earlier changes. Nothing is visible to others until end().
 */
export class WriteTxn {
  /** The ids of the records written, in sub-revision order. */
  private readonly changes: number[] = [];

  constructor(
    readonly store: MvccStore,
    readonly revision: number,
  ) {}

  /** The revision this transaction's reads see: its own changes, once it made some. */
  get readRevision(): number {
    return this.changes.length > 0 ? this.revision : this.revision - 1;
  }

  get changed(): boolean {
    return this.changes.length > 0;
  }

  range(bounds: RangeBounds, limit = 0): RangeResult {
    return this.store.range(bounds, this.readRevision, limit);
  }

  get(key: string): RevisionRecord | undefined {
    const id = this.visible(key);
    return id === undefined ? undefined : this.store.table.record(id);
  }

  /** Writes `key`; returns the id of the record it replaced, as this txn saw it (undefined: the key did not exist). */
  put(key: string, value: Uint8Array, lease: bigint): number | undefined {
    const keyIndex = this.store.lookup(key);
    const previous = keyIndex === undefined ? undefined : visibleAt(this.store.table, keyIndex, this.readRevision);
    const table = this.store.table;
    this.changes.push(
      this.store.addTo(keyIndex, {
        main: this.revision,
        sub: this.changes.length,
        key,
        tombstone: false,
        value,
        createRevision: previous === undefined ? this.revision : table.createRevision(previous),
        version: (previous === undefined ? 0 : table.version(previous)) + 1,
        lease: keptLease(lease),
      }),
    );
    return previous;
  }

  /** Deletes every existing key of the range; returns what they held. */
  deleteRange(bounds: RangeBounds): RevisionRecord[] {
    const { records } = this.range(bounds);
    for (const previous of records) {
      this.changes.push(
        this.store.add({ main: this.revision, sub: this.changes.length, key: previous.key, tombstone: true, value: EMPTY, createRevision: 0, version: 0, lease: 0n }),
      );
    }
    return records;
  }

  /** Publishes the changes: the store's revision moves on only if something changed. */
  end(): void {
    this.store.finishWrite(this.revision, this.changes);
  }

  private visible(key: string): number | undefined {
    const keyIndex = this.store.lookup(key);
    return keyIndex === undefined ? undefined : visibleAt(this.store.table, keyIndex, this.readRevision);
  }
}
