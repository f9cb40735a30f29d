// The certificate tree kubeadm's `init phase certs` writes, with the subjects kubeadm gives each
// certificate: a cluster CA (CN=kubernetes) for the apiserver and its clients, a separate etcd CA
// (CN=etcd-ca) for the members' server and peer certificates and the apiserver's etcd client, and the
// service-account signing key pair. Made once; a second run reads what is there.

import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { createCertificateAuthority, issueCertificate, type CertificateAuthority } from './certificates.js';
import { pathExists } from '../storage/data-dir.js';
import { certificateAuthorityFromPem, ensurePair, pairPaths, writePrivate, writePublic, type PairPaths } from './pem-files.js';

/** kubeadm's CA lifetime is ten years; leaf certificates one year. */
const CA_DAYS = 3650;

export interface PkiRequest {
  /** The directory holding pki/ (as kubeadm's /etc/kubernetes). */
  readonly dir: string;
  /** Names of the etcd (Barge) members; each gets pki/etcd/<name>-server and -peer. */
  readonly etcdMembers: readonly string[];
  /** Extra names and IPs the apiserver is reached at (beyond localhost and the kubernetes service names). */
  readonly apiserverHosts?: readonly string[];
  /** The first address of the service cluster IP range (the `kubernetes` Service's ClusterIP). */
  readonly kubernetesServiceIp?: string;
}

export interface EtcdMemberPki {
  readonly server: PairPaths;
  readonly peer: PairPaths;
}

export interface Pki {
  readonly ca: PairPaths;
  readonly caAuthority: CertificateAuthority;
  readonly apiserver: PairPaths;
  readonly apiserverEtcdClient: PairPaths;
  readonly etcdCa: PairPaths;
  readonly etcdMembers: ReadonlyMap<string, EtcdMemberPki>;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
}

const LOOPBACK = ['localhost', '127.0.0.1', '::1'];

async function ensureAuthority(paths: PairPaths, commonName: string): Promise<CertificateAuthority> {
  const pem = await ensurePair(paths, () => createCertificateAuthority(commonName, CA_DAYS));
  return certificateAuthorityFromPem(pem);
}

/** The service-account key pair: RSA 2048, PKCS#1 private and PKIX public, as kubeadm writes sa.key/sa.pub. */
async function ensureServiceAccountKeys(keyFile: string, pubFile: string): Promise<void> {
  if ((await pathExists(keyFile)) && (await pathExists(pubFile))) return;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  await writePrivate(keyFile, privateKey);
  await writePublic(pubFile, publicKey);
}

export async function ensurePki(request: PkiRequest): Promise<Pki> {
  const pki = join(request.dir, 'pki');
  const ca = pairPaths(join(pki, 'ca'));
  const caAuthority = await ensureAuthority(ca, 'kubernetes');
  const apiserver = pairPaths(join(pki, 'apiserver'));
  await ensurePair(apiserver, () =>
    issueCertificate(caAuthority, {
      commonName: 'kube-apiserver',
      usages: ['server'],
      hosts: [
        'kubernetes',
        'kubernetes.default',
        'kubernetes.default.svc',
        'kubernetes.default.svc.cluster.local',
        request.kubernetesServiceIp ?? '10.0.0.1',
        ...LOOPBACK,
        ...(request.apiserverHosts ?? []),
      ],
    }),
  );

  const etcdCa = pairPaths(join(pki, 'etcd', 'ca'));
  const etcdAuthority = await ensureAuthority(etcdCa, 'etcd-ca');
  const apiserverEtcdClient = pairPaths(join(pki, 'apiserver-etcd-client'));
  await ensurePair(apiserverEtcdClient, () => issueCertificate(etcdAuthority, { commonName: 'kube-apiserver-etcd-client', usages: ['client'] }));
  const etcdMembers = new Map<string, EtcdMemberPki>();
  for (const name of request.etcdMembers) {
    // kubeadm's etcd server and peer certificates both name the member and serve and dial.
    const server = pairPaths(join(pki, 'etcd', `${name}-server`));
    const peer = pairPaths(join(pki, 'etcd', `${name}-peer`));
    await ensurePair(server, () => issueCertificate(etcdAuthority, { commonName: name, hosts: [name, ...LOOPBACK], usages: ['server', 'client'] }));
    await ensurePair(peer, () => issueCertificate(etcdAuthority, { commonName: name, hosts: [name, ...LOOPBACK], usages: ['server', 'client'] }));
    etcdMembers.set(name, { server, peer });
  }

  const serviceAccountKey = join(pki, 'sa.key');
  const serviceAccountPub = join(pki, 'sa.pub');
  await ensureServiceAccountKeys(serviceAccountKey, serviceAccountPub);
  return { ca, caAuthority, apiserver, apiserverEtcdClient, etcdCa, etcdMembers, serviceAccountKey, serviceAccountPub };
}
