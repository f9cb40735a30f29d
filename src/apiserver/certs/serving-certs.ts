// HTTPS for the apiserver: the given --tls-cert-file/--tls-private-key-file, or a CA and a serving
// certificate generated into --cert-dir (kept across restarts); and the admin kubeconfig beside them,
// its client certificate (CN=kubernetes-admin, O=system:masters) signed by that CA.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCertificateAuthority, issueCertificate } from '../../pki/certificates.js';
import { pathExists } from '../../storage/data-dir.js';
import { kubeconfigYaml } from '../../pki/kubeconfig-yaml.js';

export interface ServingCertificates {
  readonly cert: string;
  readonly key: string;
  /** The generated CA (absent when a serving certificate was given: clients use their own roots). */
  readonly caPem?: string;
  readonly adminCert: string;
  readonly adminKey: string;
}

export interface ServingCertRequest {
  readonly certDir: string;
  /** Names and addresses the serving certificate is valid for. */
  readonly hosts: readonly string[];
  readonly tlsCertFile?: string;
  readonly tlsPrivateKeyFile?: string;
}

/** The names kube-apiserver's serving certificate carries besides its addresses. */
const SERVICE_NAMES = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];

async function writeSecret(file: string, text: string): Promise<void> {
  await writeFile(file, text, { mode: 0o600 });
}

/** Everything generated at once, so the files always belong together. */
async function generate(request: ServingCertRequest, files: Record<'caCert' | 'caKey' | 'cert' | 'key' | 'adminCert' | 'adminKey', string>): Promise<void> {
  const ca = await createCertificateAuthority('barge-apiserver-ca', 3650);
  const serving = await issueCertificate(ca, {
    commonName: 'kube-apiserver',
    hosts: [...new Set([...SERVICE_NAMES, ...request.hosts])],
    usages: ['server'],
  });
  const admin = await issueCertificate(ca, { commonName: 'kubernetes-admin', organization: 'system:masters', usages: ['client'] });
  await writeFile(files.caCert, ca.cert, { mode: 0o644 });
  await writeSecret(files.caKey, ca.key);
  await writeFile(files.cert, serving.cert, { mode: 0o644 });
  await writeSecret(files.key, serving.key);
  await writeFile(files.adminCert, admin.cert, { mode: 0o644 });
  await writeSecret(files.adminKey, admin.key);
}

export async function servingCertificates(request: ServingCertRequest): Promise<ServingCertificates> {
  await mkdir(request.certDir, { recursive: true, mode: 0o700 });
  const files = {
    caCert: join(request.certDir, 'ca.crt'),
    caKey: join(request.certDir, 'ca.key'),
    cert: join(request.certDir, 'apiserver.crt'),
    key: join(request.certDir, 'apiserver.key'),
    adminCert: join(request.certDir, 'admin.crt'),
    adminKey: join(request.certDir, 'admin.key'),
  };
  const present = await Promise.all(Object.values(files).map((f) => pathExists(f)));
  if (present.includes(false)) await generate(request, files);
  const [caPem, adminCert, adminKey] = await Promise.all([files.caCert, files.adminCert, files.adminKey].map((f) => readFile(f, 'utf8')));
  const certFile = request.tlsCertFile ?? files.cert;
  const keyFile = request.tlsPrivateKeyFile ?? files.key;
  return {
    cert: await readFile(certFile, 'utf8'),
    key: await readFile(keyFile, 'utf8'),
    ...(request.tlsCertFile ? {} : { caPem: caPem! }),
    adminCert: adminCert!,
    adminKey: adminKey!,
  };
}

/** `<cert-dir>/admin.conf`, rewritten on every start (the address may have changed). */
export async function writeAdminKubeconfig(certDir: string, serverUrl: string, certs: ServingCertificates): Promise<string> {
  const file = join(certDir, 'admin.conf');
  await writeSecret(file, kubeconfigYaml({ server: serverUrl, ...(certs.caPem ? { caPem: certs.caPem } : {}), clientCertPem: certs.adminCert, clientKeyPem: certs.adminKey }));
  return file;
}
