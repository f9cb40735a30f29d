// Durable raft log: an append-only WAL of segment files, as etcd's. Raft reads its log synchronously from a
// MemoryStorage; this store mirrors that log on disk and gives it back on open (see
// memory-storage-from-log.ts). Every save appends records (snapshot and log bounds, entries, hard state),
// framed with a chained CRC (frame.ts), in one write, fdatasynced when asked. Saves issued while a write
// is on its way to the disk go out together in the next one (group commit). A conflicting suffix needs no
// rewrite: a later entry at index i replaces i and everything after it when the log is read back
// (replay.ts). Segments are cut at a size (64 MB, etcd's), and a segment no reader needs any more, being
// wholly below the compaction point, is deleted while more than --max-wals segment files remain.

import * as fs from 'node:fs/promises';
import type { EntryPlace, EntryPlacement } from '../../raft/packed-entries.js';
import type { Entry, SnapshotMetadata } from '../../raft/types.js';
import type { DataDirLayout } from '../data-dir.js';
import { LogStoreFailedError, LogStoreUsageError } from '../errors.js';
import { faults } from '../fault-injection.js';
import { goDuration } from '../../shared/go-time.js';
import { migrateLevelDbLog } from './leveldb-migration.js';
import { EntryReadBack } from './entry-read-back.js';
import { LogView, headRecords, type EntryRecords, type LogHeadState } from './log-view.js';
import type { PersistedRaftState, RaftLogUpdate, SaveOptions } from './raft-state.js';
import { LogReplay } from './replay.js';
import { listSegments, removeTempSegments } from './segment-names.js';
import { SyncPlacement, type SyncCounts } from './sync-placement.js';
import { TailSegment } from './tail-segment.js';
import { WalLock } from './wal-lock.js';
import { firstNeededSegment, readWal, type SegmentInfo } from './wal-reader.js';

/** etcd's --max-wals default. */
export const DEFAULT_MAX_WALS = 5;
/** A WAL sync slower than this is logged, as etcd logs it. */
const SLOW_SYNC_WARNING_MS = 1000;
/** etcd's segment size. */
export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

export type WalLogger = (level: 'info' | 'warn', msg: string, fields: Record<string, unknown>) => void;

export interface RaftWalOptions {
  /** Segment files kept at most, the one being written included, once older ones are not needed; 0 keeps all. */
  readonly maxWals?: number;
  /** Size at which the next segment is cut. */
  readonly segmentBytes?: number;
  readonly log?: WalLogger;
}

/** With the counts of its syncs: slow ones, and those run in libuv's pool after one (sync-placement.ts). */
export interface RaftWalStats extends Readonly<SyncCounts> {
  /** Calls to save, recordSnapshot and compact. */
  readonly writes: number;
  /** Writes to the segment files; fewer than `writes` when group commit coalesced them. */
  readonly batches: number;
  readonly syncedBatches: number;
  /** Segment files in the directory. */
  readonly segments: number;
  /** Entries read back from the segments (readEntry). */
  readonly entriesReadBack: number;
}

interface Waiter {
  resolve(placement: EntryPlacement | undefined): void;
  reject(err: unknown): void;
  /** The entry records of this waiter's save, `first` counted in its group's records. */
  readonly entryRecords?: EntryRecords;
}

/** Writes issued while another write is on the disk; they go out together as the next one. */
interface WriteGroup {
  readonly records: Uint8Array[];
  sync: boolean;
  /** Raft entries among the records. */
  entries: number;
  hasHardState: boolean;
  /** The log as of the last write in the group: a segment cut after it starts from this. */
  head: LogHeadState;
  readonly waiters: Waiter[];
}

const stderrLog: WalLogger = (level, msg, fields) => process.stderr.write(`${JSON.stringify({ level, msg, ...fields })}\n`);

export class RaftWal {
  private queued: WriteGroup | undefined;
  private draining: Promise<void> | undefined;
  private failure: LogStoreFailedError | undefined;
  private closed = false;
  private counters = { writes: 0, batches: 0, syncedBatches: 0, entriesReadBack: 0 };
  private readonly syncPlacement = new SyncPlacement();
  /** The compaction point as far as it is durable: segments below it may go. */
  private durableCompacted: number;
  private readonly readBack = new EntryReadBack({
    pathOf: (file) => this.segments.find((s) => s.name.seq === file)?.name.file,
    writtenEnd: (file) => (file === this.tail.name.seq ? this.tail.end : Number.POSITIVE_INFINITY),
  });

