// What etcd checks of a certificate beyond its chain to the trusted CA: that it is not on the side's
// revocation list (--client-crl-file, --peer-crl-file), and that it names the one allowed CN
// (--peer-cert-allowed-cn) or host (--peer-cert-allowed-hostname, --client-cert-allowed-hostname).
//
// As etcd's: the CRL file is read again for every connection (a CRL replaced on disk applies at once),
// and only the serial numbers on it count (its signature is not checked); a connection whose client
// certificate fails is closed with a "rejected connection" warning. The CN or host check applies to the
// client certificate a connection presents and, on the peer side, to the certificate of the peer this
// member dials.

import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { DetailedPeerCertificate, PeerCertificate, TLSSocket } from 'node:tls';

export interface CertificateChecks {
  /** The revocation list, read at each check. */
  readonly crl?: RevocationList;
  /** The CN a certificate must carry. */
  readonly allowedCn?: string;
  /** The host name (or IP) a certificate must be valid for. */
  readonly allowedHostname?: string;
}

export interface RevocationList {
  /** The serial numbers on the list's file now (read again at each call), as serialKey() gives them. */
  revokedSerials(): ReadonlySet<string>;
}

/** The revocation list in `file` (its parser loaded now, before any connection waits on it). */
export async function revocationList(file: string): Promise<RevocationList> {
  const { crlSerialNumbers } = await import('./crl-file.js');
  return { revokedSerials: () => new Set(crlSerialNumbers(file).map(serialKey)) };
}

/** Go's big.Int.Bytes() of a serial, as hex: no leading zeros, lower case. */
function serialKey(hex: string): string {
  return hex.toLowerCase().replace(/^0+/, '');
}

/** The presented certificate and the chain above it, as Node links them. */
function chainOf(leaf: DetailedPeerCertificate): DetailedPeerCertificate[] {
  const chain: DetailedPeerCertificate[] = [];
  for (let cert: DetailedPeerCertificate | undefined = leaf; cert && !chain.includes(cert); cert = cert.issuerCertificate) chain.push(cert);
  return chain;
}

/** etcd's checkCRL: the first certificate of the chain whose serial is on the list. */
function revocationError(crl: RevocationList, chain: readonly DetailedPeerCertificate[]): string | undefined {
  const revoked = crl.revokedSerials();
  for (const cert of chain) {
    const serial = serialKey(cert.serialNumber);
    if (revoked.has(serial)) return `transport: certificate serial ${serial} revoked`;
  }
  return undefined;
}

/** Go's Certificate.VerifyHostname: IP SANs for an address, DNS SANs (whole-label wildcards) otherwise, never the CN. */
function validFor(cert: X509Certificate, host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare) !== 0) return cert.checkIP(bare) !== undefined;
  return cert.checkHost(bare.replace(/\.$/, ''), { subject: 'never', wildcards: true, partialWildcards: false, multiLabelWildcards: false }) !== undefined;
}

function commonNameOf(cert: PeerCertificate): string | undefined {
  const cn = cert.subject?.CN as string | string[] | undefined;
  return Array.isArray(cn) ? cn.at(-1) : cn;
}

/** Whether a verified certificate passes the allowed CN or host check (etcd's VerifyPeerCertificate). */
function identityAllowed(checks: CertificateChecks, cert: PeerCertificate): boolean {
  if (checks.allowedCn !== undefined) return commonNameOf(cert) === checks.allowedCn;
  if (checks.allowedHostname !== undefined) return validFor(new X509Certificate(cert.raw), checks.allowedHostname);
  return true;
}

/**
 * Why a connection accepted over TLS must be closed, or undefined when it may go on: its client
 * certificate is revoked, or does not carry the allowed CN or host. A connection without a client
 * certificate (client certificate auth off) has nothing to check, as on etcd.
 */
export function refusalOf(checks: CertificateChecks, socket: TLSSocket): string | undefined {
  const leaf = socket.getPeerCertificate(true);
  if (!leaf.raw) return undefined;
  if (!identityAllowed(checks, leaf)) return 'client certificate authentication failed';
  if (checks.crl === undefined) return undefined;
  try {
    return revocationError(checks.crl, chainOf(leaf));
  } catch (err) {
    // etcd refuses the connection when its CRL cannot be read or parsed.
    return err instanceof Error ? err.message : String(err);
  }
}

/** The dialling side's extra check of the server certificate (peers only): undefined when it passes. */
export function dialedIdentityError(checks: CertificateChecks, cert: PeerCertificate): Error | undefined {
  return identityAllowed(checks, cert) ? undefined : new Error('client certificate authentication failed');
}

/** Starting with both a CN and a host name to allow is refused, in etcd's words. */
export function checkAllowedIdentity(checks: CertificateChecks): void {
  if (checks.allowedCn !== undefined && checks.allowedHostname !== undefined) {
    throw new Error(`AllowedCN and AllowedHostname are mutually exclusive (cn="${checks.allowedCn}", hostname="${checks.allowedHostname}")`);
  }
}
