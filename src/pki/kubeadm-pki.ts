// The certificate tree kubeadm's `init phase certs` writes, file for file and in its order, with the
// subjects kubeadm gives each certificate: a cluster CA (CN=kubernetes) for the apiserver and its
// clients, the front-proxy CA and its client, a separate etcd CA (CN=etcd-ca) for the members' server
// and peer certificates, the health-check client and the apiserver's etcd client, and the
// service-account signing key pair. Made once; a second run reads what is there.
//
// kubeadm writes one member's pair per control-plane node (pki/etcd/server and peer, each node its own
// directory). With one member Barge writes the same names; with several in one directory (`barge up`,
// `barge init --etcd-members=a,b,c`) each member's pair is pki/etcd/<member>-server and -peer instead.

import { generateKeyPairSync } from 'node:crypto';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { createCertificateAuthority, issueCertificate, type CertificateAuthority, type CertificateRequest } from './certificates.js';
import { pathExists } from '../storage/data-dir.js';
import { certificateAuthorityFromPem, ensurePair, pairPaths, readPair, writePrivate, writePublic, type PairPaths } from './pem-files.js';

/** kubeadm's CA lifetime is ten years; leaf certificates one year. */
const CA_DAYS = 3650;

export interface PkiRequest {
  /** The directory holding pki/ (as kubeadm's /etc/kubernetes). */
  readonly dir: string;
  /** Where the certificates go instead of `<dir>/pki` (kubeadm's --cert-dir). */
  readonly certDir?: string;
  /** Names of the etcd (Barge) members: one gets pki/etcd/server and peer, several pki/etcd/<name>-server and -peer. */
  readonly etcdMembers: readonly string[];
  /** Extra names and IPs the apiserver is reached at (beyond localhost and the kubernetes service names). */
  readonly apiserverHosts?: readonly string[];
  /** Extra names and IPs the members are reached at (beyond their names and localhost). */
  readonly etcdHosts?: readonly string[];
  /** The first address of the service cluster IP range (the `kubernetes` Service's ClusterIP). */
  readonly kubernetesServiceIp?: string;
  /** The cluster's DNS domain (kubeadm's --service-dns-domain). */
  readonly serviceDnsDomain?: string;
}

export interface EtcdMemberPki {
  readonly server: PairPaths;
  readonly peer: PairPaths;
}

export interface Pki {
  readonly ca: PairPaths;
  readonly caAuthority: CertificateAuthority;
  readonly apiserver: PairPaths;
  readonly apiserverKubeletClient: PairPaths;
  readonly frontProxyCa: PairPaths;
  readonly frontProxyClient: PairPaths;
  readonly etcdCa: PairPaths;
  readonly etcdMembers: ReadonlyMap<string, EtcdMemberPki>;
  readonly etcdHealthcheckClient: PairPaths;
  readonly apiserverEtcdClient: PairPaths;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
}

const LOOPBACK = ['localhost', '127.0.0.1', '::1'];
/** kubeadm's organization for the apiserver's kubelet and etcd clients and the etcd health check. */
const MASTERS = 'system:masters';

/** kubeadm's base name of a member's pair: its own when it shares pki/etcd with other members. */
function memberBase(name: string, kind: 'server' | 'peer', members: readonly string[]): string {
  return members.length === 1 ? `etcd/${kind}` : `etcd/${name}-${kind}`;
}

/** Where each step is told, in kubeadm's words ("[certs] Generating "ca" certificate and key"). */
export type PkiReport = (line: string) => void;

/** "… serving cert is signed for DNS names [a b] and IPs [c d]", as kubeadm prints Go's slices: names sorted, IPs as given. */
function servingLine(name: string, hosts: readonly string[]): string {
  const unique = [...new Set(hosts.map((h) => h.replace(/^\[|\]$/g, '')))];
  const dns = unique.filter((h) => isIP(h) === 0).sort();
  const ips = unique.filter((h) => isIP(h) !== 0);
  return `[certs] ${name} serving cert is signed for DNS names [${dns.join(' ')}] and IPs [${ips.join(' ')}]`;
}

async function ensureAuthority(name: string, paths: PairPaths, commonName: string, report: PkiReport): Promise<CertificateAuthority> {
  const existing = await readPair(paths);
  report(existing ? `[certs] Using existing ${name} certificate authority` : `[certs] Generating "${name}" certificate and key`);
  const pem = await ensurePair(paths, () => createCertificateAuthority(commonName, CA_DAYS));
  return certificateAuthorityFromPem(pem);
}

