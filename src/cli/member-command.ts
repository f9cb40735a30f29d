// One member, as `barge` starts it once its command line is read (barge.ts): the flags checked and turned
// into the member's config, its log opened, then the member, its client API and metrics listeners started,
// stopped on SIGTERM or SIGINT.

import { ClientApi, type ClientApiOptions } from '../api/grpc-server.js';
import { parseAuthTokenFlag } from '../auth/index.js';
import { AutoCompactor, parseRetentionMs } from '../server/auto-compactor.js';
import { MIN_PROGRESS_NOTIFY_INTERVAL_MS } from '../api/watch-service.js';
import { EtcdServer, type LogLevel, type ServerConfig } from '../server/etcd-server.js';
import { cipherSuitesOption } from '../server/cipher-suites.js';
import { loadTlsSettings } from '../server/tls.js';
import { FlagError, FlagValues, differingFlags, type ParsedFlags } from './etcd-flag-parser.js';
import { serverFeatures } from './etcd-server-features.js';
import { parseInitialCluster, urlList as urls } from './flags.js';
import { openMemberLog, type MemberLog } from './member-log.js';
import { limitHeapGrowth } from './member-heap.js';
import { listenMetrics } from './metrics-listener.js';
import { routeProcessWarnings } from './warnings.js';

function positiveInteger(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
  return n;
}

function autoCompaction(mode: string, retention: string): AutoCompactor | undefined {
  if (mode !== 'periodic' && mode !== 'revision') throw new Error(`--auto-compaction-mode must be "periodic" or "revision", got "${mode}"`);
  if (retention === '0' || retention === '') return undefined;
  if (mode === 'revision') {
    const revisions = Number(retention);
    if (!Number.isInteger(revisions) || revisions <= 0) throw new Error(`--auto-compaction-retention must be a number of revisions in revision mode, got "${retention}"`);
    return new AutoCompactor('revision', revisions);
  }
  const ms = parseRetentionMs(retention);
  if (ms === undefined || ms <= 0) throw new Error(`--auto-compaction-retention must be hours or a duration (e.g. 30m) in periodic mode, got "${retention}"`);
  return new AutoCompactor('periodic', ms);
}

