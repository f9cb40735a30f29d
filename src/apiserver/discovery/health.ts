// /healthz, /livez and /readyz: ok while etcd answers (the etcd check), as kube-apiserver words them;
// `?verbose` lists the checks.

import type { EtcdStore } from '../storage/etcd-store.js';

const ETCD_CHECK_TIMEOUT_MS = 2000;

async function etcdHealthy(store: EtcdStore): Promise<boolean> {
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ETCD_CHECK_TIMEOUT_MS).unref());
  return Promise.race([store.currentRevision().then(() => true, () => false), timeout]);
}

/** The HTTP code and text of a health endpoint (`name`: healthz, livez or readyz). */
export async function healthReport(store: EtcdStore, name: string, verbose: boolean): Promise<{ code: number; text: string }> {
  const etcd = await etcdHealthy(store);
  const checks = [`[+]ping ok`, etcd ? `[+]etcd ok` : `[-]etcd failed: reason withheld`];
  if (etcd) return { code: 200, text: verbose ? `${checks.join('\n')}\n${name} check passed\n` : 'ok' };
  return { code: 500, text: `${checks.join('\n')}\n${name} check failed\n` };
}
