import { CompactedError, SnapshotOutOfDateError, UnavailableError } from './errors.js';
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

export function entrySize(entry: Entry): number {
  // The data dominates; a small constant stands in for the envelope.
  return entry.data.length + 16;
}

/** Keeps a prefix of `entries` whose summed size stays within maxSize (always at least one entry). */
export function limitSize(entries: Entry[], maxSize: number): Entry[] {
  if (entries.length === 0) return entries;
  let size = entrySize(entries[0]!);
  let n = 1;
  for (; n < entries.length; n++) {
    size += entrySize(entries[n]!);
    if (size > maxSize) break;
  }
  return n === entries.length ? entries : entries.slice(0, n);
}

export const EMPTY_CONF_STATE: ConfState = { voters: [], learners: [] };

export const EMPTY_SNAPSHOT: Snapshot = {
  metadata: { confState: EMPTY_CONF_STATE, index: 0, term: 0 },
  data: EMPTY_BYTES,
};

/**
 * In-memory log storage. entries[0] is a dummy entry standing for the snapshot point,
 * so term(snapshotIndex) stays answerable after compaction.
 */
export class MemoryStorage implements LogStorage {
  private hardState: HardState = EMPTY_HARD_STATE;
  private snap: Snapshot = EMPTY_SNAPSHOT;
  private ents: Entry[] = [{ term: 0, index: 0, type: 0, data: EMPTY_BYTES }];

  initialState(): InitialState {
    return { hardState: this.hardState, confState: this.snap.metadata.confState };
  }

  setHardState(hs: HardState): void {
    this.hardState = hs;
  }

  entries(lo: number, hi: number, maxSize: number): Entry[] {
    const offset = this.ents[0]!.index;
    if (lo <= offset) throw new CompactedError(lo);
    if (hi > this.lastIndex() + 1) throw new UnavailableError(hi - 1);
    return limitSize(this.ents.slice(lo - offset, hi - offset), maxSize);
  }

  term(index: number): number {
    const offset = this.ents[0]!.index;
    if (index < offset) throw new CompactedError(index);
    if (index - offset >= this.ents.length) throw new UnavailableError(index);
    return this.ents[index - offset]!.term;
  }

  lastIndex(): number {
    return this.ents[0]!.index + this.ents.length - 1;
  }

  firstIndex(): number {
    return this.ents[0]!.index + 1;
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
    this.ents = [{ term: snapshot.metadata.term, index: snapshot.metadata.index, type: 0, data: EMPTY_BYTES }];
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
    const offset = this.ents[0]!.index;
    if (compactIndex <= offset) throw new CompactedError(compactIndex);
    if (compactIndex > this.lastIndex()) throw new UnavailableError(compactIndex);
    const i = compactIndex - offset;
    this.ents = [{ ...this.ents[i]!, type: 0, data: EMPTY_BYTES }, ...this.ents.slice(i + 1)];
  }

  /** Appends entries, replacing any conflicting suffix. Entries below the first index are ignored. */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[0]!.index + entries.length - 1;
    if (last < first) return;
    const fresh = first > entries[0]!.index ? entries.slice(first - entries[0]!.index) : entries;
    const offset = fresh[0]!.index - this.ents[0]!.index;
    if (offset > this.ents.length) {
      throw new RangeError(`missing log entry [last: ${this.lastIndex()}, append at: ${fresh[0]!.index}]`);
    }
    // Appending at the end is the common case; only a conflicting suffix needs a copy.
    if (offset < this.ents.length) this.ents = this.ents.slice(0, offset);
    for (const e of fresh) this.ents.push(e);
  }
}
