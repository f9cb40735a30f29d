// Durable raft log on LevelDB. Raft reads its log synchronously from a MemoryStorage; this store mirrors
// that log on disk and rebuilds it on open (see memory-storage-from-log.ts), like etcd's WAL next to its MemoryStorage.
//
// Keys:   'e' + index (8 bytes, big-endian, so keys sort by index) → Entry record
//         'm' + name → HardState, SnapshotMetadata and LogBounds records
// The LogBounds record says which entries are live: (compactedIndex, lastIndex]. Every save is one LevelDB
// batch that puts the new entries, the hard state and the bounds together, so truncating a conflicting
// suffix or installing a snapshot is atomic without deleting anything in the batch. Entry keys left outside
// the bounds are garbage: removed with range deletes (`clear`) right after the batch, before the next one,
// and again on open, so a crash between the two leaves nothing that a load would read.

import { Level } from 'level';
import { CompactedError, SnapshotOutOfDateError, UnavailableError } from '../raft/errors.js';
import { EMPTY_SNAPSHOT } from '../raft/storage.js';
import { EMPTY_HARD_STATE } from '../raft/types.js';
import type { Entry, HardState, SnapshotMetadata } from '../raft/types.js';
import {
  decodeEntry,
  decodeHardState,
  decodeLogBounds,
  decodeSnapshotMetadata,
  encodeEntry,
  encodeHardState,
  encodeLogBounds,
  encodeSnapshotMetadata,
} from './codec.js';
import type { LogBounds } from './codec.js';
import type { DataDirLayout } from './data-dir.js';
import { CorruptLogError, DataDirInUseError, LogStoreFailedError, LogStoreUsageError } from './errors.js';
import { faults } from './fault-injection.js';

const ENTRY_PREFIX = 0x65; // 'e'
const META_PREFIX = 0x6d; // 'm'
const ENTRY_KEYS_START = Uint8Array.of(ENTRY_PREFIX);
const ENTRY_KEYS_END = Uint8Array.of(ENTRY_PREFIX + 1);

function metaKey(name: string): Uint8Array {
  return Uint8Array.of(META_PREFIX, ...new TextEncoder().encode(name));
}

const HARD_STATE_KEY = metaKey('hardstate');
const SNAPSHOT_KEY = metaKey('snapshot');
const BOUNDS_KEY = metaKey('bounds');

export function entryKey(index: number): Uint8Array {
  const key = new Uint8Array(9);
  key[0] = ENTRY_PREFIX;
  new DataView(key.buffer).setBigUint64(1, BigInt(index));
  return key;
}

function entryKeyIndex(key: Uint8Array): number {
  if (key.length !== 9 || key[0] !== ENTRY_PREFIX) throw new CorruptLogError('malformed entry key');
  return Number(new DataView(key.buffer, key.byteOffset, key.byteLength).getBigUint64(1));
}

/** Raft state as read back from disk. */
export interface PersistedRaftState {
  readonly hardState: HardState;
  /** Metadata of the latest snapshot; its data lives in the snapshot store. Index 0 when there is none. */
  readonly snapshot: SnapshotMetadata;
  readonly bounds: LogBounds;
  /** Entries (bounds.compactedIndex, bounds.lastIndex], in order. */
  readonly entries: readonly Entry[];
}

/** What one Ready asks to persist. */
export interface RaftLogUpdate {
  readonly hardState?: HardState;
  /** May start at or below the last index: the conflicting suffix is replaced. */
  readonly entries?: readonly Entry[];
  /** A snapshot received from the leader: it replaces the whole log. Persist its data first. */
  readonly snapshot?: SnapshotMetadata;
}

export interface SaveOptions {
  /** fsync before the promise resolves (Ready.mustSync). */
  readonly sync: boolean;
}

export interface RaftLogStoreStats {
  /** Calls to save, recordSnapshot and compact. */
  readonly writes: number;
  /** LevelDB batches written; fewer than `writes` when group commit coalesced them. */
  readonly batches: number;
  readonly syncedBatches: number;
}

type WriteOp = { type: 'put'; key: Uint8Array; value: Uint8Array } | { type: 'del'; key: Uint8Array };

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

/** Writes issued while another batch is on disk; they go out together as the next batch. */
interface WriteGroup {
  readonly ops: WriteOp[];
  sync: boolean;
  /** The bounds once this group is applied, for removing garbage after it. */
  bounds: LogBounds;
  highestPut: number;
  hasHardState: boolean;
  readonly waiters: Waiter[];
}

function isLockedError(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === 'LEVEL_LOCKED') return true;
  }
  return false;
}

function withEntryContext(index: number, err: unknown): unknown {
  return err instanceof CorruptLogError ? new CorruptLogError(`entry ${index}: ${err.detail}`, { cause: err }) : err;
}

