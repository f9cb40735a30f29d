import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ensureClusterKubeconfigs, ensurePki, type ClusterKubeconfigs, type Pki } from '../../../src/pki/index.js';

const openssl = (...args: string[]): string => execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const subjectOf = (certFile: string): string => openssl('x509', '-in', certFile, '-noout', '-subject', '-nameopt', 'RFC2253');

describe('kubeadm-like PKI', () => {
  let dir: string;
  let pki: Pki;
  let kubeconfigs: ClusterKubeconfigs;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'barge-pki-'));
    pki = await ensurePki({ dir, etcdMembers: ['barge-1', 'barge-2'] });
    kubeconfigs = await ensureClusterKubeconfigs(pki.caAuthority, dir, 'https://127.0.0.1:6443', ['n1']);
  }, 30_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes kubeadm\'s file layout, a pair per member when they share pki/etcd', () => {
    for (const file of ['pki/ca.crt', 'pki/ca.key', 'pki/apiserver.crt', 'pki/apiserver.key', 'pki/apiserver-etcd-client.crt', 'pki/apiserver-etcd-client.key',
      'pki/apiserver-kubelet-client.crt', 'pki/apiserver-kubelet-client.key', 'pki/front-proxy-ca.crt', 'pki/front-proxy-ca.key', 'pki/front-proxy-client.crt', 'pki/front-proxy-client.key',
      'pki/etcd/ca.crt', 'pki/etcd/ca.key', 'pki/etcd/barge-1-server.crt', 'pki/etcd/barge-2-peer.key', 'pki/etcd/healthcheck-client.crt', 'pki/etcd/healthcheck-client.key', 'pki/sa.key', 'pki/sa.pub',
      'admin.conf', 'super-admin.conf', 'controller-manager.conf', 'scheduler.conf', 'kubelet-n1.conf']) {
      expect(statSync(join(dir, file)).isFile(), file).toBe(true);
    }
    expect(statSync(join(dir, 'pki/ca.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'pki/sa.key'), 'utf8')).toContain('BEGIN RSA PRIVATE KEY');
    expect(readFileSync(join(dir, 'pki/sa.pub'), 'utf8')).toContain('BEGIN PUBLIC KEY');
  });

  it('chains every certificate to its CA (openssl verify) with kubeadm\'s subjects', () => {
    const ca = join(dir, 'pki/ca.crt');
    const etcdCa = join(dir, 'pki/etcd/ca.crt');
    expect(openssl('verify', '-CAfile', ca, join(dir, 'pki/apiserver.crt'))).toMatch(/: OK$/);
    expect(openssl('verify', '-CAfile', etcdCa, join(dir, 'pki/apiserver-etcd-client.crt'))).toMatch(/: OK$/);
    expect(openssl('verify', '-CAfile', etcdCa, join(dir, 'pki/etcd/barge-1-server.crt'))).toMatch(/: OK$/);
    expect(() => openssl('verify', '-CAfile', ca, join(dir, 'pki/etcd/barge-1-peer.crt'))).toThrow();
    expect(subjectOf(ca)).toBe('subject=CN=kubernetes');
    expect(subjectOf(etcdCa)).toBe('subject=CN=etcd-ca');
    expect(subjectOf(join(dir, 'pki/apiserver.crt'))).toBe('subject=CN=kube-apiserver');
    expect(subjectOf(join(dir, 'pki/apiserver-etcd-client.crt'))).toBe('subject=CN=kube-apiserver-etcd-client,O=system:masters');
    expect(subjectOf(join(dir, 'pki/etcd/healthcheck-client.crt'))).toBe('subject=CN=kube-etcd-healthcheck-client,O=system:masters');
    expect(subjectOf(join(dir, 'pki/apiserver-kubelet-client.crt'))).toBe('subject=CN=kube-apiserver-kubelet-client,O=system:masters');
    expect(openssl('verify', '-CAfile', ca, join(dir, 'pki/apiserver-kubelet-client.crt'))).toMatch(/: OK$/);
    expect(openssl('verify', '-CAfile', join(dir, 'pki/front-proxy-ca.crt'), join(dir, 'pki/front-proxy-client.crt'))).toMatch(/: OK$/);
    expect(subjectOf(join(dir, 'pki/front-proxy-ca.crt'))).toBe('subject=CN=front-proxy-ca');
    expect(subjectOf(join(dir, 'pki/front-proxy-client.crt'))).toBe('subject=CN=front-proxy-client');
    expect(subjectOf(join(dir, 'pki/etcd/barge-2-peer.crt'))).toBe('subject=CN=barge-2');
    const sans = openssl('x509', '-in', join(dir, 'pki/apiserver.crt'), '-noout', '-ext', 'subjectAltName');
    expect(sans).toContain('DNS:kubernetes.default.svc.cluster.local');
    expect(sans).toContain('IP Address:127.0.0.1');
  });

  it('gives each kubeconfig the identity kubeadm does, signed by the cluster CA', () => {
    const expected: Array<[string, string]> = [
      [kubeconfigs.admin, 'subject=CN=kubernetes-admin,O=kubeadm:cluster-admins'],
      [kubeconfigs.superAdmin, 'subject=CN=kubernetes-super-admin,O=system:masters'],
      [kubeconfigs.controllerManager, 'subject=CN=system:kube-controller-manager'],
      [kubeconfigs.scheduler, 'subject=CN=system:kube-scheduler'],
      [kubeconfigs.kubelets.get('n1')!, 'subject=CN=system:node:n1,O=system:nodes'],
    ];
    for (const [file, subject] of expected) {
      const config = parse(readFileSync(file, 'utf8')) as { 'current-context': string; clusters: Array<{ cluster: Record<string, string> }>; users: Array<{ name: string; user: Record<string, string> }> };
      const certFile = `${file}.crt`;
      writeFileSync(certFile, Buffer.from(config.users[0]!.user['client-certificate-data']!, 'base64'));
      expect(openssl('verify', '-CAfile', join(dir, 'pki/ca.crt'), certFile)).toMatch(/: OK$/);
      expect(subjectOf(certFile)).toBe(subject);
      expect(config['current-context']).toBe(`${config.users[0]!.name}@kubernetes`);
      expect(config.clusters[0]!.cluster.server).toBe('https://127.0.0.1:6443');
    }
  });

  it('keeps what exists on a second run', async () => {
    const before = readFileSync(join(dir, 'pki/ca.crt'), 'utf8');
    const admin = readFileSync(kubeconfigs.admin, 'utf8');
    const again = await ensurePki({ dir, etcdMembers: ['barge-1', 'barge-2', 'barge-3'] });
    await ensureClusterKubeconfigs(again.caAuthority, dir, 'https://127.0.0.1:6443', ['n1']);
    expect(readFileSync(join(dir, 'pki/ca.crt'), 'utf8')).toBe(before);
    expect(readFileSync(kubeconfigs.admin, 'utf8')).toBe(admin);
    // A CA read back from disk still signs certificates that chain to it.
    expect(openssl('verify', '-CAfile', join(dir, 'pki/etcd/ca.crt'), join(dir, 'pki/etcd/barge-3-server.crt'))).toMatch(/: OK$/);
  }, 30_000);
});