  private constructor(
    private readonly dir: string,
    private readonly lock: WalLock,
    private readonly view: LogView,
    private tail: TailSegment,
    private readonly segments: SegmentInfo[],
    private readonly maxWals: number,
    private readonly segmentBytes: number,
    private readonly log: WalLogger,
  ) {
    this.durableCompacted = view.head().bounds.compactedIndex;
  }

  /**
   * Opens the WAL in the layout's WAL directory (creating it, or converting a LevelDB raft log written by an
   * earlier version), repairs a torn last write, and locks the directory. Throws CorruptLogError or
   * DataDirInUseError.
   */
  static async open(layout: DataDirLayout, options: RaftWalOptions = {}): Promise<{ store: RaftWal; state: PersistedRaftState }> {
    const dir = layout.walDir;
    const segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    const log = options.log ?? stderrLog;
    const lock = WalLock.acquire(dir, layout.dataDir);
    try {
      await removeTempSegments(dir);
      await migrateLevelDbLog(dir, segmentBytes, log);
      let names = await listSegments(dir);
      if (names.length === 0) {
        const empty = new LogView(new LogReplay().result());
        await (await TailSegment.create(dir, 0, 1, 0, headRecords(empty.head()), segmentBytes)).close();
        names = await listSegments(dir);
      }
      const { state, segments, tail } = readWal(names);
      const last = segments[segments.length - 1]!.name;
      if (tail.torn) {
        log('warn', 'repaired a torn write at the end of the WAL', { file: last.file, offset: tail.end, 'dropped-bytes': tail.torn.bytes, reason: tail.torn.reason });
      }
      const segment = await TailSegment.reopen(last, tail.end, tail.crc, segmentBytes);
      const store = new RaftWal(dir, lock, new LogView(state), segment, segments, options.maxWals ?? DEFAULT_MAX_WALS, segmentBytes, log);
      return { store, state };
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  /** Reads and verifies the state on disk once every write issued so far has finished. */
  async load(): Promise<PersistedRaftState> {
    this.assertUsable();
    await this.draining;
    return readWal(this.segments.map((s) => s.name)).state;
  }

  lastIndex(): number {
    return this.view.lastIndex();
  }

  snapshotMetadata(): SnapshotMetadata {
    return this.view.snapshotMetadata();
  }

  /** Term of a live entry (or of the compaction point), as of every write issued so far. */
  term(index: number): number {
    return this.view.term(index);
  }

  /** Reads back the entry at `index` from where a save placed it (see EntryPlacement). */
  readEntry(index: number, place: EntryPlace): Entry {
    this.counters.entriesReadBack++;
    return this.readBack.read(index, place);
  }

  stats(): RaftWalStats {
    return { ...this.counters, ...this.syncPlacement.counts, segments: this.segments.length };
  }

  /**
   * Persists one Ready: snapshot (metadata only), then entries, then hard state, in one write. Calls made
   * while a write is on the disk go out together in the next one (group commit). Validation errors throw
   * synchronously and write nothing. Resolves with where the entries went (undefined when there were
   * none), so that the in-memory log can let go of their data and read them back with readEntry.
   */
  save(update: RaftLogUpdate, options: SaveOptions): Promise<EntryPlacement | undefined> {
    this.assertUsable();
    const { records, entryRecords } = this.view.save(update);
    return this.enqueue(records, options.sync, update.hardState !== undefined, entryRecords);
  }

  /**
   * Records a snapshot taken locally (MemoryStorage.createSnapshot's metadata) once its data is in the
   * snapshot store — data first, as etcd orders SaveSnap, so the log never points at a missing file.
   * Unlike a received snapshot it keeps the log, so compact() can then drop entries it covers.
   */
  recordSnapshot(metadata: SnapshotMetadata): Promise<void> {
    this.assertUsable();
    return this.enqueue(this.view.recordSnapshot(metadata), true, false).then(nothing);
  }

  /**
   * Drops entries up to and including `index`, which the snapshot must cover. Not synced: if the crash
   * loses it, the entries simply come back. Segments it releases go once it is durable.
   */
  compact(index: number): Promise<void> {
    this.assertUsable();
    return this.enqueue(this.view.compact(index), false, false).then(nothing);
  }

  /** Waits for every write issued so far, then closes the segment (and releases the directory). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.draining;
    this.readBack.forget();
    await this.tail.close();
    this.lock.release();
  }

  private assertUsable(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.closed) throw new LogStoreUsageError('raft log store is closed');
  }

  private enqueue(records: Uint8Array[], sync: boolean, hasHardState: boolean, entryRecords?: EntryRecords): Promise<EntryPlacement | undefined> {
    this.counters.writes++;
    const group = (this.queued ??= { records: [], sync: false, entries: 0, hasHardState: false, head: this.view.head(), waiters: [] });
    const inGroup = entryRecords && { ...entryRecords, first: group.records.length + entryRecords.first };
    for (const record of records) group.records.push(record); // not push(...records): a large Ready would overflow the argument limit
    group.sync ||= sync;
    group.entries += entryRecords?.count ?? 0;
    group.hasHardState ||= hasHardState;
    group.head = this.view.head();
    const done = new Promise<EntryPlacement | undefined>((resolve, reject) => group.waiters.push({ resolve, reject, entryRecords: inGroup }));
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
      let written: WrittenGroup;
      try {
        written = await this.write(group);
      } catch (err) {
        this.failure = new LogStoreFailedError(err);
        for (const waiter of group.waiters) waiter.reject(this.failure);
        continue;
      }
      for (const waiter of group.waiters) waiter.resolve(placementOf(waiter.entryRecords, written));
    }
    this.draining = undefined;
  }

  private async write(group: WriteGroup): Promise<WrittenGroup> {
    if (group.entries > 0) faults.check('raft-log-append');
    if (group.hasHardState) faults.check('hard-state');
    const written = { file: this.tail.name.seq, recordOffsets: await this.tail.append(group.records) };
    if (group.sync) this.warnIfSlow(await this.tail.sync(this.syncPlacement, group.entries));
    this.counters.batches++;
    if (group.sync) this.counters.syncedBatches++;
    if (this.tail.full) {
      await this.cut(group.head);
    } else if (group.sync) {
      this.durableCompacted = group.head.bounds.compactedIndex;
    }
    await this.purge();
    return written;
  }

  /** etcd's warning for a WAL sync over a second. */
  private warnIfSlow(syncMs: number): void {
    if (syncMs >= SLOW_SYNC_WARNING_MS) this.log('warn', 'slow fdatasync', { took: goDuration(BigInt(Math.round(syncMs * 1e6))), 'expected-duration': '1s' });
  }

  /** Seals the full segment and starts the next one with the log's state as of the last write. */
  private async cut(head: LogHeadState): Promise<void> {
    const previous = this.tail;
    await previous.seal();
    const { lastIndex, compactedIndex } = head.bounds;
    this.tail = await TailSegment.create(this.dir, previous.name.seq + 1, lastIndex + 1, previous.lastCrc, headRecords(head), this.segmentBytes);
    this.segments.push({ name: this.tail.name, startLast: lastIndex, startCompacted: compactedIndex });
    this.durableCompacted = compactedIndex;
  }

  /** Deletes the oldest segments while more than --max-wals remain and no reader needs them (etcd's purge). */
  private async purge(): Promise<void> {
    if (this.maxWals === 0) return;
    let releasable = firstNeededSegment(this.segments, this.durableCompacted);
    while (this.segments.length > this.maxWals && releasable > 0) {
      const oldest = this.segments.shift()!;
      releasable--;
      this.readBack.forget(oldest.name.seq);
      await fs.rm(oldest.name.file, { force: true });
      this.log('info', 'purged WAL segment', { file: oldest.name.file });
    }
  }
}

/** Where a group went: the segment's sequence number, and where each of its records lies in it. */
interface WrittenGroup {
  readonly file: number;
  readonly recordOffsets: readonly number[];
}

function nothing(): void {}

/** A save's placement: per entry it was given, where its record lies (-1 for those below the log's start). */
function placementOf(entryRecords: EntryRecords | undefined, { file, recordOffsets }: WrittenGroup): EntryPlacement | undefined {
  if (entryRecords === undefined || entryRecords.count === 0) return undefined;
  const offsets = new Array<number>(entryRecords.skipped + entryRecords.count).fill(-1, 0, entryRecords.skipped);
  for (let i = 0; i < entryRecords.count; i++) offsets[entryRecords.skipped + i] = recordOffsets[entryRecords.first + i]!;
  return { file, offsets };
}
