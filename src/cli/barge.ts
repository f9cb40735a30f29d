// `barge`: one member, started with etcd's own flags (or their ETCD_* environment variables).

import { Command, Option } from 'commander';
import { ClientApi, ETCD_API_VERSION } from '../api/grpc-server.js';
import { parseAuthTokenFlag } from '../auth/index.js';
import { AutoCompactor, parseRetentionMs } from '../server/auto-compactor.js';
import { EtcdServer, type ServerConfig } from '../server/etcd-server.js';
import { loadTlsSettings } from '../server/tls.js';
import { parseInitialCluster, urlList as urls } from './flags.js';
import { routeProcessWarnings } from './warnings.js';

type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error'];

function flag(name: string, description: string, defaultValue?: string): Option {
  const option = new Option(`--${name} <value>`, description).env(`ETCD_${name.toUpperCase().replace(/-/g, '_')}`);
  return defaultValue === undefined ? option : option.default(defaultValue);
}

/** A boolean flag as etcd takes it: `--flag`, `--flag=true` or `--flag=false` (or its environment variable). */
function booleanFlag(name: string, description: string): Option {
  return new Option(`--${name} [bool]`, description).env(`ETCD_${name.toUpperCase().replace(/-/g, '_')}`);
}

function parseBoolean(name: string, value: string | boolean | undefined): boolean {
  if (value === undefined || value === false) return false;
  if (value === true || value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new Error(`--${name} must be true or false, got "${value}"`);
}

const program = new Command('barge')
  .description('A Raft-backed, etcd-compatible key-value store member; takes etcd\'s flags')
  .addOption(flag('name', 'human-readable name for this member', 'default'))
  .addOption(flag('data-dir', 'path to the data directory (default: ${name}.etcd)'))
  .addOption(flag('listen-client-urls', 'URLs to listen on for client traffic', 'http://localhost:2379'))
  .addOption(flag('advertise-client-urls', 'client URLs to advertise to the rest of the cluster', 'http://localhost:2379'))
  .addOption(flag('listen-peer-urls', 'URLs to listen on for peer traffic', 'http://localhost:2380'))
  .addOption(flag('initial-advertise-peer-urls', 'peer URLs to advertise to the rest of the cluster', 'http://localhost:2380'))
  .addOption(flag('initial-cluster', 'initial cluster configuration for bootstrapping (name=peer-url,...)'))
  .addOption(flag('initial-cluster-state', 'new or existing', 'new'))
  .addOption(flag('initial-cluster-token', 'initial cluster token for the cluster during bootstrap', 'etcd-cluster'))
  .addOption(flag('heartbeat-interval', 'time (in milliseconds) of a heartbeat interval', '100'))
  .addOption(flag('election-timeout', 'time (in milliseconds) for an election to timeout', '1000'))
  .addOption(flag('snapshot-count', 'number of committed transactions to trigger a snapshot to disk', '100000'))
  .addOption(flag('experimental-snapshot-catchup-entries', 'entries kept in the log after a snapshot for slow followers', '5000'))
  .addOption(flag('quota-backend-bytes', 'raise alarms when backend size exceeds the given quota (0 defaults to 2 GiB)', '0'))
  .addOption(flag('max-request-bytes', 'maximum client request size in bytes the server will accept', '1572864'))
  .addOption(flag('max-txn-ops', 'maximum number of operations permitted in a transaction', '128'))
  .addOption(flag('auto-compaction-mode', 'periodic or revision', 'periodic'))
  .addOption(flag('auto-compaction-retention', 'auto compaction retention (0 disables it)', '0'))
  .addOption(flag('cert-file', 'path to the client server TLS cert file'))
  .addOption(flag('key-file', 'path to the client server TLS key file'))
  .addOption(flag('trusted-ca-file', 'path to the client server TLS trusted CA cert file'))
  .addOption(booleanFlag('client-cert-auth', 'enable client cert authentication'))
  .addOption(booleanFlag('auto-tls', 'client TLS using generated certificates'))
  .addOption(flag('peer-cert-file', 'path to the peer server TLS cert file'))
  .addOption(flag('peer-key-file', 'path to the peer server TLS key file'))
  .addOption(flag('peer-trusted-ca-file', 'path to the peer server TLS trusted CA file'))
  .addOption(booleanFlag('peer-client-cert-auth', 'enable peer client cert authentication'))
  .addOption(booleanFlag('peer-auto-tls', 'peer TLS using generated certificates'))
  .addOption(flag('auth-token', 'auth token type: simple, or jwt,pub-key=<file>,priv-key=<file>,sign-method=<alg>[,ttl=<duration>]', 'simple'))
  .addOption(flag('auth-token-ttl', 'time (in seconds) a simple token lives after its last use', '300'))
  .addOption(flag('log-level', 'debug, info, warn or error', 'info'))
  .option('--version', 'print the version and exit')
  .showHelpAfterError();

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

/** What `etcd --version` prints, with the runtime in place of Go's (scripts read the first line). */
function versionText(): string {
  return [`etcd Version: ${ETCD_API_VERSION}`, 'Git SHA: Not provided (Barge)', `Node Version: ${process.version}`, `Node OS/Arch: ${process.platform}/${process.arch}`].join('\n');
}

async function main(): Promise<void> {
  if (process.argv[2] === 'kubelet') return (await import('./kubelet-command.js')).runKubelet(process.argv.slice(3));
  if (process.argv[2] === 'nodes') return (await import('./nodes-command.js')).runNodes(process.argv.slice(3));
  if (process.argv[2] === 'up') return (await import('./up-command.js')).runUp(process.argv.slice(3));
  if (process.argv[2] === 'apiserver') return (await import('./apiserver-command.js')).runApiserver(process.argv.slice(3));
  if (process.argv[2] === 'controller-manager') return (await import('./controller-manager-command.js')).runControllerManagerCommand(process.argv.slice(3));
  if (process.argv[2] === 'scheduler') return (await import('./scheduler-command.js')).runSchedulerCommand(process.argv.slice(3));
  program.parse();
  const o = program.opts<Record<string, string>>();
  if (o['version']) {
    console.log(versionText());
    return;
  }
  const logLevel = o['logLevel'] as LogLevel;
  if (!LEVELS.includes(logLevel)) throw new Error(`--log-level must be one of ${LEVELS.join(', ')}`);
  const state = o['initialClusterState'];
  if (state !== 'new' && state !== 'existing') throw new Error(`--initial-cluster-state must be "new" or "existing", got "${state}"`);
  const name = o['name']!;
  const advertisePeerUrls = urls(o['initialAdvertisePeerUrls']!);
  const log: ServerConfig['log'] = (level, msg, fields = {}) => {
    if (LEVELS.indexOf(level) < LEVELS.indexOf(logLevel)) return;
    process.stderr.write(`${JSON.stringify({ level, ts: new Date().toISOString(), msg, name, ...fields })}\n`);
  };
  routeProcessWarnings((warning) => log('warn', warning.message, { warning: warning.name, ...(warning.code ? { code: warning.code } : {}) }));
  const dataDir = o['dataDir'] ?? `${name}.etcd`;
  const listenClientUrls = urls(o['listenClientUrls']!);
  const listenPeerUrls = urls(o['listenPeerUrls']!);
  const raw = o as Record<string, string | boolean | undefined>;
  const text = (key: string): string | undefined => (typeof raw[key] === 'string' ? raw[key] : undefined);
  const tlsLog = (msg: string, fields?: Record<string, unknown>): void => log('warn', msg, fields);
  const clientTls = await loadTlsSettings(
    'client',
    {
      certFile: text('certFile'),
      keyFile: text('keyFile'),
      trustedCaFile: text('trustedCaFile'),
      clientCertAuth: parseBoolean('client-cert-auth', raw['clientCertAuth']),
      autoTls: parseBoolean('auto-tls', raw['autoTls']),
    },
    { dataDir, urls: listenClientUrls, log: tlsLog },
  );
  const peerTls = await loadTlsSettings(
    'peer',
    {
      certFile: text('peerCertFile'),
      keyFile: text('peerKeyFile'),
      trustedCaFile: text('peerTrustedCaFile'),
      clientCertAuth: parseBoolean('peer-client-cert-auth', raw['peerClientCertAuth']),
      autoTls: parseBoolean('peer-auto-tls', raw['peerAutoTls']),
    },
    { dataDir, urls: listenPeerUrls, log: tlsLog },
  );
  const config: ServerConfig = {
    autoCompaction: autoCompaction(o['autoCompactionMode']!, o['autoCompactionRetention']!),
    name,
    dataDir,
    listenClientUrls,
    advertiseClientUrls: urls(o['advertiseClientUrls']!),
    listenPeerUrls,
    initialAdvertisePeerUrls: advertisePeerUrls,
    initialCluster: parseInitialCluster(o['initialCluster'] ?? `${name}=${advertisePeerUrls.join(`,${name}=`)}`),
    initialClusterState: state,
    initialClusterToken: o['initialClusterToken']!,
    heartbeatIntervalMs: positiveInteger('heartbeat-interval', o['heartbeatInterval']!),
    electionTimeoutMs: positiveInteger('election-timeout', o['electionTimeout']!),
    snapshotCount: positiveInteger('snapshot-count', o['snapshotCount']!),
    snapshotCatchUpEntries: positiveInteger('experimental-snapshot-catchup-entries', o['experimentalSnapshotCatchupEntries']!),
    quotaBackendBytes: positiveInteger('quota-backend-bytes', o['quotaBackendBytes']!) || 2 * 1024 ** 3,
    maxRequestBytes: positiveInteger('max-request-bytes', o['maxRequestBytes']!),
    maxTxnOps: positiveInteger('max-txn-ops', o['maxTxnOps']!),
    clientTls,
    peerTls,
    authToken: parseAuthTokenFlag(o['authToken']!, positiveInteger('auth-token-ttl', o['authTokenTtl']!)),
    log,
  };
  if (config.electionTimeoutMs < 5 * config.heartbeatIntervalMs) {
    throw new Error('--election-timeout should be at least 5 times --heartbeat-interval');
  }
  // Startup waits only on I/O; should that ever leave nothing to wait on, say so rather than exit silently.
  const stalled = (): void => log('error', 'startup stalled with nothing left to wait for');
  process.once('beforeExit', stalled);
  const server = await EtcdServer.start(config);
  process.off('beforeExit', stalled);
  const api = new ClientApi(server);
  await api.listen(config.listenClientUrls);
  log('info', 'ready to serve client requests', {
    'member-id': server.id.toString(16),
    'cluster-id': server.clusterId.toString(16),
    'client-urls': config.listenClientUrls,
  });
  let exiting = false;
  const shutdown = (signal: string): void => {
    if (exiting) return;
    exiting = true;
    log('info', 'received signal; shutting down', { signal });
    void Promise.all([server.stop(), api.close()]).then(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  server.onStop(() => {
    if (!exiting) void api.close().then(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', ts: new Date().toISOString(), msg: err instanceof Error ? err.message : String(err) })}\n`);
  process.exit(1);
});
