import { CompactedError, SnapshotOutOfDateError, UnavailableError } from './errors.js';
import { PackedEntries, type EntryPlacement, type LogSpill } from './packed-entries.js';
import { EMPTY_BYTES, EMPTY_HARD_STATE } from './types.js';
import type { ConfState, Entry, HardState, Snapshot } from './types.js';

export interface InitialState {
  readonly hardState: HardState;
  readonly confState: ConfState;
}

/**
 * The stable log the core reads from. Reads are synchronous: durable backends keep the
 * suffix of the log above the last snapshot in memory and persist it on the side.
 */
export interface LogStorage {
  initialState(): InitialState;
  /** Entries in [lo, hi), at least one if any exist, at most `maxSize` bytes otherwise. */
  entries(lo: number, hi: number, maxSize: number): Entry[];
  term(index: number): number;
  lastIndex(): number;
  /** Index of the first entry that may still be read (the snapshot index + 1). */
  firstIndex(): number;
  snapshot(): Snapshot;
}

/** What an entry with `dataLength` bytes of data weighs against a size limit. */
function entrySize(dataLength: number): number {
  // The data dominates; a small constant stands in for the envelope.
  return dataLength + 16;
}

/** How many of `count` entries, the i-th of `dataLengthAt(i)` bytes, fit within maxSize together (at least one). */
function fittingCount(count: number, dataLengthAt: (i: number) => number, maxSize: number): number {
  if (count === 0) return 0;
  let size = entrySize(dataLengthAt(0));
  let n = 1;
  for (; n < count; n++) {
    size += entrySize(dataLengthAt(n));
    if (size > maxSize) break;
  }
  return n;
}

/** Keeps a prefix of `entries` whose summed size stays within maxSize (always at least one entry). */
export function limitSize(entries: Entry[], maxSize: number): Entry[] {
  const n = fittingCount(entries.length, (i) => entries[i]!.data.length, maxSize);
  return n === entries.length ? entries : entries.slice(0, n);
}

export const EMPTY_CONF_STATE: ConfState = { voters: [], learners: [] };

export const EMPTY_SNAPSHOT: Snapshot = {
  metadata: { confState: EMPTY_CONF_STATE, index: 0, term: 0 },
  data: EMPTY_BYTES,
};

/**
 * In-memory log storage. Position 0 stands for the snapshot point (its term, no data), so
 * term(snapshotIndex) stays answerable after compaction; `offset` is its index.
 */
export class MemoryStorage implements LogStorage {
  private hardState: HardState = EMPTY_HARD_STATE;
  private snap: Snapshot = EMPTY_SNAPSHOT;
  private offset = 0;
  private ents: PackedEntries;

  /**
   * With `spill`, old entries' data are let go of and read back from the durable log (packed-entries.ts);
   * `slabBytes` sets the size of the slabs entries' data are packed into.
   */
  constructor(
    private readonly spill?: LogSpill,
    private readonly slabBytes?: number,
  ) {
    this.ents = this.fresh(0);
  }

  initialState(): InitialState {
    return { hardState: this.hardState, confState: this.snap.metadata.confState };
  }

  setHardState(hs: HardState): void {
    this.hardState = hs;
  }

  entries(lo: number, hi: number, maxSize: number): Entry[] {
    if (lo <= this.offset) throw new CompactedError(lo);
    if (hi > this.lastIndex() + 1) throw new UnavailableError(hi - 1);
    // Sized from the packed lengths, so that only the entries returned are made (hi may be far beyond them).
    const first = lo - this.offset;
    const count = fittingCount(hi - lo, (i) => this.ents.dataLength(first + i), maxSize);
    const out: Entry[] = [];
    for (let i = 0; i < count; i++) out.push(this.ents.entry(first + i, lo + i));
    return out;
  }

  term(index: number): number {
    if (index < this.offset) throw new CompactedError(index);
    if (index - this.offset >= this.ents.length) throw new UnavailableError(index);
    return this.ents.term(index - this.offset);
  }

  lastIndex(): number {
    return this.offset + this.ents.length - 1;
  }

  firstIndex(): number {
    return this.offset + 1;
  }

  snapshot(): Snapshot {
    return this.snap;
  }

  /** Replaces the whole log with a snapshot received from the leader. */
  applySnapshot(snapshot: Snapshot): void {
    if (snapshot.metadata.index <= this.snap.metadata.index) {
      throw new SnapshotOutOfDateError(snapshot.metadata.index);
    }
    this.snap = snapshot;
    this.offset = snapshot.metadata.index;
    this.ents = this.fresh(snapshot.metadata.term);
  }

  /** Records a snapshot of the application state at `index` (which must be applied already). */
  createSnapshot(index: number, confState: ConfState, data: Uint8Array): Snapshot {
    if (index <= this.snap.metadata.index) throw new SnapshotOutOfDateError(index);
    if (index > this.lastIndex()) throw new UnavailableError(index);
    const term = this.term(index);
    this.snap = { metadata: { index, term, confState }, data };
    return this.snap;
  }

  /** Discards entries up to and including `compactIndex`, which must be covered by a snapshot. */
  compact(compactIndex: number): void {
    if (compactIndex <= this.offset) throw new CompactedError(compactIndex);
    if (compactIndex > this.lastIndex()) throw new UnavailableError(compactIndex);
    this.ents.dropBefore(compactIndex - this.offset);
    this.offset = compactIndex;
  }

  /**
   * Appends entries, replacing any conflicting suffix. Entries below the first index are ignored.
   * `placement` says where the durable log wrote them.
   */
  append(entries: readonly Entry[], placement?: EntryPlacement): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[0]!.index + entries.length - 1;
    if (last < first) return;
    const skip = first > entries[0]!.index ? first - entries[0]!.index : 0;
    const position = entries[skip]!.index - this.offset;
    if (position > this.ents.length) {
      throw new RangeError(`missing log entry [last: ${this.lastIndex()}, append at: ${entries[skip]!.index}]`);
    }
    if (position < this.ents.length) this.ents.truncate(position);
    for (let i = skip; i < entries.length; i++) {
      const e = entries[i]!;
      const offset = placement?.offsets[i] ?? -1;
      this.ents.push(e.term, e.type, e.data, offset < 0 ? undefined : { file: placement!.file, offset });
    }
  }

  /** A log holding only the snapshot point's stand-in. */
  private fresh(term: number): PackedEntries {
    const ents = new PackedEntries(undefined, this.slabBytes, this.spill);
    ents.push(term, 0, EMPTY_BYTES);
    return ents;
  }
}
