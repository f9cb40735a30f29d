// A keyspace with history for snapshot migration tests, written through etcdctl against any cluster
// (real etcd or Barge): overwrites, a delete, a lease with a key, a large value (bbolt overflow pages),
// one transaction of many puts (sub-revisions), a compaction, users and roles, then auth enabled.

import { spawnSync } from 'node:child_process';
import type { ClusterMember, ProcessCluster } from './process-cluster.js';

export const ROOT_AUTH = '--user=root:rootpw';
export const BIG_VALUE = 'v'.repeat(10_000);
export const TXN_KEYS = 100;

/** What the history leaves behind, for assertions. */
export interface History {
  readonly leaseId: string;
  /** The revision after the last write. */
  readonly revision: number;
  readonly compacted: number;
}

function run(cluster: ProcessCluster, args: readonly string[], input?: string): string {
  const result = cluster.etcdctl(args, cluster.endpoints.slice(0, 1), input);
  if (result.status !== 0) throw new Error(`etcdctl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

export function writeHistory(cluster: ProcessCluster): History {
  run(cluster, ['put', 'a', '1']); // rev 2
  run(cluster, ['put', 'a', '2']); // rev 3
  run(cluster, ['put', 'b', 'x']); // rev 4
  run(cluster, ['del', 'b']); // rev 5
  const leaseId = /lease ([0-9a-f]+) granted/.exec(run(cluster, ['lease', 'grant', '3600']))![1]!;
  run(cluster, ['put', `--lease=${leaseId}`, 'c', 'leased']); // rev 6
  run(cluster, ['put', 'big', BIG_VALUE]); // rev 7
  const puts = Array.from({ length: TXN_KEYS }, (_, i) => `put t/${String(i).padStart(3, '0')} value-${i}`).join('\n');
  run(cluster, ['txn'], `\n${puts}\n\n\n`); // rev 8, sub-revisions 0..99
  run(cluster, ['put', 'a', '3']); // rev 9
  run(cluster, ['compact', '3']);
  run(cluster, ['user', 'add', 'root', '--new-user-password=rootpw']);
  run(cluster, ['role', 'add', 'reader']);
  run(cluster, ['role', 'grant-permission', 'reader', 'read', 't/', '--prefix=true']);
  run(cluster, ['user', 'add', 'alice', '--new-user-password=alicepw']);
  run(cluster, ['user', 'grant-role', 'alice', 'reader']);
  run(cluster, ['auth', 'enable']);
  return { leaseId, revision: 9, compacted: 3 };
}

/** etcdctl with root's credentials against the first member; throws on failure. */
export function rootCtl(cluster: ProcessCluster, args: readonly string[]): string {
  return run(cluster, [ROOT_AUTH, ...args]);
}

/** What etcdctl shows of the history (as root): equal on two clusters means they hold the same data. */
export function viewOf(cluster: ProcessCluster): Record<string, string> {
  const view: Record<string, string> = {};
  const commands: string[][] = [
    ['get', '', '--prefix'],
    ['get', '', '--prefix', '--rev=3'],
    ['get', '', '--prefix', '--rev=5', '--keys-only'],
    ['get', 'a', '--rev=8', '-w', 'fields'],
    ['get', 'c', '-w', 'fields'],
    ['lease', 'list'],
    ['user', 'list'],
    ['user', 'get', 'alice'],
    ['role', 'list'],
    ['role', 'get', 'reader'],
  ];
  for (const args of commands) {
    // The fields output carries the cluster's ids and raft term: keep only the key-value part.
    view[args.join(' ')] = rootCtl(cluster, args).replace(/^"(ClusterID|MemberID|RaftTerm)" : .*\n/gm, '');
  }
  const compacted = cluster.etcdctl([ROOT_AUTH, 'get', 'a', '--rev=2'], cluster.endpoints.slice(0, 1));
  view['get a --rev=2 (compacted)'] = `${compacted.status} ${compacted.stderr.replace(/^.*(etcdserver: .*)$/s, '$1').trim()}`;
  return view;
}

/** `etcdctl snapshot restore` of `file` into every member's data dir (a ProcessCluster `prepare` step). */
export function etcdctlRestore(file: string): (members: readonly ClusterMember[], cluster: ProcessCluster) => Promise<void> {
  return async (members, cluster) => {
    for (const member of members) {
      const result = spawnSync(
        'etcdctl',
        ['snapshot', 'restore', file, `--data-dir=${member.dataDir}`, `--name=${member.name}`, `--initial-cluster=${cluster.initialCluster()}`, `--initial-advertise-peer-urls=${member.peerUrl}`, '--initial-cluster-token=test-cluster'],
        { env: { ...process.env, ETCDCTL_API: '3' }, encoding: 'utf8', timeout: 20_000 },
      );
      if (result.status !== 0) throw new Error(`etcdctl snapshot restore: ${result.stderr}`);
    }
  };
}

export interface SnapshotStatus {
  readonly hash: number;
  readonly revision: number;
  readonly totalKey: number;
  readonly totalSize: number;
}

export function etcdctlStatus(file: string): SnapshotStatus {
  const result = spawnSync('etcdctl', ['snapshot', 'status', file, '-w', 'json'], { env: { ...process.env, ETCDCTL_API: '3' }, encoding: 'utf8', timeout: 20_000 });
  if (result.status !== 0) throw new Error(`etcdctl snapshot status: ${result.stderr}`);
  return JSON.parse(result.stdout) as SnapshotStatus;
}
