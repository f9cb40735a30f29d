// Every flag etcd 3.4 takes (what `etcd --help` lists, and the two it accepts unlisted), each with its kind,
// etcd's default and what Barge does with it: the same as etcd, or — where Barge has no counterpart — a
// note saying what it does instead, logged as a warning when the flag asks for something else.

export type FlagKind = 'string' | 'bool' | 'uint' | 'int' | 'duration' | 'urls';

export interface EtcdFlag {
  readonly name: string;
  readonly kind: FlagKind;
  /** etcd's default, as its help shows it. */
  readonly defaultValue: string;
  readonly usage: string;
  /** Set for a flag Barge does not act on: what it does instead. */
  readonly differs?: string;
  /** The value at which Barge behaves as etcd does (etcd's default when not given): no warning then. */
  readonly sameWhen?: string;
}

type Differs = { readonly differs: string; readonly sameWhen?: string };

function flag(name: string, kind: FlagKind, defaultValue: string, usage: string, differs?: Differs | string): EtcdFlag {
  const note = typeof differs === 'string' ? { differs } : differs;
  return { name, kind, defaultValue, usage, ...note };
}

const NO_V2 = 'Barge serves the v3 API only (gRPC and its JSON gateway); the v2 API is not served';
const NO_DISCOVERY = 'Barge bootstraps from --initial-cluster only; discovery is not used';
const NO_PROXY = 'Barge has no v2 proxy mode; it always runs as a full member';
const BBOLT = 'Barge has no bbolt backend (its own storage commits each applied batch); ignored';