async function readState(db: Level<Uint8Array, Uint8Array>): Promise<PersistedRaftState> {
  const [hardStateBytes, snapshotBytes, boundsBytes]: (Uint8Array | undefined)[] = await db.getMany([
    HARD_STATE_KEY,
    SNAPSHOT_KEY,
    BOUNDS_KEY,
  ]);
  const hardState = hardStateBytes === undefined ? EMPTY_HARD_STATE : decodeHardState(hardStateBytes);
  const snapshot = snapshotBytes === undefined ? EMPTY_SNAPSHOT.metadata : decodeSnapshotMetadata(snapshotBytes);
  const bounds: LogBounds =
    boundsBytes === undefined ? { compactedIndex: 0, compactedTerm: 0, lastIndex: 0 } : decodeLogBounds(boundsBytes);
  const { compactedIndex, compactedTerm, lastIndex } = bounds;

  if (compactedIndex > lastIndex) throw new CorruptLogError(`compacted index ${compactedIndex} > last ${lastIndex}`);
  if (snapshot.index < compactedIndex || snapshot.index > lastIndex) {
    throw new CorruptLogError(`snapshot index ${snapshot.index} outside the log [${compactedIndex}, ${lastIndex}]`);
  }
  if (snapshot.index === compactedIndex && snapshot.term !== compactedTerm) {
    throw new CorruptLogError(`snapshot term ${snapshot.term} != compacted term ${compactedTerm}`);
  }

  const entries: Entry[] = [];
  let previousTerm = compactedTerm;
  for await (const [key, value] of db.iterator({ gt: entryKey(compactedIndex), lte: entryKey(lastIndex) })) {
    const expected = compactedIndex + entries.length + 1;
    const index = entryKeyIndex(key);
    if (index !== expected) throw new CorruptLogError(`entry ${expected} is missing`);
    let entry: Entry;
    try {
      entry = decodeEntry(value);
    } catch (err) {
      throw withEntryContext(index, err);
    }
    if (entry.index !== index) throw new CorruptLogError(`entry stored at ${index} says index ${entry.index}`);
    if (entry.term < previousTerm) throw new CorruptLogError(`term goes back at entry ${index}`);
    previousTerm = entry.term;
    entries.push(entry);
  }
  if (entries.length !== lastIndex - compactedIndex) {
    throw new CorruptLogError(`entry ${compactedIndex + entries.length + 1} is missing (last is ${lastIndex})`);
  }
  if (snapshot.index > compactedIndex && entries[snapshot.index - compactedIndex - 1]!.term !== snapshot.term) {
    throw new CorruptLogError(`snapshot term ${snapshot.term} != term of entry ${snapshot.index}`);
  }
  if (hardState.commit > lastIndex) throw new CorruptLogError(`commit ${hardState.commit} > last ${lastIndex}`);
  return { hardState, snapshot, bounds, entries };
}

export class RaftLogStore {
  // In-memory view of the state after every accepted write, so writes validate synchronously.
  private snapshot: SnapshotMetadata;
  private compactedIndex: number;
  private compactedTerm: number;
  /** terms[i] is the term of entry compactedIndex + 1 + i. */
  private terms: number[];

  // Entry keys at or below clearedThrough, or above physicalLast, are known to be gone from disk.
  private clearedThrough: number;
  private physicalLast: number;

  private queued: WriteGroup | undefined;
  private draining: Promise<void> | undefined;
  private failure: LogStoreFailedError | undefined;
  private closed = false;
  private counters = { writes: 0, batches: 0, syncedBatches: 0 };

  private constructor(
    private readonly db: Level<Uint8Array, Uint8Array>,
    state: PersistedRaftState,
  ) {
    this.snapshot = state.snapshot;
    this.compactedIndex = state.bounds.compactedIndex;
    this.compactedTerm = state.bounds.compactedTerm;
    this.terms = state.entries.map((e) => e.term);
    this.clearedThrough = state.bounds.compactedIndex;
    this.physicalLast = state.bounds.lastIndex;
  }

  /**
   * Opens `<data-dir>/member/wal`, verifies everything on it and removes garbage left by a crash.
   * Holding it open is the data dir's lock. Throws CorruptLogError or DataDirInUseError.
   */
  static async open(layout: DataDirLayout): Promise<{ store: RaftLogStore; state: PersistedRaftState }> {
    const db = new Level<Uint8Array, Uint8Array>(layout.walDir, { keyEncoding: 'view', valueEncoding: 'view' });
    try {
      await db.open();
    } catch (err) {
      if (isLockedError(err)) throw new DataDirInUseError(layout.dataDir, { cause: err });
      throw err;
    }
    try {
      const state = await readState(db);
      const { compactedIndex, lastIndex } = state.bounds;
      await db.clear({ gte: ENTRY_KEYS_START, lte: entryKey(compactedIndex) });
      await db.clear({ gt: entryKey(lastIndex), lt: ENTRY_KEYS_END });
      return { store: new RaftLogStore(db, state), state };
    } catch (err) {
      await db.close();
      throw err;
    }
  }