/** A leaf certificate signed by `ca`, made unless `paths` hold one already. */
async function ensureLeaf(name: string, paths: PairPaths, ca: CertificateAuthority, request: CertificateRequest, report: PkiReport): Promise<void> {
  if (await readPair(paths)) return report(`[certs] Using existing ${name} certificate and key on disk`);
  report(`[certs] Generating "${name}" certificate and key`);
  await ensurePair(paths, () => issueCertificate(ca, request));
  if (request.usages?.includes('server')) report(servingLine(name, request.hosts ?? []));
}

/** The service-account key pair: RSA 2048, PKCS#1 private and PKIX public, as kubeadm writes sa.key/sa.pub. */
async function ensureServiceAccountKeys(keyFile: string, pubFile: string, report: PkiReport): Promise<void> {
  if ((await pathExists(keyFile)) && (await pathExists(pubFile))) return report('[certs] Using the existing "sa" key');
  report('[certs] Generating "sa" key and public key');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  await writePrivate(keyFile, privateKey);
  await writePublic(pubFile, publicKey);
}

export async function ensurePki(request: PkiRequest, report: PkiReport = () => undefined): Promise<Pki> {
  const pki = request.certDir ?? join(request.dir, 'pki');
  const paths = (base: string): PairPaths => pairPaths(join(pki, base));
  const leaf = async (base: string, ca: CertificateAuthority, certificate: CertificateRequest): Promise<PairPaths> => {
    await ensureLeaf(base, paths(base), ca, certificate, report);
    return paths(base);
  };
  const ca = paths('ca');
  const caAuthority = await ensureAuthority('ca', ca, 'kubernetes', report);
  const domain = request.serviceDnsDomain ?? 'cluster.local';
  const apiserverHosts = [...new Set([
    'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', `kubernetes.default.svc.${domain}`,
    request.kubernetesServiceIp ?? '10.0.0.1', ...LOOPBACK, ...(request.apiserverHosts ?? []),
  ])];
  const apiserver = await leaf('apiserver', caAuthority, { commonName: 'kube-apiserver', usages: ['server'], hosts: apiserverHosts });
  const apiserverKubeletClient = await leaf('apiserver-kubelet-client', caAuthority, { commonName: 'kube-apiserver-kubelet-client', organization: MASTERS, usages: ['client'] });
  const frontProxyCa = paths('front-proxy-ca');
  const frontProxyAuthority = await ensureAuthority('front-proxy-ca', frontProxyCa, 'front-proxy-ca', report);
  const frontProxyClient = await leaf('front-proxy-client', frontProxyAuthority, { commonName: 'front-proxy-client', usages: ['client'] });

  const etcdCa = paths('etcd/ca');
  const etcdAuthority = await ensureAuthority('etcd/ca', etcdCa, 'etcd-ca', report);
  const etcdMembers = new Map<string, EtcdMemberPki>();
  for (const name of request.etcdMembers) {
    // kubeadm's etcd server and peer certificates both name the member and serve and dial.
    const member = { commonName: name, hosts: [...new Set([name, ...(request.etcdHosts ?? []), ...LOOPBACK])], usages: ['server', 'client'] } as const;
    const server = await leaf(memberBase(name, 'server', request.etcdMembers), etcdAuthority, member);
    const peer = await leaf(memberBase(name, 'peer', request.etcdMembers), etcdAuthority, member);
    etcdMembers.set(name, { server, peer });
  }
  const etcdHealthcheckClient = await leaf('etcd/healthcheck-client', etcdAuthority, { commonName: 'kube-etcd-healthcheck-client', organization: MASTERS, usages: ['client'] });
  const apiserverEtcdClient = await leaf('apiserver-etcd-client', etcdAuthority, { commonName: 'kube-apiserver-etcd-client', organization: MASTERS, usages: ['client'] });

  const serviceAccountKey = join(pki, 'sa.key');
  const serviceAccountPub = join(pki, 'sa.pub');
  await ensureServiceAccountKeys(serviceAccountKey, serviceAccountPub, report);
  return { ca, caAuthority, apiserver, apiserverKubeletClient, frontProxyCa, frontProxyClient, etcdCa, etcdMembers, etcdHealthcheckClient, apiserverEtcdClient, serviceAccountKey, serviceAccountPub };
}
