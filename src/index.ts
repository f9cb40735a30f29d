// The package's public surface: the embeddable cluster, the server and its API, and the layers under them.
export { startCluster } from './embedded.js';
export type { EmbeddedCluster, EmbeddedClusterOptions } from './embedded.js';
export { EtcdServer } from './server/etcd-server.js';
export type { ServerConfig } from './server/etcd-server.js';
export { ClientApi } from './api/grpc-server.js';
export * from './raft/index.js';