  /** Reads and verifies the state on disk once every write issued so far has finished. */
  async load(): Promise<PersistedRaftState> {
    this.assertUsable();
    await this.draining;
    return readState(this.db);
  }

  lastIndex(): number {
    return this.compactedIndex + this.terms.length;
  }

  stats(): RaftLogStoreStats {
    return { ...this.counters };
  }

  /**
   * Persists one Ready: snapshot (metadata only), then entries, then hard state, atomically. Calls made while
   * a batch is being written go out together in the next batch (group commit). Validation errors throw
   * synchronously and write nothing.
   */
  save(update: RaftLogUpdate, options: SaveOptions): Promise<void> {
    this.assertUsable();
    const ops: WriteOp[] = [];
    let { compactedIndex, compactedTerm } = this;
    let lastIndex = this.lastIndex();

    const snapshot = update.snapshot;
    if (snapshot !== undefined) {
      if (snapshot.index <= this.snapshot.index) throw new SnapshotOutOfDateError(snapshot.index);
      ({ index: compactedIndex, term: compactedTerm } = snapshot);
      lastIndex = compactedIndex;
      ops.push({ type: 'put', key: SNAPSHOT_KEY, value: encodeSnapshotMetadata(snapshot) });
    }

    const fresh = freshEntries(update.entries ?? [], compactedIndex);
    if (fresh.length > 0) {
      const start = fresh[0]!.index;
      if (start > lastIndex + 1) {
        throw new LogStoreUsageError(`missing log entry [last: ${lastIndex}, append at: ${start}]`);
      }
      if (start <= this.snapshot.index && snapshot === undefined) {
        // Snapshotted entries are applied, hence committed: raft never replaces them, and the snapshot
        // metadata would no longer match the log.
        throw new LogStoreUsageError(`entry ${start} would replace entries covered by snapshot ${this.snapshot.index}`);
      }
      // After a snapshot install every earlier term is gone; only the snapshot term precedes `start`.
      const previousTerm = snapshot !== undefined ? compactedTerm : this.term(start - 1);
      if (fresh[0]!.term < previousTerm) {
        throw new LogStoreUsageError(`entry ${start} has term ${fresh[0]!.term} below the previous ${previousTerm}`);
      }
      for (const entry of fresh) ops.push({ type: 'put', key: entryKey(entry.index), value: encodeEntry(entry) });
      lastIndex = fresh[fresh.length - 1]!.index;
    }

    if (update.hardState !== undefined) {
      if (update.hardState.commit > lastIndex) {
        throw new LogStoreUsageError(`commit ${update.hardState.commit} is above the last index ${lastIndex}`);
      }
      ops.push({ type: 'put', key: HARD_STATE_KEY, value: encodeHardState(update.hardState) });
    }

    // Validation is over; update the in-memory view.
    if (snapshot !== undefined) {
      this.snapshot = snapshot;
      this.compactedIndex = compactedIndex;
      this.compactedTerm = compactedTerm;
      this.terms = [];
    }
    if (fresh.length > 0) {
      this.terms.length = fresh[0]!.index - this.compactedIndex - 1;
      for (const entry of fresh) this.terms.push(entry.term);
    }
    if (snapshot !== undefined || fresh.length > 0) ops.push(this.boundsOp());
    return this.enqueue(ops, options.sync, fresh.length > 0 ? lastIndex : 0, update.hardState !== undefined);
  }

  /**
   * Records a snapshot taken locally (MemoryStorage.createSnapshot's metadata) once its data is in the
   * snapshot store — data first, as etcd orders SaveSnap, so the log never points at a missing file.
   * Unlike a received snapshot it keeps the log, so compact() can then drop entries it covers.
   */
  recordSnapshot(metadata: SnapshotMetadata): Promise<void> {
    this.assertUsable();
    if (metadata.index <= this.snapshot.index) throw new SnapshotOutOfDateError(metadata.index);
    const term = this.term(metadata.index);
    if (metadata.term !== term) {
      throw new LogStoreUsageError(`snapshot term ${metadata.term} != term ${term} of entry ${metadata.index}`);
    }
    this.snapshot = metadata;
    return this.enqueue([{ type: 'put', key: SNAPSHOT_KEY, value: encodeSnapshotMetadata(metadata) }], true, 0);
  }