export const ETCD_FLAGS: readonly EtcdFlag[] = [
  // Member
  flag('name', 'string', 'default', 'Human-readable name for this member.'),
  flag('data-dir', 'string', '${name}.etcd', 'Path to the data directory.'),
  flag('wal-dir', 'string', '', 'Path to the dedicated wal directory.'),
  flag('snapshot-count', 'uint', '100000', 'Number of committed transactions to trigger a snapshot to disk.'),
  flag('heartbeat-interval', 'uint', '100', 'Time (in milliseconds) of a heartbeat interval.'),
  flag('election-timeout', 'uint', '1000', 'Time (in milliseconds) for an election to timeout.'),
  flag('initial-election-tick-advance', 'bool', 'true', 'Whether to fast-forward initial election ticks on boot for faster election.', { differs: 'Barge does not fast-forward election ticks at boot (as etcd with false)', sameWhen: 'false' }),
  flag('listen-peer-urls', 'urls', 'http://localhost:2380', 'List of URLs to listen on for peer traffic.'),
  flag('listen-client-urls', 'urls', 'http://localhost:2379', 'List of URLs to listen on for client traffic.'),
  flag('max-snapshots', 'uint', '5', 'Maximum number of snapshot files to retain (0 is unlimited).'),
  flag('max-wals', 'uint', '5', 'Maximum number of wal files to retain (0 is unlimited).'),
  flag('quota-backend-bytes', 'int', '0', 'Raise alarms when backend size exceeds the given quota (0 defaults to low space quota).'),
  flag('backend-batch-interval', 'duration', '0s', 'BackendBatchInterval is the maximum time before commit the backend transaction.', BBOLT),
  flag('backend-batch-limit', 'uint', '0', 'BackendBatchLimit is the maximum operations before commit the backend transaction.', BBOLT),
  flag('max-txn-ops', 'uint', '128', 'Maximum number of operations permitted in a transaction.'),
  flag('max-request-bytes', 'uint', '1572864', 'Maximum client request size in bytes the server will accept.'),
  flag('max-concurrent-streams', 'uint', '4294967295', 'Maximum concurrent streams that each client can open at a time.'),
  flag('grpc-keepalive-min-time', 'duration', '5s', 'Minimum duration interval that a client should wait before pinging server.'),
  flag('grpc-keepalive-interval', 'duration', '2h', 'Frequency duration of server-to-client ping to check if a connection is alive (0 to disable).'),
  flag('grpc-keepalive-timeout', 'duration', '20s', 'Additional duration of wait before closing a non-responsive connection (0 to disable).'),
  // Clustering
  flag('initial-advertise-peer-urls', 'urls', 'http://localhost:2380', "List of this member's peer URLs to advertise to the rest of the cluster."),
  flag('initial-cluster', 'string', 'default=http://localhost:2380', 'Initial cluster configuration for bootstrapping.'),
  flag('initial-cluster-state', 'string', 'new', "Initial cluster state ('new' or 'existing')."),
  flag('initial-cluster-token', 'string', 'etcd-cluster', 'Initial cluster token for the etcd cluster during bootstrap.'),
  flag('advertise-client-urls', 'urls', 'http://localhost:2379', "List of this member's client URLs to advertise to the public."),
  flag('discovery', 'string', '', 'Discovery URL used to bootstrap the cluster.', NO_DISCOVERY),
  flag('discovery-fallback', 'string', 'proxy', "Expected behavior ('exit' or 'proxy') when discovery services fails.", NO_DISCOVERY),
  flag('discovery-proxy', 'string', '', 'HTTP proxy to use for traffic to discovery service.', NO_DISCOVERY),
  flag('discovery-srv', 'string', '', 'DNS srv domain used to bootstrap the cluster.', NO_DISCOVERY),
  flag('discovery-srv-name', 'string', '', 'Suffix to the dns srv name queried when bootstrapping.', NO_DISCOVERY),
  flag('strict-reconfig-check', 'bool', 'true', 'Reject reconfiguration requests that would cause quorum loss.'),
  flag('pre-vote', 'bool', 'true', 'Enable to run an additional Raft election phase.'),
  flag('auto-compaction-retention', 'string', '0', 'Auto compaction retention length. 0 means disable auto compaction.'),
  flag('auto-compaction-mode', 'string', 'periodic', "Interpret 'auto-compaction-retention' one of: periodic|revision."),
  flag('enable-v2', 'bool', 'false', 'Accept etcd V2 client requests.', NO_V2),
  // Security
  flag('cert-file', 'string', '', 'Path to the client server TLS cert file.'),
  flag('key-file', 'string', '', 'Path to the client server TLS key file.'),
  flag('client-cert-auth', 'bool', 'false', 'Enable client cert authentication.'),
  flag('client-crl-file', 'string', '', 'Path to the client certificate revocation list file.'),
  flag('client-cert-allowed-hostname', 'string', '', 'Allowed TLS hostname for client cert authentication.'),
  flag('trusted-ca-file', 'string', '', 'Path to the client server TLS trusted CA cert file.'),
  flag('auto-tls', 'bool', 'false', 'Client TLS using generated certificates.'),
  flag('peer-cert-file', 'string', '', 'Path to the peer server TLS cert file.'),
  flag('peer-key-file', 'string', '', 'Path to the peer server TLS key file.'),
  flag('peer-client-cert-auth', 'bool', 'false', 'Enable peer client cert authentication.'),
  flag('peer-trusted-ca-file', 'string', '', 'Path to the peer server TLS trusted CA file.'),
  flag('peer-cert-allowed-cn', 'string', '', 'Required CN for client certs connecting to the peer endpoint.'),
  flag('peer-cert-allowed-hostname', 'string', '', 'Allowed TLS hostname for inter peer authentication.'),
  flag('peer-auto-tls', 'bool', 'false', 'Peer TLS using self-generated certificates if --peer-key-file and --peer-cert-file are not provided.'),
  flag('peer-crl-file', 'string', '', 'Path to the peer certificate revocation list file.'),
  flag('cipher-suites', 'string', '', 'Comma-separated list of supported TLS cipher suites between client/server and peers.'),
  flag('cors', 'string', '*', 'Comma-separated whitelist of origins for CORS, or cross-origin resource sharing, (empty or * means allow all).'),
  flag('host-whitelist', 'string', '*', 'Acceptable hostnames from HTTP client requests, if server is not secure (empty or * means allow all).'),
  // Auth
  flag('auth-token', 'string', 'simple', "Specify a v3 authentication token type and its options ('simple' or 'jwt')."),
  flag('bcrypt-cost', 'uint', '10', 'Specify the cost / strength of the bcrypt algorithm for hashing auth passwords.'),
  flag('auth-token-ttl', 'uint', '300', 'Time (in seconds) of the auth-token-ttl.'),
  // Profiling and monitoring
  flag('enable-pprof', 'bool', 'false', 'Enable runtime profiling data via HTTP server.', 'Barge serves no /debug/pprof (use node --inspect or --cpu-prof instead)'),
  flag('metrics', 'string', 'basic', "Set level of detail for exported metrics, specify 'extensive' to include histogram metrics.", 'Barge exports one set of metrics (no histograms); ignored'),
  flag('listen-metrics-urls', 'urls', '', 'List of URLs to listen on for the metrics and health endpoints.'),
  // Logging
  flag('logger', 'string', 'capnslog', "Specify 'zap' for structured logging or 'capnslog'."),
  flag('log-outputs', 'string', 'default', "Specify 'stdout' or 'stderr' to skip journald logging even when running under systemd, or list of comma separated output targets."),
  flag('log-level', 'string', 'info', 'Configures log level. Only supports debug, info, warn, error, panic, or fatal.'),
  // v2 proxy
  flag('proxy', 'string', 'off', "Proxy mode setting ('off', 'readonly' or 'on').", NO_PROXY),
  flag('proxy-failure-wait', 'uint', '5000', 'Time (in milliseconds) an endpoint will be held in a failed state.', NO_PROXY),
  flag('proxy-refresh-interval', 'uint', '30000', 'Time (in milliseconds) of the endpoints refresh interval.', NO_PROXY),
  flag('proxy-dial-timeout', 'uint', '1000', 'Time (in milliseconds) for a dial to timeout.', NO_PROXY),
  flag('proxy-write-timeout', 'uint', '5000', 'Time (in milliseconds) for a write to timeout.', NO_PROXY),
  flag('proxy-read-timeout', 'uint', '0', 'Time (in milliseconds) for a read to timeout.', NO_PROXY),
  // Experimental
  flag('experimental-initial-corrupt-check', 'bool', 'false', 'Enable to check data corruption before serving any client/peer traffic.'),
  flag('experimental-corrupt-check-time', 'duration', '0s', 'Duration of time between cluster corruption check passes.'),
  flag('experimental-enable-v2v3', 'string', '', 'Serve v2 requests through the v3 backend under a given prefix.', NO_V2),
  flag('experimental-backend-bbolt-freelist-type', 'string', 'array', 'ExperimentalBackendFreelistType specifies the type of freelist that boltdb backend uses.', BBOLT),
  flag('experimental-enable-lease-checkpoint', 'bool', 'false', 'ExperimentalEnableLeaseCheckpoint enables primary lessor to persist lease remainingTTL.'),
  flag('experimental-enable-lease-checkpoint-persist', 'bool', 'false', 'Enable persisting remainingTTL to prevent indefinite auto-renewal of long lived leases.'),
  flag('experimental-compaction-batch-limit', 'int', '1000', 'ExperimentalCompactionBatchLimit sets the maximum revisions deleted in each compaction batch.', 'Barge has no compaction batches; ignored'),
  flag('experimental-peer-skip-client-san-verification', 'bool', 'false', 'Skip verification of SAN field in client certificate for peer connections.', 'Barge never checks the SAN of a peer\'s client certificate (as etcd with this flag true)'),
  flag('experimental-watch-progress-notify-interval', 'duration', '10m', 'Duration of periodical watch progress notification.'),
  flag('experimental-warning-apply-duration', 'duration', '100ms', 'Warning is generated if requests take more than this duration.', 'Barge logs no slow-apply warnings; ignored'),
  // Unsafe
  flag('force-new-cluster', 'bool', 'false', 'Force to create a new one-member cluster.'),
  flag('unsafe-no-fsync', 'bool', 'false', 'Disables fsync, unsafe, will cause data loss.', 'Barge syncs its raft log as it always does; ignored'),
  // To be deprecated
  flag('debug', 'bool', 'false', "Enable debug-level logging for etcd. Use '--log-level=debug' instead."),
  flag('log-package-levels', 'string', '', "Specify a particular log level for each etcd package (eg: 'etcdmain=CRITICAL,etcdserver=DEBUG').", 'Barge has one log level (--log-level) for the whole member; ignored'),
  // Barge's own, from etcd 3.5.
  flag('experimental-snapshot-catchup-entries', 'uint', '5000', 'Entries kept in the log after a snapshot for slow followers (etcd 3.5).'),
  flag('config-file', 'string', '', 'Path to the server configuration file (YAML, with etcd\'s keys); other flags and ETCD_* variables are then ignored.'),
];

export const FLAGS_BY_NAME: ReadonlyMap<string, EtcdFlag> = new Map(ETCD_FLAGS.map((f) => [f.name, f]));

/** ETCD_LISTEN_CLIENT_URLS for listen-client-urls. */
export function envName(flagName: string): string {
  return `ETCD_${flagName.toUpperCase().replace(/-/g, '_')}`;
}

/** What `barge --help` prints: etcd's usage lines, then every flag with etcd's default and what Barge does. */
export function usageText(): string {
  const lines = [
    'Usage:',
    '',
    '  barge [flags]',
    "    Start a Barge member; it takes etcd's flags, ETCD_* environment variables or --config-file.",
    '',
    '  barge --version',
    '    Show the version of etcd this member answers as.',
    '',
    '  barge -h | --help',
    '    Show the help information.',
    '',
    'Flags:',
  ];
  for (const f of ETCD_FLAGS) {
    lines.push(`  --${f.name} '${f.defaultValue}'`, `    ${f.usage}`);
    if (f.differs) lines.push(`    [Barge] ${f.differs}.`);
  }
  return `${lines.join('\n')}\n`;
}
