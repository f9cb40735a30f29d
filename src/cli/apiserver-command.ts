// `barge apiserver`: a Kubernetes apiserver over etcd v3 (a Barge cluster or a real etcd), started
// with kube-apiserver's flag names. A flag it does not know is an error, as it is for kube-apiserver.

import { Command, CommanderError, Option } from 'commander';
import type { ApiserverOptions } from '../apiserver/options.js';
import { parseServiceRange } from '../apiserver/registry/cluster-ip-allocator.js';
import { gateFlags, parseGateFlags } from '../apiserver/authz/gate-options.js';
import { startApiserver } from '../apiserver/server.js';
import { errorText } from '../etcd-errors.js';
import { urlList } from './flags.js';

function flag(name: string, description: string, defaultValue?: string): Option {
  const option = new Option(`--${name} <value>`, description);
  return defaultValue === undefined ? option : option.default(defaultValue);
}

function program(): Command {
  const command = new Command('barge apiserver')
    .description('A Kubernetes apiserver over the etcd v3 API; takes kube-apiserver\'s flags')
    .addOption(flag('etcd-servers', 'list of etcd servers to connect with (scheme://ip:port), comma separated'))
    .addOption(flag('etcd-prefix', 'the prefix to prepend to all resource paths in etcd', '/registry'))
    .addOption(flag('etcd-cafile', 'SSL Certificate Authority file used to secure etcd communication'))
    .addOption(flag('etcd-certfile', 'SSL certification file used to secure etcd communication'))
    .addOption(flag('etcd-keyfile', 'SSL key file used to secure etcd communication'))
    .addOption(flag('secure-port', 'the port on which to serve HTTPS (0: any free port)', '6443'))
    .addOption(flag('bind-address', 'the IP address on which to listen for the --secure-port port', '0.0.0.0'))
    .addOption(flag('tls-cert-file', 'file containing the default x509 certificate for HTTPS'))
    .addOption(flag('tls-private-key-file', 'file containing the default x509 private key matching --tls-cert-file'))
    .addOption(flag('cert-dir', 'the directory where generated TLS certificates and admin.conf are kept', 'apiserver.local.config/certificates'))
    .addOption(flag('service-cluster-ip-range', 'a CIDR notation IP range from which to assign service cluster IPs', '10.0.0.0/24'))
    .addOption(flag('watch-cache-size', 'the most events kept per resource in the watch cache, which keeps the last 75 s of them', '102400'))
    .addOption(flag('bookmark-interval', 'seconds between BOOKMARK events on watches that allow them', '60'))
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
  for (const option of gateFlags()) command.addOption(option);
  return command;
}

function number(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`invalid argument "${value}" for "--${name}" flag: must be a non-negative integer`);
  return n;
}

function log(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(`${JSON.stringify({ level, ts: new Date().toISOString(), msg, component: 'apiserver', ...fields })}\n`);
}

export function parseApiserverArgs(args: readonly string[]): ApiserverOptions {
  const command = program();
  try {
    command.parse([...args], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError && err.code === 'commander.unknownOption') {
      const unknown = /'([^']+)'/.exec(err.message)?.[1] ?? err.message;
      throw new Error(`unknown flag: ${unknown}`);
    }
    if (err instanceof CommanderError && (err.code === 'commander.helpDisplayed' || err.code === 'commander.help')) {
      process.stdout.write(command.helpInformation());
      process.exit(0);
    }
    throw new Error(err instanceof Error ? err.message.replace(/^error: /, '') : String(err));
  }
  const o = command.opts<Record<string, string | undefined>>();
  if (!o['etcdServers']) throw new Error('--etcd-servers must be specified');
  parseServiceRange(o['serviceClusterIpRange']!);
  return {
    etcdServers: urlList(o['etcdServers']),
    etcdPrefix: (o['etcdPrefix'] ?? '/registry').replace(/\/$/, ''),
    ...(o['etcdCafile'] ? { etcdCaFile: o['etcdCafile'] } : {}),
    ...(o['etcdCertfile'] ? { etcdCertFile: o['etcdCertfile'] } : {}),
    ...(o['etcdKeyfile'] ? { etcdKeyFile: o['etcdKeyfile'] } : {}),
    securePort: number('secure-port', o['securePort']!),
    bindAddress: o['bindAddress']!,
    ...(o['tlsCertFile'] ? { tlsCertFile: o['tlsCertFile'] } : {}),
    ...(o['tlsPrivateKeyFile'] ? { tlsPrivateKeyFile: o['tlsPrivateKeyFile'] } : {}),
    certDir: o['certDir']!,
    serviceClusterIpRange: o['serviceClusterIpRange']!,
    watchCacheSize: number('watch-cache-size', o['watchCacheSize']!),
    bookmarkIntervalMs: number('bookmark-interval', o['bookmarkInterval']!) * 1000,
    gate: parseGateFlags(o),
    log,
  };
}

export async function runApiserver(args: readonly string[]): Promise<void> {
  let options: ApiserverOptions;
  try {
    options = parseApiserverArgs(args);
    if ((options.tlsCertFile === undefined) !== (options.tlsPrivateKeyFile === undefined)) {
      throw new Error('--tls-cert-file and --tls-private-key-file must be given together');
    }
  } catch (err) {
    process.stderr.write(`Error: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const server = await startApiserver(options);
  log('info', 'serving securely', { url: server.url, kubeconfig: server.kubeconfigFile });
  const shutdown = (signal: string): void => {
    log('info', 'received signal; shutting down', { signal });
    void server
      .close()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        log('error', 'shutdown failed', { error: errorText(err) });
        process.exit(1);
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
