// Certificate and key files on disk: written once with kubeadm's modes, read back on the next start so a
// restarted cluster keeps the identities its kubeconfigs and stored data were made with.

import { webcrypto } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import type { CertificateAuthority, CertificatePem } from './certificates.js';
import { pathExists } from '../storage/data-dir.js';

const EC_P256: webcrypto.EcKeyImportParams = { name: 'ECDSA', namedCurve: 'P-256' };

/** `<base>.crt` and `<base>.key`, as kubeadm names them. */
export interface PairPaths {
  readonly certFile: string;
  readonly keyFile: string;
}

export function pairPaths(base: string): PairPaths {
  return { certFile: `${base}.crt`, keyFile: `${base}.key` };
}

export async function writePrivate(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, text, { mode: 0o600 });
}

export async function writePublic(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, text, { mode: 0o644 });
}

export async function readPair(paths: PairPaths): Promise<CertificatePem | undefined> {
  if (!(await pathExists(paths.certFile)) || !(await pathExists(paths.keyFile))) return undefined;
  return { cert: await readFile(paths.certFile, 'utf8'), key: await readFile(paths.keyFile, 'utf8') };
}

/** Reads the pair at `paths`, or makes it with `create` and writes it there. */
export async function ensurePair(paths: PairPaths, create: () => Promise<CertificatePem>): Promise<CertificatePem> {
  const existing = await readPair(paths);
  if (existing) return existing;
  const made = await create();
  await writePrivate(paths.keyFile, made.key);
  await writePublic(paths.certFile, made.cert);
  return made;
}

/** A CA read back from its PEM files, able to sign again. */
export async function certificateAuthorityFromPem(pem: CertificatePem): Promise<CertificateAuthority> {
  const certificate = new x509.X509Certificate(pem.cert);
  const der = x509.PemConverter.decode(pem.key)[0]!;
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der, EC_P256, true, ['sign']);
  const publicKey = await certificate.publicKey.export(EC_P256, ['verify'], webcrypto as unknown as Parameters<typeof certificate.publicKey.export>[2]);
  return { cert: pem.cert, key: pem.key, certificate, keys: { privateKey, publicKey } as webcrypto.CryptoKeyPair };
}