describe('kubeadm-like PKI for one member', () => {
  let dir: string;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names its pairs as kubeadm does on a control-plane node: pki/etcd/server and peer, CN the member', async () => {
    dir = mkdtempSync(join(tmpdir(), 'barge-pki-one-'));
    const lines: string[] = [];
    const pki = await ensurePki({ dir, etcdMembers: ['cp-1'], etcdHosts: ['10.0.0.5'] }, (line) => lines.push(line));
    expect(pki.etcdMembers.get('cp-1')).toEqual({ server: { certFile: join(dir, 'pki/etcd/server.crt'), keyFile: join(dir, 'pki/etcd/server.key') }, peer: { certFile: join(dir, 'pki/etcd/peer.crt'), keyFile: join(dir, 'pki/etcd/peer.key') } });
    expect(subjectOf(join(dir, 'pki/etcd/server.crt'))).toBe('subject=CN=cp-1');
    // kubeadm's order (GetDefaultCertList, then the sa key), each serving certificate followed by its names.
    expect(lines.filter((l) => l.startsWith('[certs] Generating'))).toEqual([
      'ca', 'apiserver', 'apiserver-kubelet-client', 'front-proxy-ca', 'front-proxy-client', 'etcd/ca', 'etcd/server', 'etcd/peer', 'etcd/healthcheck-client', 'apiserver-etcd-client',
    ].map((name) => `[certs] Generating "${name}" certificate and key`).concat('[certs] Generating "sa" key and public key'));
    expect(lines[lines.indexOf('[certs] Generating "etcd/peer" certificate and key') + 1]).toBe('[certs] etcd/peer serving cert is signed for DNS names [cp-1 localhost] and IPs [10.0.0.5 127.0.0.1 ::1]');
  }, 30_000);
});
