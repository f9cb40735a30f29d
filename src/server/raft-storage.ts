// Raft's storage on this member (etcd's raftStorage next to its WAL and snapshotter): the in-memory log
// raft reads from, the durable raft log it mirrors, and the snapshot store. Persisting a Ready, recording
// a snapshot received from the leader, and taking one locally and trimming the log behind it.

import { EMPTY_BYTES, type ConfState, type LogSpill, type MemoryStorage, type Ready, type SnapshotMetadata } from '../raft/index.js';
import type { StateBackend } from '../storage/backend.js';
import type { RaftWal, RaftWalStats } from '../storage/wal/raft-wal.js';
import type { SnapshotStore } from '../storage/raft-snapshot-store.js';

/**
 * Entry data the in-memory log keeps; older entries are read back from the WAL. etcd keeps every entry since
 * the last snapshot in memory (up to --snapshot-count, tens of MB); followers in step need only the newest,
 * and one that fell further behind is sent them once, read from the segment files.
 */
export const RESIDENT_LOG_BYTES = 4 * 1024 * 1024;

/** The WAL as what the in-memory log reads let-go entries back from. */
export function walSpill(log: RaftWal): LogSpill {
  return { read: (index, place) => log.readEntry(index, place), residentBytes: RESIDENT_LOG_BYTES };
}

export class RaftStorage {
  constructor(
    readonly memory: MemoryStorage,
    private readonly log: RaftWal,
    private readonly snapshots: SnapshotStore,
  ) {}

  /** The WAL's counts: among them entries read back after the in-memory log let go of their data. */
  get walStats(): RaftWalStats {
    return this.log.stats();
  }

  get snapshotIndex(): number {
    return this.memory.snapshot().metadata.index;
  }

  /** The last entry the log holds (the snapshot's index when it holds none after it). */
  get lastIndex(): number {
    return this.memory.lastIndex();
  }

  /**
   * Makes a Ready's entries and hard state durable, then hands them to raft's in-memory log; undefined when
   * there is nothing to wait for. A Ready that only moves the commit index writes nothing: a commit index
   * need not be durable (a restart learns it again from the leader, and from its own applied index, see
   * Raft's constructor), and writing it took one synced log write per member per apply, a third of a put's.
   * Term, vote and entries are written whenever they change, with an fsync (rd.mustSync).
   */
  persist(rd: Ready): Promise<void> | undefined {
    if (rd.entries.length === 0 && (!rd.mustSync || !rd.hardState)) {
      if (rd.hardState) this.memory.setHardState(rd.hardState);
      return undefined;
    }
    return this.log.save({ entries: rd.entries, hardState: rd.hardState }, { sync: true }).then((placement) => {
      this.memory.append(rd.entries, placement);
      if (rd.hardState) this.memory.setHardState(rd.hardState);
    });
  }

  /** Records a snapshot received from the leader (its state already installed): it replaces the whole log. */
  async installSnapshot(metadata: SnapshotMetadata): Promise<void> {
    const metadataOnly = { metadata, data: EMPTY_BYTES };
    await this.snapshots.save(metadataOnly);
    await this.log.save({ snapshot: metadata }, { sync: true });
    this.memory.applySnapshot(metadataOnly);
  }

  /**
   * Takes a snapshot at `index` and drops the log below it, keeping `catchUpEntries` for slightly slow
   * followers. The state itself lives in `backend`: the log is cut only once the backend holds everything
   * up to `index`, and a backend that failed to write rejects here, before anything is trimmed.
   */
  async createSnapshot(index: number, confState: ConfState, catchUpEntries: number, backend: StateBackend): Promise<void> {
    await backend.flushed();
    const snapshot = this.memory.createSnapshot(index, confState, EMPTY_BYTES);
    await this.snapshots.save(snapshot);
    await this.log.recordSnapshot(snapshot.metadata);
    const compactTo = index - catchUpEntries;
    if (compactTo > this.memory.firstIndex()) {
      this.memory.compact(compactTo);
      await this.log.compact(compactTo);
    }
  }

  close(): Promise<void> {
    return this.log.close();
  }
}
