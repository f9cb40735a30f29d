// The workloads the harness runs on each cluster, the same for both implementations and both generators.

import type { ProcessCluster } from '../../test/support/process-cluster.js';
import { Connection } from '../load/grpc.js';
import { loadSpec, type LoadSpec, type Workload } from '../load/options.js';

/** Which member a workload's first connection (a one-client workload's only one) goes to. */
export type FirstEndpoint = 'leader' | 'follower';

export interface Case {
  id: string;
  label: string;
  workload: Workload;
  spec: Partial<LoadSpec>;
  /** Unset: connection j to member j mod n, as etcd's benchmark tool dials. */
  firstEndpoint?: FirstEndpoint;
}

export const RANGE_KEY = 'bench/range-key';

/** Writes the key the range workloads read, as a cluster's first write, before its warm-up. */
export async function seedRangeKey(cluster: ProcessCluster): Promise<void> {
  const seed = new Connection(cluster.endpoints[0]!);
  try {
    await seed.unary('KV', 'Put', { key: Buffer.from(RANGE_KEY), value: Buffer.alloc(256, 'v') }, 10_000);
  } finally {
    seed.close();
  }
}
/** The writes' shape: 8-byte keys, 256-byte values, over 100,000 possible keys. */
export const WRITE = { keySize: 8, valSize: 256, keySpaceSize: 100_000 };

/** The same raft and storage settings for both, written out rather than left to each one's defaults. */
export const COMMON_FLAGS = ['--heartbeat-interval=100', '--election-timeout=1000', '--pre-vote=true', '--snapshot-count=100000', '--quota-backend-bytes=0', '--log-level=warn'];

/** The workloads run on the 3-member cluster, and the 5-member put; `scale` shrinks the totals (--quick). */
export function cases(scale: number): { matrix: Case[]; five: Case; warmUp: Case[] } {
  const total = (n: number): number => Math.max(1, Math.round(n * scale));
  const matrix: Case[] = [
    // A one-client put through a follower is forwarded to the leader and answered once the follower has
    // applied it: one hop more than through the leader. Each its own row, so that no run's figure depends on
    // which member happened to win the election.
    { id: 'put-1', label: 'put, 1 client, to a follower', workload: 'put', spec: { ...WRITE, clients: 1, conns: 1, total: total(3000) }, firstEndpoint: 'follower' },
    { id: 'put-1-leader', label: 'put, 1 client, to the leader', workload: 'put', spec: { ...WRITE, clients: 1, conns: 1, total: total(3000) }, firstEndpoint: 'leader' },
    { id: 'put-200', label: 'put, 200 clients', workload: 'put', spec: { ...WRITE, clients: 200, conns: 20, total: total(40_000) } },
    { id: 'range-l', label: 'range, linearizable, 100 clients', workload: 'range', spec: { key: RANGE_KEY, consistency: 'l', clients: 100, conns: 10, total: total(40_000) } },
    { id: 'range-s', label: 'range, serializable, 100 clients', workload: 'range', spec: { key: RANGE_KEY, consistency: 's', clients: 100, conns: 10, total: total(40_000) } },
    { id: 'txn-put', label: 'txn-put, 100 clients', workload: 'txn-put', spec: { ...WRITE, clients: 100, conns: 10, total: total(30_000) } },
    {
      id: 'watch',
      label: 'watch fan-out, 1,000 watchers on 1 key',
      workload: 'watch',
      spec: { streams: 10, watchPerStream: 100, watchedKeyTotal: 1, putTotal: total(300), clients: 1, valSize: 256 },
    },
  ];
  return {
    matrix,
    warmUp: serverWarmUp(matrix),
    five: { id: 'put-200-5', label: 'put, 200 clients, 5 members', workload: 'put', spec: { ...WRITE, clients: 200, conns: 20, total: total(20_000) } },
  };
}

/** The memory target's workload: every key distinct (sequential), on a cluster of its own. */
export function manyKeysCase(keys: number): Case {
  return {
    id: 'put-many',
    label: `put ${keys.toLocaleString('en-US')} distinct keys, 200 clients`,
    workload: 'put',
    spec: { keySize: 8, valSize: 256, keySpaceSize: keys, sequentialKeys: true, clients: 200, conns: 20, total: keys },
  };
}

/** After the distinct keys, more puts over the same keys (random ones): each adds a revision of an existing key. */
export function manyRevisionsCase(keys: number, revisions: number): Case {
  return {
    id: 'put-revisions',
    label: `put ${revisions.toLocaleString('en-US')} revisions over those keys, 200 clients`,
    workload: 'put',
    spec: { keySize: 8, valSize: 256, keySpaceSize: keys, clients: 200, conns: 20, total: revisions },
  };
}

/** How much of each measured workload the warm-up runs. */
export const WARM_UP_SHARE = 0.5;

/**
 * Untimed load on a fresh cluster before anything is measured, so that no member is timed while cold (a
 * Node member's JIT, etcd's first allocations): every workload of the matrix, at half its size. Each has
 * code paths of its own, and a Node member was still compiling (a tenth of its CPU in V8's compiler
 * threads) after 30,000 puts: bench/RESULTS.md, "Warm-up".
 */
function serverWarmUp(matrix: Case[]): Case[] {
  const share = (n: number): number => Math.max(1, Math.round(n * WARM_UP_SHARE));
  return matrix.map((c) => {
    const spec = { ...c.spec };
    if (spec.total !== undefined) spec.total = share(spec.total);
    if (spec.putTotal !== undefined) spec.putTotal = share(spec.putTotal);
    return { ...c, id: `warm-${c.id}`, label: `warm-up: ${c.label}`, spec };
  });
}

export function unitOf(c: Case): string {
  return c.workload === 'watch' ? 'events/s' : c.workload === 'range' ? 'reads/s' : c.workload === 'txn-put' ? 'txns/s' : 'writes/s';
}

/**
 * The cluster's endpoints with the `first` member's in front: the leader, or the member after it. `leaderIndex` is
 * the leader's index when the caller knows it already (finding it runs etcdctl).
 */
export function endpointsFirst(cluster: ProcessCluster, first: FirstEndpoint | undefined, leaderIndex?: number): string[] {
  if (first === undefined) return cluster.endpoints;
  const leader = leaderIndex ?? cluster.members.indexOf(cluster.leader());
  const front = first === 'leader' ? leader : (leader + 1) % cluster.members.length;
  return [cluster.endpoints[front]!, ...cluster.endpoints.filter((_, i) => i !== front)];
}

/** Case `c`'s load against `cluster`, its first connection to the member it names; `extra` adds to its spec. */
export function caseLoad(cluster: ProcessCluster, c: Case, extra: Partial<LoadSpec> = {}, leaderIndex?: number): LoadSpec {
  return loadSpec(c.workload, { ...c.spec, endpoints: endpointsFirst(cluster, c.firstEndpoint, leaderIndex), ...extra });
}
