// What a member is started with (etcd's flags, parsed by the CLI or set by an embedder), and the server's
// own fixed settings and the values derived from the flags, in one place.

import type { TokenOptions } from '../auth/index.js';
import type { AutoCompactor } from './auto-compactor.js';
import type { TlsSettings } from './tls.js';

export interface ServerConfig {
  readonly name: string;
  readonly dataDir: string;
  /** --wal-dir: the raft log in a directory of its own instead of <data-dir>/member/wal. */
  readonly walDir?: string;
  /** --max-snapshots: snapshot files kept in member/snap (0: all); etcd's 5 when not set. */
  readonly maxSnapshots?: number;
  /** --max-wals: WAL segment files kept once no longer needed (0: all); etcd's 5 when not set. */
  readonly maxWals?: number;
  /** --pre-vote: a member campaigns only once a pre-election says it could win (Barge's default: on). */
  readonly preVote?: boolean;
  /** --strict-reconfig-check: refuse membership changes that could cost the quorum (etcd's default; off for embedders unless set). */
  readonly strictReconfigCheck?: boolean;
  /** --bcrypt-cost: the cost of the bcrypt hashes of user passwords (etcd's 10 when not set). */
  readonly bcryptCost?: number;
  readonly listenClientUrls: readonly string[];
  readonly advertiseClientUrls: readonly string[];
  readonly listenPeerUrls: readonly string[];
  readonly initialAdvertisePeerUrls: readonly string[];
  /** name → peer URLs */
  readonly initialCluster: ReadonlyMap<string, readonly string[]>;
  readonly initialClusterState: 'new' | 'existing';
  readonly initialClusterToken: string;
  readonly heartbeatIntervalMs: number;
  readonly electionTimeoutMs: number;
  readonly snapshotCount: number;
  /** Entries kept in the log behind a snapshot, so a slightly slow follower catches up without one. */
  readonly snapshotCatchUpEntries: number;
  readonly maxTxnOps: number;
  readonly maxRequestBytes: number;
  readonly quotaBackendBytes: number;
  /** TLS for https:// client URLs (--cert-file, --key-file, --trusted-ca-file, --client-cert-auth, --auto-tls). */
  readonly clientTls?: TlsSettings;
  /** TLS for https:// peer URLs (the same flags with --peer- in front). */
  readonly peerTls?: TlsSettings;
  /** --auth-token (with --auth-token-ttl); simple tokens living 300 s when not given. */
  readonly authToken?: TokenOptions;
  /** Leader-run auto-compaction; undefined when disabled (retention 0). */
  readonly autoCompaction?: AutoCompactor;
  /** --force-new-cluster: restart from the data dir as a one-member cluster (see force-new-cluster.ts). */
  readonly forceNewCluster?: boolean;
  /** --experimental-enable-lease-checkpoint: the leader records remaining TTLs through raft (leader-jobs.ts). */
  readonly leaseCheckpoint?: boolean;
  /** How often; etcd's fixed 5 minutes unless an embedder (a test) sets it. */
  readonly leaseCheckpointIntervalMs?: number;
  /** --experimental-enable-lease-checkpoint-persist: checkpoints are kept in the state backend too, so they survive restarts. */
  readonly leaseCheckpointPersist?: boolean;
  /** --experimental-initial-corrupt-check: compare hashes with the peers before serving (corruption-check.ts). */
  readonly initialCorruptCheck?: boolean;
  /** --experimental-corrupt-check-time: how often the leader compares hashes with the followers; 0 or unset: never. */
  readonly corruptCheckIntervalMs?: number;
  /** --experimental-watch-progress-notify-interval: how often synced progress-notify watchers hear the revision (10 m when not set). */
  readonly watchProgressNotifyIntervalMs?: number;
  readonly log: (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;
  /**
   * Called once the member hit an error it cannot go on from (a disk write failed, an entry nobody
   * understands), after the fatal log line. Exits the process with status 1 unless given, as etcd does.
   */
  readonly onFatal?: (err: unknown) => void;
}

export type LogLevel = 'info' | 'warn' | 'error' | 'fatal';

/** How often the leader looks for expired leases, and how many it revokes per look. */
export const LEASE_CHECK_INTERVAL_MS = 500;
export const LEASE_REVOKES_PER_CHECK = 1000;
/** etcd's lease checkpoint interval and batch size. */
export const LEASE_CHECKPOINT_INTERVAL_MS = 5 * 60 * 1000;
export const LEASE_CHECKPOINTS_PER_BATCH = 1000;
/** How often the backend size is compared with --quota-backend-bytes. */
export const QUOTA_CHECK_INTERVAL_MS = 1000;

/** How long a proposal, read or membership change may wait before "request timed out" (etcd's ReqTimeout). */
export function requestTimeoutMs(config: ServerConfig): number {
  return 5000 + 2 * config.electionTimeoutMs;
}

/** The shortest lease TTL granted: 1.5 election timeouts, in seconds (etcd's minLeaseTTL). */
export function minLeaseTtlSeconds(config: ServerConfig): number {
  return Math.ceil((3 * config.electionTimeoutMs) / 2 / 1000);
}

/** Election timeout in heartbeat ticks (the node ticks once per heartbeat interval). */
export function electionTicks(config: ServerConfig): number {
  return Math.max(2, Math.round(config.electionTimeoutMs / config.heartbeatIntervalMs));
}
