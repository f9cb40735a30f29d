// Front-proxy authentication against `barge apiserver` started with kubeadm's --requestheader-* flags:
// HTTPS requests from Node carrying certificates a front-proxy CA made for the test. The CA's
// `front-proxy-client` names the user in X-Remote-User/-Group/-Extra-*; the same headers from anyone
// else mean nothing; kube-system/extension-apiserver-authentication publishes the settings.

import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueCertificate, type CertificatePem } from '../../../src/pki/certificates.js';
import { ApiserverProcess, prepareBargeBinary, startCluster } from '../apiserver/apiserver-process.js';
import type { ProcessCluster } from '../../support/process-cluster.js';

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

describe('front-proxy (requestheader) authentication', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gate-front-proxy-'));
  let cluster: ProcessCluster;
  let api: ApiserverProcess;
  let proxy: CertificatePem;
  let intruder: CertificatePem;
  let proxyCa: string;

  /** One HTTPS request with the given client certificate (if any) and headers. */
  const send = (method: string, path: string, cert: CertificatePem | undefined, headers: Record<string, string | string[]> = {}, body = ''): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = request(
        `${api.url}${path}`,
        { method, headers: { 'Content-Type': 'application/json', ...headers }, ca: readFileSync(join(api.dir, 'certs', 'ca.crt')), ...(cert ? { cert: cert.cert, key: cert.key } : {}) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown> }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const whoami = (cert: CertificatePem | undefined, headers: Record<string, string | string[]>) =>
    send('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', cert, headers, JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }));
  const ALICE = { 'X-Remote-User': 'alice', 'X-Remote-Group': ['devs', 'qa'], 'X-Remote-Extra-Scopes': 'read', 'X-Remote-Extra-Acme.com%2fproject': 'p1' };

  beforeAll(async () => {
    prepareBargeBinary();
    const ca = await createCertificateAuthority('front-proxy-ca');
    proxyCa = ca.cert;
    writeFileSync(join(dir, 'front-proxy-ca.crt'), ca.cert);
    [proxy, intruder] = await Promise.all([issueCertificate(ca, { commonName: 'front-proxy-client', usages: ['client'] }), issueCertificate(ca, { commonName: 'intruder', usages: ['client'] })]);
    cluster = await startCluster(1, 'barge');
    api = await ApiserverProcess.start(cluster.endpoints, [
      '--authorization-mode=RBAC',
      `--requestheader-client-ca-file=${join(dir, 'front-proxy-ca.crt')}`,
      '--requestheader-allowed-names=front-proxy-client',
      '--requestheader-username-headers=X-Remote-User',
      '--requestheader-group-headers=X-Remote-Group',
      '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    ]);
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes the user, groups and extra fields from the headers of the front proxy', async () => {
    expect(await whoami(proxy, ALICE)).toEqual({
      status: 201,
      body: {
        kind: 'SelfSubjectReview',
        apiVersion: 'authentication.k8s.io/v1',
        metadata: { creationTimestamp: expect.stringMatching(/Z$/) as unknown },
        status: { userInfo: { username: 'alice', groups: ['devs', 'qa', 'system:authenticated'], extra: { scopes: ['read'], 'acme.com/project': ['p1'] } } },
      },
    });
    // The proxied user is authorized as itself.
    expect(await send('GET', '/api/v1/namespaces/default/pods', proxy, ALICE)).toMatchObject({
      status: 403,
      body: { reason: 'Forbidden', message: 'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"' },
    });
  });

  it('ignores the headers from anyone else', async () => {
    // A client certificate of the cluster's CA is its own user, whatever the headers say.
    const admin = readFileSync(join(api.dir, 'certs', 'admin.crt'), 'utf8');
    const adminCert = { cert: admin, key: readFileSync(join(api.dir, 'certs', 'admin.key'), 'utf8') };
    const asAdmin = await whoami(adminCert, ALICE);
    expect(asAdmin.status).toBe(201);
    expect((asAdmin.body['status'] as { userInfo: { username: string } }).userInfo.username).toBe(new X509Certificate(admin).subject.match(/CN=(.*)/)![1]);
    // No certificate: anonymous.
    expect(await send('GET', '/api/v1/namespaces/default/pods', undefined, ALICE)).toMatchObject({
      status: 403,
      body: { message: 'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "default"' },
    });
    // The front-proxy CA's certificate with a name not allowed, or without a user header: 401.
    expect(await whoami(intruder, ALICE)).toMatchObject({ status: 401, body: { reason: 'Unauthorized', message: 'Unauthorized' } });
    expect(await whoami(proxy, { 'X-Remote-Group': 'devs' })).toMatchObject({ status: 401 });
  });

  it('publishes kube-system/extension-apiserver-authentication', () => {
    const result = api.kubectl(['get', 'configmap', 'extension-apiserver-authentication', '-n', 'kube-system', '-o', 'json']);
    expect(result.stderr).toBe('');
    const data = (JSON.parse(result.stdout) as { data: Record<string, string> }).data;
    expect(Object.keys(data).sort()).toEqual(['client-ca-file', 'requestheader-allowed-names', 'requestheader-client-ca-file', 'requestheader-extra-headers-prefix', 'requestheader-group-headers', 'requestheader-username-headers']);
    expect(data).toMatchObject({
      'requestheader-allowed-names': '["front-proxy-client"]',
      'requestheader-username-headers': '["X-Remote-User"]',
      'requestheader-group-headers': '["X-Remote-Group"]',
      'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
    });
    expect(new X509Certificate(data['requestheader-client-ca-file']!).fingerprint256).toBe(new X509Certificate(proxyCa).fingerprint256);
    expect(new X509Certificate(data['client-ca-file']!).fingerprint256).toBe(new X509Certificate(readFileSync(join(api.dir, 'certs', 'ca.crt'))).fingerprint256);
  });
});
