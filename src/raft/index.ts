// Public surface of the consensus core.
export { RawNode, bootstrapEntries } from './raw-node.js';
export type { Status, ProgressStatus } from './raw-node.js';
export type { Ready } from './ready.js';
export type { RaftConfig } from './config.js';
export { RAFT_DEFAULTS } from './config.js';
export { MemoryStorage, EMPTY_SNAPSHOT, EMPTY_CONF_STATE } from './storage.js';
export type { LogStorage, InitialState } from './storage.js';
export type { EntryPlace, EntryPlacement, LogSpill } from './packed-entries.js';
export { encodeConfChange, decodeConfChange } from './conf-change.js';
export { ProgressState } from './tracker/progress.js';
export * from './errors.js';
export * from './types.js';
