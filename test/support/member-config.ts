// The config of a one-member cluster run inside a test's own process (for tests that reach into the
// member or its client API, which a member process hides): fast elections, etcd's limits, no log.

import type { ServerConfig } from '../../src/server/etcd-server.js';

export function singleMemberConfig(name: string, dataDir: string, clientUrl: string, peerUrl: string, more: Partial<ServerConfig> = {}): ServerConfig {
  return {
    name,
    dataDir,
    listenClientUrls: [clientUrl],
    advertiseClientUrls: [clientUrl],
    listenPeerUrls: [peerUrl],
    initialAdvertisePeerUrls: [peerUrl],
    initialCluster: new Map([[name, [peerUrl]]]),
    initialClusterState: 'new',
    initialClusterToken: name,
    heartbeatIntervalMs: 50,
    electionTimeoutMs: 500,
    snapshotCount: 100_000,
    snapshotCatchUpEntries: 5000,
    maxTxnOps: 128,
    maxRequestBytes: 1.5 * 1024 * 1024,
    quotaBackendBytes: 2 * 1024 ** 3,
    log: () => {},
    ...more,
  };
}
