// The raft state a log store keeps, as it is written and as it is read back, and the checks every state read
// from disk passes before anyone uses it.

import type { EntryPlace } from '../../raft/packed-entries.js';
import type { Entry, HardState, SnapshotMetadata } from '../../raft/types.js';
import type { LogBounds } from '../codec.js';
import { CorruptLogError } from '../errors.js';

/** Raft state as read back from disk. */
export interface PersistedRaftState {
  readonly hardState: HardState;
  /** Metadata of the latest snapshot; its data lives in the snapshot store. Index 0 when there is none. */
  readonly snapshot: SnapshotMetadata;
  readonly bounds: LogBounds;
  /** Entries (bounds.compactedIndex, bounds.lastIndex], in order. */
  readonly entries: readonly Entry[];
  /** Where the WAL holds each of `entries`, when read from it. */
  readonly places?: readonly (EntryPlace | undefined)[];
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
  /** fdatasync before the promise resolves (Ready.mustSync). */
  readonly sync: boolean;
}

/** Throws CorruptLogError unless the state is one the log store could have written. */
export function checkRaftState(state: PersistedRaftState): void {
  const { hardState, snapshot, bounds, entries } = state;
  const { compactedIndex, compactedTerm, lastIndex } = bounds;
  if (compactedIndex > lastIndex) throw new CorruptLogError(`compacted index ${compactedIndex} > last ${lastIndex}`);
  if (snapshot.index < compactedIndex || snapshot.index > lastIndex) {
    throw new CorruptLogError(`snapshot index ${snapshot.index} outside the log [${compactedIndex}, ${lastIndex}]`);
  }
  if (snapshot.index === compactedIndex && snapshot.term !== compactedTerm) {
    throw new CorruptLogError(`snapshot term ${snapshot.term} != compacted term ${compactedTerm}`);
  }
  if (entries.length !== lastIndex - compactedIndex) {
    throw new CorruptLogError(`entry ${compactedIndex + entries.length + 1} is missing (last is ${lastIndex})`);
  }
  let previousTerm = compactedTerm;
  for (const [i, entry] of entries.entries()) {
    if (entry.index !== compactedIndex + i + 1) throw new CorruptLogError(`entry ${compactedIndex + i + 1} is missing`);
    if (entry.term < previousTerm) throw new CorruptLogError(`term goes back at entry ${entry.index}`);
    previousTerm = entry.term;
  }
  if (snapshot.index > compactedIndex && entries[snapshot.index - compactedIndex - 1]!.term !== snapshot.term) {
    throw new CorruptLogError(`snapshot term ${snapshot.term} != term of entry ${snapshot.index}`);
  }
  if (hardState.commit > lastIndex) throw new CorruptLogError(`commit ${hardState.commit} > last ${lastIndex}`);
}
