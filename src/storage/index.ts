// Public surface of durable storage.
export { prepareDataDir, dataDirLayout, hasMemberState } from './data-dir.js';
export type { DataDirLayout } from './data-dir.js';
export { RaftLogStore } from './raft-log-store.js';
export type { PersistedRaftState, RaftLogUpdate, SaveOptions, RaftLogStoreStats } from './raft-log-store.js';
export type { LogBounds } from './codec.js';
export { restoreMemoryStorage } from './memory-storage-from-log.js';
export { SnapshotStore, DEFAULT_RETAINED_SNAPSHOTS } from './raft-snapshot-store.js';
export type { SnapshotFile } from './raft-snapshot-store.js';
export * from './errors.js';
