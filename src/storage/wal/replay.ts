// Rebuilds the raft state from WAL records in the order they were written. Later records win, as in etcd's
// WAL: an entry at index i replaces the entry there and every one after it (a conflicting suffix), a
// snapshot, hard state or bounds record replaces the previous one. A bounds record moves the log's start
// (compaction, or a snapshot from the leader replacing the whole log) and may cut its end.
//
// Replay may start at a segment whose header says the log already reached some last index: the entries up
// to it are in segments no longer read. They are a hole, and must all be compacted away by the end.

import { EMPTY_SNAPSHOT } from '../../raft/storage.js';
import { EMPTY_HARD_STATE } from '../../raft/types.js';
import type { EntryPlace } from '../../raft/packed-entries.js';
import type { Entry, HardState, SnapshotMetadata } from '../../raft/types.js';
import { RecordKind, decodeEntry, decodeHardState, decodeLogBounds, decodeSnapshotMetadata, recordKindOf } from '../codec.js';
import type { LogBounds } from '../codec.js';
import { CorruptLogError } from '../errors.js';
import { checkRaftState, type PersistedRaftState } from './raft-state.js';

export class LogReplay {
  private hardState: HardState = EMPTY_HARD_STATE;
  private snapshot: SnapshotMetadata = EMPTY_SNAPSHOT.metadata;
  private compactedIndex = 0;
  private compactedTerm = 0;
  /** Index just before entries[0]; above compactedIndex while the entries between are a hole. */
  private base = 0;
  /** The entries, each with where its record was read from (when the caller said). */
  private entries: { entry: Entry; place: EntryPlace | undefined }[] = [];

  private get lastIndex(): number {
    return this.base + this.entries.length;
  }

  /** Applies one record, read from `place` (its bytes may be reused once this returns: entry data is copied). */
  apply(record: Uint8Array, place?: EntryPlace): void {
    switch (recordKindOf(record)) {
      case RecordKind.Entry:
        return this.entry(decodeEntry(record), place);
      case RecordKind.HardState:
        this.hardState = decodeHardState(record);
        return;
      case RecordKind.SnapshotMetadata:
        this.snapshot = decodeSnapshotMetadata(record);
        return;
      case RecordKind.LogBounds:
        return this.bounds(decodeLogBounds(record));
      default:
        throw new CorruptLogError(`unexpected record kind ${record[1]}`);
    }
  }

  private entry(decoded: Entry, place: EntryPlace | undefined): void {
    const entry = { ...decoded, data: decoded.data.slice() };
    if (entry.index <= this.compactedIndex) return;
    if (entry.index > this.lastIndex + 1) throw new CorruptLogError(`entry ${this.lastIndex + 1} is missing before entry ${entry.index}`);
    if (entry.index <= this.base) {
      this.entries = [{ entry, place }];
      this.base = entry.index - 1;
      return;
    }
    this.entries.length = entry.index - this.base - 1;
    this.entries.push({ entry, place });
  }

  private bounds({ compactedIndex, compactedTerm, lastIndex }: LogBounds): void {
    if (lastIndex < this.base || lastIndex > this.lastIndex) {
      // Below what is known (a snapshot replacing the log), or above it (a segment header after a hole).
      this.entries = [];
      this.base = lastIndex;
    } else {
      this.entries.length = lastIndex - this.base;
    }
    this.compactedIndex = compactedIndex;
    this.compactedTerm = compactedTerm;
    if (compactedIndex > this.base) {
      this.entries = this.entries.slice(compactedIndex - this.base);
      this.base = compactedIndex;
    }
  }

  /** The state replayed so far; throws CorruptLogError if entries are missing or it breaks an invariant. */
  result(): PersistedRaftState {
    if (this.base > this.compactedIndex) {
      throw new CorruptLogError(`entries ${this.compactedIndex + 1} to ${this.base} are missing (their segments are gone)`);
    }
    const state: PersistedRaftState = {
      hardState: this.hardState,
      snapshot: this.snapshot,
      bounds: { compactedIndex: this.compactedIndex, compactedTerm: this.compactedTerm, lastIndex: this.lastIndex },
      entries: this.entries.map((e) => e.entry),
      places: this.entries.map((e) => e.place),
    };
    checkRaftState(state);
    return state;
  }
}