/** --experimental-watch-progress-notify-interval: 0 keeps etcd's default; below etcd's minimum it is raised to it, with etcd's warning. */
function progressNotifyIntervalMs(ms: number, log: (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void): number | undefined {
  if (ms <= 0) return undefined;
  if (ms >= MIN_PROGRESS_NOTIFY_INTERVAL_MS) return ms;
  log('warn', 'adjusting watch progress notify interval to minimum period', { 'min-watch-progress-interval': `${MIN_PROGRESS_NOTIFY_INTERVAL_MS}ms` });
  return MIN_PROGRESS_NOTIFY_INTERVAL_MS;
}

/** A keepalive duration for grpc-js: etcd's 0 ("disabled") as the longest timer Node has. */
function keepaliveMs(ms: number): number {
  return ms <= 0 ? 2 ** 31 - 1 : Math.min(ms, 2 ** 31 - 1);
}

/** gRPC and HTTP serving options from --max-concurrent-streams, --grpc-keepalive-*, --cors and --host-whitelist. */
function clientApiOptions(flags: FlagValues): ClientApiOptions {
  return {
    grpc: {
      ...(flags.has('max-concurrent-streams') ? { 'grpc.max_concurrent_streams': Math.min(flags.number('max-concurrent-streams'), 2 ** 32 - 1) } : {}),
      'grpc.keepalive_time_ms': keepaliveMs(flags.durationMs('grpc-keepalive-interval')),
      'grpc.keepalive_timeout_ms': keepaliveMs(flags.durationMs('grpc-keepalive-timeout')),
    },
    httpAccess: { cors: flags.list('cors'), hostWhitelist: flags.list('host-whitelist') },
    keepaliveMinTimeMs: flags.durationMs('grpc-keepalive-min-time'),
  };
}

/** The log fatal errors go to: the member's once its flags are read, stderr as JSON before that. */
let memberLog: MemberLog | undefined;

/** Starts the member; a failure once its log is open is that log's fatal line, as etcd's. */
export async function runMember(parsed: ParsedFlags): Promise<void> {
  limitHeapGrowth();
  try {
    await startMember(parsed);
  } catch (err) {
    if (memberLog === undefined || err instanceof FlagError) throw err;
    memberLog.log('fatal', err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}

async function startMember(parsed: ParsedFlags): Promise<void> {
  const flags = new FlagValues(parsed);
  const name = flags.text('name');
  memberLog = openMemberLog({
    // Barge logs as zap unless told otherwise: etcd 3.4's default, capnslog, is deprecated there.
    logger: flags.has('logger') ? flags.text('logger') : 'zap',
    outputs: flags.list('log-outputs'),
    level: flags.bool('debug') ? 'debug' : flags.text('log-level'),
    name,
  });
  const log = memberLog.log;
  routeProcessWarnings((warning) => log('warn', warning.message, { warning: warning.name, ...(warning.code ? { code: warning.code } : {}) }));
  for (const warning of parsed.warnings) log('warn', warning);
  const differing = differingFlags(parsed);
  for (const d of differing) log('warn', 'flag has no counterpart in Barge', d);

  const state = flags.text('initial-cluster-state');
  if (state !== 'new' && state !== 'existing') throw new Error(`--initial-cluster-state must be "new" or "existing", got "${state}"`);
  const advertisePeerUrls = urls(flags.text('initial-advertise-peer-urls'));
  const dataDir = flags.has('data-dir') ? flags.text('data-dir') : `${name}.etcd`;
  const listenClientUrls = urls(flags.text('listen-client-urls'));
  const listenPeerUrls = urls(flags.text('listen-peer-urls'));
  const settings = {
    autoCompaction: autoCompaction(flags.text('auto-compaction-mode'), flags.text('auto-compaction-retention')),
    name,
    dataDir,
    listenClientUrls,
    advertiseClientUrls: urls(flags.text('advertise-client-urls')),
    listenPeerUrls,
    initialAdvertisePeerUrls: advertisePeerUrls,
    initialCluster: parseInitialCluster(flags.has('initial-cluster') ? flags.text('initial-cluster') : `${name}=${advertisePeerUrls.join(`,${name}=`)}`),
    initialClusterState: state,
    initialClusterToken: flags.text('initial-cluster-token'),
    heartbeatIntervalMs: positiveInteger('heartbeat-interval', flags.text('heartbeat-interval')),
    electionTimeoutMs: positiveInteger('election-timeout', flags.text('election-timeout')),
    snapshotCount: positiveInteger('snapshot-count', flags.text('snapshot-count')),
    snapshotCatchUpEntries: positiveInteger('experimental-snapshot-catchup-entries', flags.text('experimental-snapshot-catchup-entries')),
    quotaBackendBytes: positiveInteger('quota-backend-bytes', flags.text('quota-backend-bytes')) || 2 * 1024 ** 3,
    maxRequestBytes: positiveInteger('max-request-bytes', flags.text('max-request-bytes')),
    maxTxnOps: positiveInteger('max-txn-ops', flags.text('max-txn-ops')),
    watchProgressNotifyIntervalMs: progressNotifyIntervalMs(flags.durationMs('experimental-watch-progress-notify-interval'), log),
    authToken: parseAuthTokenFlag(flags.text('auth-token'), positiveInteger('auth-token-ttl', flags.text('auth-token-ttl'))),
    ...serverFeatures(flags, log),
    log,
  } satisfies Omit<ServerConfig, 'clientTls' | 'peerTls'>;
  if (settings.electionTimeoutMs < 5 * settings.heartbeatIntervalMs) {
    throw new Error('--election-timeout should be at least 5 times --heartbeat-interval');
  }
  const metricsUrls = urls(flags.text('listen-metrics-urls'));
  // Checked whether or not a URL is https, as etcd checks it.
  const ciphers = cipherSuitesOption(flags.list('cipher-suites'));
  if (parsed.dryRun) {
    // Barge's hidden --barge-dry-run: everything checked, nothing started.
    const given = Object.fromEntries([...parsed.given].map(([flag, { value, source }]) => [flag, { value, source }]));
    process.stdout.write(`${JSON.stringify({ given, warnings: parsed.warnings, differing })}\n`);
    return;
  }

  const optional = (name: string): string | undefined => flags.text(name) || undefined;
  const tlsLog = (msg: string, fields?: Record<string, unknown>): void => log('warn', msg, fields);
  const clientTls = await loadTlsSettings(
    'client',
    { certFile: flags.text('cert-file') || undefined, keyFile: flags.text('key-file') || undefined, trustedCaFile: flags.text('trusted-ca-file') || undefined, clientCertAuth: flags.bool('client-cert-auth'), autoTls: flags.bool('auto-tls'), ciphers, crlFile: optional('client-crl-file'), allowedHostname: optional('client-cert-allowed-hostname') },
    { dataDir, urls: [...listenClientUrls, ...metricsUrls], log: tlsLog },
  );
  const peerTls = await loadTlsSettings(
    'peer',
    { certFile: flags.text('peer-cert-file') || undefined, keyFile: flags.text('peer-key-file') || undefined, trustedCaFile: flags.text('peer-trusted-ca-file') || undefined, clientCertAuth: flags.bool('peer-client-cert-auth'), autoTls: flags.bool('peer-auto-tls'), ciphers, crlFile: optional('peer-crl-file'), allowedCn: optional('peer-cert-allowed-cn'), allowedHostname: optional('peer-cert-allowed-hostname') },
    { dataDir, urls: listenPeerUrls, log: tlsLog },
  );
  const config: ServerConfig = { ...settings, clientTls, peerTls };
  // Startup waits only on I/O; should that ever leave nothing to wait on, say so rather than exit silently.
  const stalled = (): void => log('error', 'startup stalled with nothing left to wait for');
  process.once('beforeExit', stalled);
  const server = await EtcdServer.start(config);
  process.off('beforeExit', stalled);
  const api = new ClientApi(server, clientApiOptions(flags));
  await api.listen(config.listenClientUrls);
  const closeMetrics = await listenMetrics(server, metricsUrls, clientTls);
  // The client URLs are bound; they serve once the member has published itself (ClientListener).
  server.onceReady(() =>
    log('info', 'ready to serve client requests', {
      'member-id': server.id.toString(16),
      'cluster-id': server.clusterId.toString(16),
      'client-urls': config.listenClientUrls,
      ...(metricsUrls.length > 0 ? { 'metrics-urls': metricsUrls } : {}),
    }),
  );
  let exiting = false;
  const exit = (): void => {
    closeMetrics();
    memberLog?.close();
    process.exit(0);
  };
  const failStop = (err: unknown): void => {
    log('error', 'stopping failed', { error: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  };
  const shutdown = (signal: string): void => {
    if (exiting) return;
    exiting = true;
    log('info', 'received signal; shutting down', { signal });
    Promise.all([server.stop(), api.close()]).then(exit, failStop);
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  server.onStop(() => {
    if (!exiting) api.close().then(exit, failStop);
  });
}
