import type { LogSpill } from '../raft/packed-entries.js';
import { MemoryStorage } from '../raft/storage.js';
import { EMPTY_BYTES } from '../raft/types.js';
import type { PersistedRaftState } from './wal/raft-state.js';

/**
 * Builds the MemoryStorage raft reads from, out of the state the log store loaded. `snapshotData` is the
 * blob of `state.snapshot` from the snapshot store (empty when there is no snapshot yet); `spill`, the durable
 * log that entries appended later may be read back from.
 */
export function restoreMemoryStorage(state: PersistedRaftState, snapshotData: Uint8Array = EMPTY_BYTES, spill?: LogSpill): MemoryStorage {
  const storage = new MemoryStorage(spill);
  const { compactedIndex, compactedTerm } = state.bounds;
  const snapshotIsLogStart = state.snapshot.index === compactedIndex;
  if (compactedIndex > 0) {
    // The log starts at the compaction point; when the snapshot is newer it is recorded after the append below.
    storage.applySnapshot({
      metadata: { index: compactedIndex, term: compactedTerm, confState: state.snapshot.confState },
      data: snapshotIsLogStart ? snapshotData : EMPTY_BYTES,
    });
  }
  appendPlaced(storage, state);
  if (!snapshotIsLogStart) storage.createSnapshot(state.snapshot.index, state.snapshot.confState, snapshotData);
  storage.setHardState(state.hardState);
  return storage;
}

/** Appends the state's entries, a run per WAL file they were read from, so that memory may let go of them. */
function appendPlaced(storage: MemoryStorage, { entries, places }: PersistedRaftState): void {
  if (places === undefined) return storage.append(entries);
  for (let start = 0; start < entries.length; ) {
    const file = places[start]?.file;
    let end = start + 1;
    while (end < entries.length && places[end]?.file === file) end++;
    const run = entries.slice(start, end);
    storage.append(run, file === undefined ? undefined : { file, offsets: places.slice(start, end).map((p) => p!.offset) });
    start = end;
  }
}
