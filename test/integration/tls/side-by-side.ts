// A real etcd and Barge, one member each, started with the same flags: the differential TLS tests' pair.

import { ProcessCluster, type ClusterOptions, type Implementation } from '../../support/process-cluster.js';

/** Starts both at once (https client URLs unless `options` says otherwise); the map's order is etcd, then Barge. */
export async function startSideBySide(flags: readonly string[], options: ClusterOptions): Promise<Map<Implementation, ProcessCluster>> {
  const implementations = ['etcd', 'barge'] as const;
  const started = await Promise.all(implementations.map((impl) => ProcessCluster.start(1, impl, flags, undefined, { clientScheme: 'https', startTimeoutMs: 60_000, ...options })));
  return new Map(implementations.map((impl, i) => [impl, started[i]!]));
}

export async function stopSideBySide(clusters: ReadonlyMap<Implementation, ProcessCluster> | undefined): Promise<void> {
  await Promise.all([...(clusters?.values() ?? [])].map((c) => c.stop()));
}
