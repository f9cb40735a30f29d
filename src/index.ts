// The package's public surface: the embeddable cluster, the server and its API, and the layers under them.
export { startCluster } from './embedded.js';
export type { EmbeddedCluster, EmbeddedClusterOptions } from './embedded.js';
export { EtcdServer } from './server/etcd-server.js';
export type { ServerConfig } from './server/etcd-server.js';
export { ClientApi } from './api/grpc-server.js';
export * from './raft/index.js';
// The Kubernetes client library the control plane is built with, for operators and other controllers.
// Its Status (a Kubernetes API error body) is KubeStatus here: Status stays the raft node's.
export * from './client/kube/index.js';
export type { Status } from './raft/index.js';
export type { Status as KubeStatus } from './client/kube/index.js';
