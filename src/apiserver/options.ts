// What `barge apiserver` is started with: kube-apiserver's flags, parsed.

import type { GateOptions } from './authz/gate-config.js';

export interface ApiserverOptions {
  /** etcd v3 endpoints (a Barge cluster or a real etcd). */
  readonly etcdServers: readonly string[];
  /** The key prefix every object lives under (kube-apiserver's --etcd-prefix). */
  readonly etcdPrefix: string;
  readonly etcdCaFile?: string;
  readonly etcdCertFile?: string;
  readonly etcdKeyFile?: string;
  readonly securePort: number;
  readonly bindAddress: string;
  readonly tlsCertFile?: string;
  readonly tlsPrivateKeyFile?: string;
  /** Where generated certificates and admin.conf go. */
  readonly certDir: string;
  readonly serviceClusterIpRange: string;
  /** The most events kept per resource in the watch cache's window (which keeps 75 s of them). */
  readonly watchCacheSize: number;
  /** How often watchers that allow them get a BOOKMARK. */
  readonly bookmarkIntervalMs: number;
  /** Authentication and authorization (absent: kube-apiserver's defaults, anonymous and AlwaysAllow). */
  readonly gate?: GateOptions;
  readonly log: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}
