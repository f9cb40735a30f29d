// X.509 certificates made in-process (Node has no X.509 generation of its own): the self-signed
// certificate behind --auto-tls / --peer-auto-tls, and — for tests and tooling — a certificate
// authority and certificates it signs. ECDSA P-256 keys, SHA-256 signatures, PEM out.

import { webcrypto } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
// The library's dependency injection needs the Reflect metadata API installed first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { pathExists } from '../storage/data-dir.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKeyPair = webcrypto.CryptoKeyPair;

const KEY_ALGORITHM: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING_ALGORITHM: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const DAY_MS = 24 * 60 * 60 * 1000;

/** A certificate and its private key, both PEM. */
export interface CertificatePem {
  readonly cert: string;
  readonly key: string;
}

/** A certificate authority able to sign more certificates. */
export interface CertificateAuthority extends CertificatePem {
  readonly keys: CryptoKeyPair;
  readonly certificate: x509.X509Certificate;
}

export interface CertificateRequest {
  /** The subject's Common Name (for a client certificate: the user name CN-based authentication sees). */
  readonly commonName: string;
  /** Host names and IP addresses the certificate is valid for (subject alternative names). */
  readonly hosts?: readonly string[];
  /** What it may be used for: 'server', 'client', or both (the default), as a member's certificate is. */
  readonly usages?: readonly ('server' | 'client')[];
  /** The subject's Organization(s) (for a client certificate: the groups CN-based authentication sees). */
  readonly organization?: string | readonly string[];
  readonly validityDays?: number;
}

/** Host names and IPs as subject alternative names; "[::1]" and "host:port" forms are accepted. */
function alternativeNames(hosts: readonly string[]): x509.JsonGeneralName[] {
  const names: x509.JsonGeneralName[] = [];
  for (const raw of hosts) {
    const host = raw.replace(/^\[|\]$/g, '');
    if (host === '') continue;
    names.push(isIP(host) !== 0 ? { type: 'ip', value: host } : { type: 'dns', value: host });
  }
  return names;
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function privateKeyPem(keys: CryptoKeyPair): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

function subject(commonName: string, organization: string | readonly string[] = []): string {
  const escape = (value: string): string => value.replace(/([,+="\\<>;#])/g, '\\$1');
  const organizations = typeof organization === 'string' ? [organization] : organization;
  return [...organizations.map((o) => `O=${escape(o)}`), `CN=${escape(commonName)}`].join(', ');
}

function leafExtensions(request: CertificateRequest, keys: CryptoKeyPair): Promise<x509.Extension[]> {
  const usages = request.usages ?? ['server', 'client'];
  const extended = usages.map((u) => (u === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth));
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension(extended),
  ];
  const names = alternativeNames(request.hosts ?? []);
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  return x509.SubjectKeyIdentifierExtension.create(keys.publicKey).then((ski) => [...extensions, ski]);
}

function validity(days: number): { notBefore: Date; notAfter: Date } {
  // A little slack backwards, for clocks that differ slightly between machines.
  const notBefore = new Date(Date.now() - 60_000);
  return { notBefore, notAfter: new Date(notBefore.getTime() + days * DAY_MS) };
}

/** A self-signed certificate for `hosts`, usable for serving and for dialling (what --auto-tls makes). */
export async function createSelfSigned(request: CertificateRequest): Promise<CertificatePem> {
  const keys = await generateKeys();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: subject(request.commonName, request.organization),
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    ...validity(request.validityDays ?? 365),
    extensions: await leafExtensions(request, keys),
  });
  return { cert: certificate.toString('pem'), key: await privateKeyPem(keys) };
}

/** A new certificate authority. */
export async function createCertificateAuthority(commonName: string, validityDays = 365): Promise<CertificateAuthority> {
  const keys = await generateKeys();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: subject(commonName),
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    ...validity(validityDays),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { keys, certificate, cert: certificate.toString('pem'), key: await privateKeyPem(keys) };
}

/** A certificate signed by `ca`. */
export async function issueCertificate(ca: CertificateAuthority, request: CertificateRequest): Promise<CertificatePem> {
  const keys = await generateKeys();
  const certificate = await x509.X509CertificateGenerator.create({
    subject: subject(request.commonName, request.organization),
    issuer: ca.certificate.subjectName,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    ...validity(request.validityDays ?? 365),
    extensions: [...(await leafExtensions(request, keys)), await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey)],
  });
  return { cert: certificate.toString('pem'), key: await privateKeyPem(keys) };
}

/**
 * What --auto-tls does, as etcd does it: cert.pem and key.pem in `dir`, made once (a restart reuses them),
 * self-signed, organization "etcd", valid a year for the hosts the member listens on.
 */
export async function selfSignedFiles(dir: string, hosts: readonly string[]): Promise<{ certFile: string; keyFile: string; created: boolean }> {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  if ((await pathExists(certFile)) && (await pathExists(keyFile))) return { certFile, keyFile, created: false };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const pem = await createSelfSigned({ commonName: 'etcd', organization: 'etcd', hosts, usages: ['server', 'client'] });
  await writeFile(keyFile, pem.key, { mode: 0o600 });
  await writeFile(certFile, pem.cert, { mode: 0o644 });
  return { certFile, keyFile, created: true };
}
