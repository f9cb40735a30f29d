// The log as every write issued so far leaves it (terms, bounds, snapshot, hard state), so that writes are
// checked synchronously, before anything reaches the disk, and turned into the WAL records to append.

import { CompactedError, SnapshotOutOfDateError, UnavailableError } from '../../raft/errors.js';
import type { Entry, HardState, SnapshotMetadata } from '../../raft/types.js';
import { encodeEntry, encodeHardState, encodeLogBounds, encodeSnapshotMetadata, type LogBounds } from '../codec.js';
import { LogStoreUsageError } from '../errors.js';
import type { PersistedRaftState, RaftLogUpdate } from './raft-state.js';

/** What a segment header records: the state a reader starting at that segment begins from. */
export interface LogHeadState {
  readonly snapshot: SnapshotMetadata;
  readonly hardState: HardState;
  readonly bounds: LogBounds;
}

/** Which of a save's records are its entries: `count` from records[first], for update.entries from [skipped] on. */
export interface EntryRecords {
  readonly first: number;
  readonly count: number;
  readonly skipped: number;
}

export function headRecords(head: LogHeadState): Uint8Array[] {
  return [encodeSnapshotMetadata(head.snapshot), encodeHardState(head.hardState), encodeLogBounds(head.bounds)];
}

export class LogView {
  private snapshot: SnapshotMetadata;
  private hardState: HardState;
  private compactedIndex: number;
  private compactedTerm: number;
  /** terms[i] is the term of entry compactedIndex + 1 + i. */
  private terms: number[];

  constructor(state: PersistedRaftState) {
    this.snapshot = state.snapshot;
    this.hardState = state.hardState;
    this.compactedIndex = state.bounds.compactedIndex;
    this.compactedTerm = state.bounds.compactedTerm;
    this.terms = state.entries.map((e) => e.term);
  }

  lastIndex(): number {
    return this.compactedIndex + this.terms.length;
  }

  snapshotMetadata(): SnapshotMetadata {
    return this.snapshot;
  }

  head(): LogHeadState {
    return { snapshot: this.snapshot, hardState: this.hardState, bounds: { compactedIndex: this.compactedIndex, compactedTerm: this.compactedTerm, lastIndex: this.lastIndex() } };
  }

  /** Term of a live entry (or of the compaction point). */
  term(index: number): number {
    if (index < this.compactedIndex) throw new CompactedError(index);
    if (index > this.lastIndex()) throw new UnavailableError(index);
    return index === this.compactedIndex ? this.compactedTerm : this.terms[index - this.compactedIndex - 1]!;
  }

  /**
   * Checks one Ready and, if it is valid, applies it to the view and returns its records: snapshot and new
   * log start, entries, hard state, in that order (a torn write keeps a prefix of them, never a hard state
   * without its entries). Throws, changing nothing, if it is not.
   */
  save(update: RaftLogUpdate): { records: Uint8Array[]; entryRecords: EntryRecords } {
    const records: Uint8Array[] = [];
    let { compactedIndex, compactedTerm } = this;
    let lastIndex = this.lastIndex();

    const snapshot = update.snapshot;
    if (snapshot !== undefined) {
      if (snapshot.index <= this.snapshot.index) throw new SnapshotOutOfDateError(snapshot.index);
      ({ index: compactedIndex, term: compactedTerm } = snapshot);
      lastIndex = compactedIndex;
      records.push(encodeSnapshotMetadata(snapshot), encodeLogBounds({ compactedIndex, compactedTerm, lastIndex }));
    }

    const given = update.entries ?? [];
    const fresh = freshEntries(given, compactedIndex);
    const entryRecords = { first: records.length, count: fresh.length, skipped: given.length - fresh.length };
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
      for (const entry of fresh) records.push(encodeEntry(entry));
      lastIndex = fresh[fresh.length - 1]!.index;
    }

    if (update.hardState !== undefined) {
      if (update.hardState.commit > lastIndex) {
        throw new LogStoreUsageError(`commit ${update.hardState.commit} is above the last index ${lastIndex}`);
      }
      records.push(encodeHardState(update.hardState));
    }

    // Validation is over; update the view.
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
    if (update.hardState !== undefined) this.hardState = update.hardState;
    return { records, entryRecords };
  }

  /** Checks and records a snapshot taken locally; it keeps the log. */
  recordSnapshot(metadata: SnapshotMetadata): Uint8Array[] {
    if (metadata.index <= this.snapshot.index) throw new SnapshotOutOfDateError(metadata.index);
    const term = this.term(metadata.index);
    if (metadata.term !== term) {
      throw new LogStoreUsageError(`snapshot term ${metadata.term} != term ${term} of entry ${metadata.index}`);
    }
    this.snapshot = metadata;
    return [encodeSnapshotMetadata(metadata)];
  }

  /** Checks and applies a compaction up to and including `index`, which the snapshot must cover. */
  compact(index: number): Uint8Array[] {
    if (index <= this.compactedIndex) throw new CompactedError(index);
    if (index > this.lastIndex()) throw new UnavailableError(index);
    if (index > this.snapshot.index) {
      throw new LogStoreUsageError(`compact index ${index} is above the snapshot index ${this.snapshot.index}`);
    }
    const term = this.term(index);
    this.terms.splice(0, index - this.compactedIndex);
    this.compactedIndex = index;
    this.compactedTerm = term;
    return [encodeLogBounds(this.head().bounds)];
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
