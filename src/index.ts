// The package's public surface. For now: the consensus core; the server and client APIs join it as they land.
export * from './raft/index.js';
