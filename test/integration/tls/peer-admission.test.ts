// --peer-crl-file, --peer-cert-allowed-cn and --peer-cert-allowed-hostname: two Barge members with
// certificates that pass form a cluster; a third, added with etcdctl, whose peer certificate is revoked,
// has another CN, or is not valid for the allowed host, is refused by the others at every connection
// (logged as etcd logs it) and never joins, while the two keep serving. A CN and a host name allowed at
// once is refused at start, in etcd's words.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BARGE_BIN, ProcessCluster, freePort, type ClusterMember } from '../../support/process-cluster.js';
import { createTestPki, type CertFiles, type TestPki } from '../../support/tls.js';
import { until } from '../../support/wait.js';

const PEER_CN = 'etcd-peer';
const PEER_HOST = 'peer.example';

let dir: string;
let pki: TestPki;
const started: ProcessCluster[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'barge-peer-admission-'));
  pki = await createTestPki(dir);
}, 30_000);

afterAll(async () => {
  await Promise.all(started.map((c) => c.stop()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * Two members with `good` peer certificates and `flags`; then a third, with the `bad` certificate,
 * added and started. Resolves once a member refused the third's connection, with the cluster.
 */
async function refusedNewcomer(flags: readonly string[], good: CertFiles, bad: CertFiles, refusal: RegExp): Promise<{ cluster: ProcessCluster; newcomer: ClusterMember }> {
  const certs = new Map<string, CertFiles>();
  const cluster = await ProcessCluster.start(2, 'barge', [`--peer-trusted-ca-file=${pki.caFile}`, '--peer-client-cert-auth', ...flags], undefined, {
    peerScheme: 'https',
    startTimeoutMs: 60_000,
    memberFlags: (m) => {
      const files = certs.get(m.name) ?? good;
      return [`--peer-cert-file=${files.cert}`, `--peer-key-file=${files.key}`];
    },
  });
  started.push(cluster);
  expect(cluster.etcdctl(['put', 'k', 'before']).stdout).toBe('OK\n');
  const newcomer: ClusterMember = {
    name: 'm3',
    clientUrl: `http://127.0.0.1:${await freePort()}`,
    peerUrl: `https://127.0.0.1:${await freePort()}`,
    dataDir: join(cluster.dir, 'm3'),
    log: '',
  };
  expect(cluster.etcdctl(['member', 'add', 'm3', `--peer-urls=${newcomer.peerUrl}`]).stdout).toMatch(/added to cluster/);
  certs.set('m3', bad);
  cluster.members.push(newcomer);
  cluster.spawn(newcomer, 'existing');
  const [m1, m2] = cluster.members;
  await until('a member to refuse the newcomer', () => refusal.test(m1!.log + m2!.log), { timeoutMs: 30_000 });
  return { cluster, newcomer };
}

/** What a refused newcomer cannot do, and what the two others still do. */
function expectShutOut(cluster: ProcessCluster, newcomer: ClusterMember): void {
  const [m1, m2] = cluster.members;
  const endpoints = [m1!, m2!].map((m) => m.clientUrl.replace('http://', ''));
  expect(cluster.etcdctl(['put', 'k', 'after'], endpoints).stdout).toBe('OK\n');
  expect(cluster.etcdctl(['get', 'k', '--print-value-only'], endpoints).stdout).toBe('after\n');
  // It never received the cluster's data: a linearizable read on it cannot be served.
  const onNewcomer = cluster.etcdctl(['get', 'k', '--print-value-only', '--command-timeout=2s'], [newcomer.clientUrl.replace('http://', '')]);
  expect(onNewcomer.stdout).not.toBe('after\n');
  expect(cluster.etcdctl(['member', 'list'], endpoints).stdout).toMatch(/, unstarted, , https:\/\/127\.0\.0\.1:\d+, , false$/m);
}

describe('peer certificate admission', () => {
  it('--peer-cert-allowed-cn: a member whose certificate has another CN is refused', async () => {
    const good = await pki.issue('peer-good-cn', { commonName: PEER_CN });
    const bad = await pki.issue('peer-other-cn', { commonName: 'intruder' });
    const { cluster, newcomer } = await refusedNewcomer([`--peer-cert-allowed-cn=${PEER_CN}`], good, bad, /"msg":"rejected connection on peer endpoint".*"error":"client certificate authentication failed"/);
    expectShutOut(cluster, newcomer);
    await cluster.stop();
  }, 120_000);

  it('--peer-cert-allowed-hostname: a member whose certificate is not valid for the host is refused', async () => {
    const good = await pki.issue('peer-good-host', { commonName: 'a', hosts: ['127.0.0.1', PEER_HOST] });
    // Its CN names the host, but host names come from the SANs only.
    const bad = await pki.issue('peer-other-host', { commonName: PEER_HOST, hosts: ['127.0.0.1', 'elsewhere.example'] });
    const { cluster, newcomer } = await refusedNewcomer([`--peer-cert-allowed-hostname=${PEER_HOST}`], good, bad, /"msg":"rejected connection on peer endpoint".*"error":"client certificate authentication failed"/);
    expectShutOut(cluster, newcomer);
    await cluster.stop();
  }, 120_000);

  it('--peer-crl-file: a member whose certificate is revoked is refused', async () => {
    const good = await pki.issue('peer-good-crl', { commonName: 'a' });
    const bad = await pki.issue('peer-revoked', { commonName: 'b' });
    const crl = join(dir, 'peer.crl');
    await pki.revoke(crl, [bad]);
    const { cluster, newcomer } = await refusedNewcomer([`--peer-crl-file=${crl}`], good, bad, /"msg":"rejected connection on peer endpoint".*"error":"transport: certificate serial [0-9a-f]+ revoked"/);
    expectShutOut(cluster, newcomer);
    await cluster.stop();
  }, 120_000);

  it('a CN and a host name allowed at once stop the member at start, as etcd refuses them', async () => {
    const files = await pki.issue('peer-both', { commonName: PEER_CN });
    const peerUrl = `https://127.0.0.1:${await freePort()}`;
    const args = [
      `--data-dir=${join(dir, 'both')}`,
      `--listen-client-urls=http://127.0.0.1:${await freePort()}`,
      `--advertise-client-urls=http://127.0.0.1:${await freePort()}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      `--peer-cert-file=${files.cert}`,
      `--peer-key-file=${files.key}`,
      `--peer-trusted-ca-file=${pki.caFile}`,
      `--peer-cert-allowed-cn=${PEER_CN}`,
      `--peer-cert-allowed-hostname=${PEER_HOST}`,
    ];
    const result = spawnSync(process.execPath, [BARGE_BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`AllowedCN and AllowedHostname are mutually exclusive (cn=\\"${PEER_CN}\\", hostname=\\"${PEER_HOST}\\")`);
  }, 60_000);
});
