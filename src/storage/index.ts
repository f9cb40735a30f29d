// Public surface of durable storage.
export { prepareDataDir, dataDirLayout, hasMemberState } from './data-dir.js';
export type { DataDirLayout } from './data-dir.js';
export { RaftWal, DEFAULT_MAX_WALS } from './wal/raft-wal.js';
export type { RaftWalOptions, RaftWalStats, WalLogger } from './wal/raft-wal.js';
export type { PersistedRaftState, RaftLogUpdate, SaveOptions } from './wal/raft-state.js';
export type { LogBounds } from './codec.js';
export { restoreMemoryStorage } from './memory-storage-from-log.js';
export { SnapshotStore, DEFAULT_RETAINED_SNAPSHOTS } from './raft-snapshot-store.js';
export type { SnapshotFile } from './raft-snapshot-store.js';
export * from './errors.js';
