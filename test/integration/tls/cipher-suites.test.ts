// --cipher-suites, differentially: a real etcd 3.4 and Barge (one member each, https client and peer URLs,
// the same certificate and suite list) accept the same TLS 1.2 handshakes (a listed suite) and refuse the same (an
// unlisted one), keep TLS 1.3 on (Go does not let its suites be configured), and serve etcdctl. An
// unknown suite name stops both with the same error.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type ConnectionOptions } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BARGE_BIN, freePort, type Implementation, type ProcessCluster } from '../../support/process-cluster.js';
import { createTestPki, type TestPki } from '../../support/tls.js';
import { startSideBySide, stopSideBySide } from './side-by-side.js';

let dir: string;
let pki: TestPki;
const clusters = new Map<Implementation, ProcessCluster>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'barge-ciphers-'));
  pki = await createTestPki(dir);
  const member = await pki.member('m1');
  const flags = [
    `--cert-file=${member.cert}`,
    `--key-file=${member.key}`,
    `--peer-cert-file=${member.cert}`,
    `--peer-key-file=${member.key}`,
    '--cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305',
  ];
  for (const [impl, cluster] of await startSideBySide(flags, { peerScheme: 'https', etcdctlFlags: [`--cacert=${pki.caFile}`] })) clusters.set(impl, cluster);
}, 90_000);

afterAll(async () => {
  await stopSideBySide(clusters);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A TLS handshake with the member's client URL: the protocol and suite agreed, or 'refused'. */
function handshake(url: string, options: ConnectionOptions): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port), ca: pki.caPem, ...options }, () => {
      const cipher = socket.getCipher();
      resolve(`${socket.getProtocol()} ${cipher.standardName}`);
      socket.destroy();
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error('timed out')));
    socket.on('error', () => resolve('refused'));
  });
}

describe('--cipher-suites', () => {
  it('allows the listed TLS 1.2 suites only, TLS 1.3 as it is, on client and peer URLs, on etcd and Barge alike', async () => {
    const probes: Record<string, ConnectionOptions> = {
      listed: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' },
      unlisted: { maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' },
      tls13: { minVersion: 'TLSv1.3' },
    };
    const answers: Record<string, Record<string, string>> = {};
    for (const [impl, cluster] of clusters) {
      for (const side of ['client', 'peer'] as const) {
        const url = side === 'client' ? cluster.members[0]!.clientUrl : cluster.members[0]!.peerUrl;
        const answer: Record<string, string> = {};
        for (const [name, options] of Object.entries(probes)) answer[name] = await handshake(url, options);
        // Which TLS 1.3 suite a server prefers is Go's or OpenSSL's own choice: the protocol is what counts.
        answer['tls13'] = answer['tls13']!.split(' ')[0]!;
        answers[`${impl} ${side}`] = answer;
      }
      expect(cluster.etcdctl(['put', 'k', 'v']).stdout).toBe('OK\n');
    }
    const expected = { listed: 'TLSv1.2 TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', unlisted: 'refused', tls13: 'TLSv1.3' };
    expect(answers).toEqual({ 'etcd client': expected, 'etcd peer': expected, 'barge client': expected, 'barge peer': expected });
  }, 60_000);

  it('an unknown suite stops the member with etcd\'s error', async () => {
    const client = `http://127.0.0.1:${await freePort()}`;
    const peer = `http://127.0.0.1:${await freePort()}`;
    const args = ['--cipher-suites=TLS_NO_SUCH_SUITE', `--listen-client-urls=${client}`, `--advertise-client-urls=${client}`, `--listen-peer-urls=${peer}`, `--initial-advertise-peer-urls=${peer}`, `--initial-cluster=default=${peer}`];
    const etcd = spawnSync('etcd', [`--data-dir=${join(dir, 'etcd-bogus')}`, ...args], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
    const barge = spawnSync(process.execPath, [BARGE_BIN, `--data-dir=${join(dir, 'barge-bogus')}`, ...args], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
    expect(etcd.status).not.toBe(0);
    expect(etcd.stderr).toContain('unexpected TLS cipher suite "TLS_NO_SUCH_SUITE"');
    expect(barge.status).toBe(1);
    expect(barge.stderr).toContain('unexpected TLS cipher suite \\"TLS_NO_SUCH_SUITE\\"');
  }, 60_000);
});
