// --client-crl-file and --client-cert-allowed-hostname, differentially: a real etcd 3.4 and Barge (one
// member each, the same flags and CA) refuse the same etcdctl clients: one whose certificate is on the
// CRL (also once the CRL file is rewritten while serving), one not valid for the allowed host name, and
// one that carries that name only as its CN (Go no longer reads host names from the CN); and both
// serve the others.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Implementation, ProcessCluster } from '../../support/process-cluster.js';
import { createTestPki, type CertFiles, type TestPki } from '../../support/tls.js';
import { until } from '../../support/wait.js';
import { startSideBySide, stopSideBySide } from './side-by-side.js';

const ALLOWED_HOST = 'client.example';

let dir: string;
let pki: TestPki;
let crlFile: string;
const clients = new Map<string, CertFiles>();
const clusters = new Map<Implementation, ProcessCluster>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'barge-crl-'));
  pki = await createTestPki(dir);
  const member = await pki.member('m1');
  for (const name of ['alice', 'bob', 'mallory']) clients.set(name, await pki.issue(`client-${name}`, { commonName: name, hosts: [ALLOWED_HOST], usages: ['client'] }));
  clients.set('elsewhere', await pki.issue('client-elsewhere', { commonName: 'elsewhere', hosts: ['other.example'], usages: ['client'] }));
  clients.set('cn-only', await pki.issue('client-cn-only', { commonName: ALLOWED_HOST, hosts: [], usages: ['client'] }));
  crlFile = join(dir, 'client.crl');
  await pki.revoke(crlFile, [clients.get('mallory')!]);
  const flags = [
    `--cert-file=${member.cert}`,
    `--key-file=${member.key}`,
    `--trusted-ca-file=${pki.caFile}`,
    '--client-cert-auth',
    `--client-crl-file=${crlFile}`,
    `--client-cert-allowed-hostname=${ALLOWED_HOST}`,
  ];
  for (const [impl, cluster] of await startSideBySide(flags, { etcdctlFlags: [`--cacert=${pki.caFile}`, `--cert=${clients.get('alice')!.cert}`, `--key=${clients.get('alice')!.key}`] })) clusters.set(impl, cluster);
}, 90_000);

afterAll(async () => {
  await stopSideBySide(clusters);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** etcdctl get as `client`: 'served' or 'refused'. */
function outcome(cluster: ProcessCluster, client: string): string {
  const files = clients.get(client)!;
  const result = cluster.etcdctl(['get', 'k', '--print-value-only', `--cert=${files.cert}`, `--key=${files.key}`, '--command-timeout=3s']);
  return result.status === 0 ? `served ${result.stdout.trim()}` : 'refused';
}

/** Each implementation's outcome for each client. */
function outcomes(names: readonly string[]): Record<string, Record<string, string>> {
  return Object.fromEntries([...clusters].map(([impl, cluster]) => [impl, Object.fromEntries(names.map((n) => [n, outcome(cluster, n)]))]));
}

describe('client certificate revocation and allowed host name, against etcd 3.4', () => {
  it('a revoked certificate, or one not valid for the allowed host, is refused; the others are served', () => {
    for (const cluster of clusters.values()) expect(cluster.etcdctl(['put', 'k', 'v']).stdout).toBe('OK\n');
    const expected = { alice: 'served v', bob: 'served v', mallory: 'refused', elsewhere: 'refused', 'cn-only': 'refused' };
    expect(outcomes(Object.keys(expected))).toEqual({ etcd: expected, barge: expected });
  }, 90_000);

  it('the CRL file is read again for each connection: a certificate revoked while serving is refused at once', async () => {
    await pki.revoke(crlFile, [clients.get('mallory')!, clients.get('bob')!]);
    const expected = { alice: 'served v', bob: 'refused', mallory: 'refused' };
    expect(outcomes(Object.keys(expected))).toEqual({ etcd: expected, barge: expected });
    // Both say why in their logs, in etcd's words.
    for (const cluster of clusters.values()) {
      await until('the revocation logged', () => /certificate serial [0-9a-f]+ revoked/.test(cluster.members[0]!.log));
    }
    expect(clusters.get('barge')!.members[0]!.log).toMatch(/"msg":"rejected connection on client endpoint".*"error":"transport: certificate serial [0-9a-f]+ revoked"/);
  }, 90_000);
});
