import { MemoryStorage } from '../raft/storage.js';
import { EMPTY_BYTES } from '../raft/types.js';
import type { PersistedRaftState } from './wal/raft-state.js';

/**
 * Builds the MemoryStorage raft reads from, out of the state the log store loaded. `snapshotData` is the
 * blob of `state.snapshot` from the snapshot store (empty when there is no snapshot yet).
 */
export function restoreMemoryStorage(state: PersistedRaftState, snapshotData: Uint8Array = EMPTY_BYTES): MemoryStorage {
  const storage = new MemoryStorage();
  const { compactedIndex, compactedTerm } = state.bounds;
  const snapshotIsLogStart = state.snapshot.index === compactedIndex;
  if (compactedIndex > 0) {
    // The log starts at the compaction point; when the snapshot is newer it is recorded after the append below.
    storage.applySnapshot({
      metadata: { index: compactedIndex, term: compactedTerm, confState: state.snapshot.confState },
      data: snapshotIsLogStart ? snapshotData : EMPTY_BYTES,
    });
  }
  storage.append(state.entries);
  if (!snapshotIsLogStart) storage.createSnapshot(state.snapshot.index, state.snapshot.confState, snapshotData);
  storage.setHardState(state.hardState);
  return storage;
}