  /**
   * Drops entries up to and including `index`, which the snapshot must cover. Not synced: if the crash
   * loses it, the entries simply come back.
   */
  compact(index: number): Promise<void> {
    this.assertUsable();
    if (index <= this.compactedIndex) throw new CompactedError(index);
    if (index > this.lastIndex()) throw new UnavailableError(index);
    if (index > this.snapshot.index) {
      throw new LogStoreUsageError(`compact index ${index} is above the snapshot index ${this.snapshot.index}`);
    }
    const term = this.term(index);
    this.terms.splice(0, index - this.compactedIndex);
    this.compactedIndex = index;
    this.compactedTerm = term;
    return this.enqueue([this.boundsOp()], false, 0);
  }

  /** Waits for every write issued so far, then closes the database (and releases the data dir). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.draining;
    await this.db.close();
  }

  snapshotMetadata(): SnapshotMetadata {
    return this.snapshot;
  }

  /** Term of a live entry (or of the compaction point), as of every write issued so far. */
  term(index: number): number {
    if (index < this.compactedIndex) throw new CompactedError(index);
    if (index > this.lastIndex()) throw new UnavailableError(index);
    return index === this.compactedIndex ? this.compactedTerm : this.terms[index - this.compactedIndex - 1]!;
  }

  private bounds(): LogBounds {
    return { compactedIndex: this.compactedIndex, compactedTerm: this.compactedTerm, lastIndex: this.lastIndex() };
  }

  private boundsOp(): WriteOp {
    return { type: 'put', key: BOUNDS_KEY, value: encodeLogBounds(this.bounds()) };
  }

  private assertUsable(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.closed) throw new LogStoreUsageError('raft log store is closed');
  }

  private enqueue(ops: WriteOp[], sync: boolean, highestPut: number, hasHardState = false): Promise<void> {
    this.counters.writes++;
    const group = (this.queued ??= { ops: [], sync: false, bounds: this.bounds(), highestPut: 0, hasHardState: false, waiters: [] });
    group.hasHardState ||= hasHardState;
    for (const op of ops) group.ops.push(op); // not push(...ops): a large Ready would overflow the argument limit
    group.sync ||= sync;
    group.bounds = this.bounds();
    group.highestPut = Math.max(group.highestPut, highestPut);
    const done = new Promise<void>((resolve, reject) => group.waiters.push({ resolve, reject }));
    this.draining ??= this.drain();
    return done;
  }

  private async drain(): Promise<void> {
    for (let group = this.queued; group !== undefined; group = this.queued) {
      this.queued = undefined;
      if (this.failure !== undefined) {
        for (const waiter of group.waiters) waiter.reject(this.failure);
        continue;
      }
      try {
        if (group.highestPut > 0) faults.check('raft-log-append');
        if (group.hasHardState) faults.check('hard-state');
        await this.db.batch(group.ops, { sync: group.sync });
        this.counters.batches++;
        if (group.sync) this.counters.syncedBatches++;
        this.physicalLast = Math.max(this.physicalLast, group.highestPut);
        await this.removeGarbage(group.bounds);
      } catch (err) {
        this.failure = new LogStoreFailedError(err);
        for (const waiter of group.waiters) waiter.reject(this.failure);
        continue;
      }
      for (const waiter of group.waiters) waiter.resolve();
    }
    this.draining = undefined;
  }

  /** Range-deletes entry keys that the bounds just written no longer cover. */
  private async removeGarbage(bounds: LogBounds): Promise<void> {
    if (this.clearedThrough < bounds.compactedIndex) {
      await this.db.clear({ gt: entryKey(this.clearedThrough), lte: entryKey(bounds.compactedIndex) });
      this.clearedThrough = bounds.compactedIndex;
    }
    if (this.physicalLast > bounds.lastIndex) {
      await this.db.clear({ gt: entryKey(bounds.lastIndex), lte: entryKey(this.physicalLast) });
      this.physicalLast = bounds.lastIndex;
    }
  }
}

/** Checks the entries form a run and drops those at or below the compacted index, like MemoryStorage.append. */
function freshEntries(entries: readonly Entry[], compactedIndex: number): readonly Entry[] {
  for (let i = 1; i < entries.length; i++) {
    const [prev, next] = [entries[i - 1]!, entries[i]!];
    if (next.index !== prev.index + 1) throw new LogStoreUsageError(`entries jump from ${prev.index} to ${next.index}`);
    if (next.term < prev.term) throw new LogStoreUsageError(`term goes back at entry ${next.index}`);
  }
  if (entries.length === 0) return entries;
  const skip = compactedIndex + 1 - entries[0]!.index;
  return skip <= 0 ? entries : entries.slice(skip);
}
