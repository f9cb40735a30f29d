// --auto-tls and --peer-auto-tls: three members that make their own self-signed certificates at startup
// (in <data-dir>/fixtures/client and /peer, as etcd does), talk to each other over TLS with them, and
// serve etcdctl when it skips verification — but not when it verifies, as nobody signed them.

import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../support/process-cluster.js';

let cluster: ProcessCluster;

beforeAll(async () => {
  cluster = await ProcessCluster.start(3, 'barge', ['--auto-tls', '--peer-auto-tls'], undefined, {
    clientScheme: 'https',
    peerScheme: 'https',
    etcdctlFlags: ['--insecure-transport=false', '--insecure-skip-tls-verify'],
  });
}, 60_000);

afterAll(async () => {
  await cluster?.stop();
});

function certificateOf(dataDir: string, side: 'client' | 'peer'): X509Certificate {
  return new X509Certificate(readFileSync(join(dataDir, 'fixtures', side, 'cert.pem')));
}

describe('auto TLS', () => {
  it('etcdctl --insecure-transport=false --insecure-skip-tls-verify writes on one member and reads on another', () => {
    const [m1, , m3] = cluster.members;
    expect(cluster.etcdctl(['put', 'auto', 'tls'], [m1!.clientUrl]).stdout).toBe('OK\n');
    expect(cluster.etcdctl(['get', 'auto', '--print-value-only'], [m3!.clientUrl]).stdout).toBe('tls\n');
    const health = cluster.etcdctl(['endpoint', 'health']);
    expect(health.status).toBe(0);
    for (const m of cluster.members) expect(health.stdout + health.stderr).toContain(`${m.clientUrl} is healthy`);
  });

  it('each member made a self-signed client and peer certificate for 127.0.0.1, valid for a year, in its data dir', () => {
    for (const m of cluster.members) {
      for (const side of ['client', 'peer'] as const) {
        expect(existsSync(join(m.dataDir, 'fixtures', side, 'key.pem'))).toBe(true);
        const cert = certificateOf(m.dataDir, side);
        expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
        expect(cert.subject).toContain('O=etcd');
        expect(cert.issuer).toBe(cert.subject);
        expect(cert.verify(cert.publicKey)).toBe(true);
        const days = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000;
        expect(Math.round(days)).toBe(365);
      }
      expect(certificateOf(m.dataDir, 'client').fingerprint256).not.toBe(certificateOf(m.dataDir, 'peer').fingerprint256);
    }
  });

  it('etcdctl that verifies the server certificate is refused: nobody it trusts signed it', () => {
    const result = spawnSync(
      'etcdctl',
      [`--endpoints=${cluster.members[0]!.clientUrl}`, '--insecure-transport=false', '--dial-timeout=2s', '--command-timeout=3s', 'get', 'auto'],
      { env: { ...process.env, ETCDCTL_API: '3' }, encoding: 'utf8', timeout: 15_000 },
    );
    expect(result.status).not.toBe(0);
    expect(result.stdout).not.toContain('tls');
  });

  it('a restarted member keeps its certificates and rejoins over TLS', async () => {
    const m3 = cluster.members[2]!;
    const before = [certificateOf(m3.dataDir, 'client').fingerprint256, certificateOf(m3.dataDir, 'peer').fingerprint256];
    await cluster.kill(m3);
    cluster.spawn(m3);
    await cluster.waitHealthy();
    expect([certificateOf(m3.dataDir, 'client').fingerprint256, certificateOf(m3.dataDir, 'peer').fingerprint256]).toEqual(before);
    expect(cluster.etcdctl(['put', 'after-restart', 'yes'], [m3.clientUrl]).stdout).toBe('OK\n');
    expect(cluster.etcdctl(['get', 'after-restart', '--print-value-only'], [cluster.members[0]!.clientUrl]).stdout).toBe('yes\n');
  }, 40_000);
});
