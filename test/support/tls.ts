// Certificates for TLS tests, made fresh in a temporary directory: a CA, a certificate per member
// (server and client use, valid for the loopback address), client certificates with chosen CNs, and
// the CA's revocation list.

import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// The library's dependency injection needs the Reflect metadata API installed first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createCertificateAuthority, issueCertificate, type CertificatePem, type CertificateRequest } from '../../src/pki/certificates.js';

export interface CertFiles {
  readonly cert: string;
  readonly key: string;
}

export interface TestPki {
  readonly dir: string;
  /** The CA's certificate file (what --trusted-ca-file and etcdctl's --cacert take). */
  readonly caFile: string;
  readonly caPem: string;
  /** Files of a member certificate (server and client auth) named `name`. */
  member(name: string): Promise<CertFiles>;
  /** Files of a client-only certificate whose CN is `commonName`. */
  client(commonName: string): Promise<CertFiles>;
  /** A certificate for `name` from another CA, which the servers must not accept. */
  stranger(name: string): Promise<CertFiles>;
  /** Files of any certificate the CA signs (valid for the loopback addresses unless `hosts` says otherwise). */
  issue(fileName: string, request: CertificateRequest): Promise<CertFiles>;
  /** Writes (or rewrites) `file` with a CRL from the CA listing these certificates as revoked. */
  revoke(file: string, revoked: readonly CertFiles[]): Promise<void>;
  read(files: CertFiles): { cert: Buffer; key: Buffer };
}

const HOSTS = ['127.0.0.1', 'localhost', '::1'];

function write(dir: string, name: string, pem: CertificatePem): CertFiles {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}-key.pem`);
  writeFileSync(cert, pem.cert);
  writeFileSync(key, pem.key, { mode: 0o600 });
  return { cert, key };
}

export async function createTestPki(dir: string): Promise<TestPki> {
  const ca = await createCertificateAuthority('barge test CA');
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, ca.cert);
  let otherCa: Awaited<ReturnType<typeof createCertificateAuthority>> | undefined;
  return {
    dir,
    caFile,
    caPem: ca.cert,
    member: async (name) => write(dir, `member-${name}`, await issueCertificate(ca, { commonName: name, hosts: HOSTS, usages: ['server', 'client'] })),
    client: async (commonName) => write(dir, `client-${commonName}`, await issueCertificate(ca, { commonName, usages: ['client'] })),
    stranger: async (name) => {
      otherCa ??= await createCertificateAuthority('some other CA');
      return write(dir, `stranger-${name}`, await issueCertificate(otherCa, { commonName: name, hosts: HOSTS, usages: ['server', 'client'] }));
    },
    issue: async (fileName, request) => write(dir, fileName, await issueCertificate(ca, { hosts: HOSTS, ...request })),
    revoke: async (file, revoked) => {
      const crl = await x509.X509CrlGenerator.create({
        issuer: ca.certificate.subjectName,
        signingKey: ca.keys.privateKey,
        signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
        thisUpdate: new Date(Date.now() - 60_000),
        nextUpdate: new Date(Date.now() + 24 * 60 * 60 * 1000),
        entries: revoked.map((files) => ({ serialNumber: new X509Certificate(readFileSync(files.cert)).serialNumber, revocationDate: new Date() })),
      });
      // Go's CRL parser takes PEM under the "X509 CRL" label (OpenSSL's) only.
      writeFileSync(file, x509.PemConverter.encode(crl.rawData, 'X509 CRL'));
    },
    read: (files) => ({ cert: readFileSync(files.cert), key: readFileSync(files.key) }),
  };
}

