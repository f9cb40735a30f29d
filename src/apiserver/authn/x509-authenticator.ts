// x509 client certificates: a certificate the TLS layer verified names the user by its CN and the
// groups by its O entries, as kube-apiserver's CommonNameUserConversion does. The TLS layer trusts every
// CA the server takes client certificates from (--client-ca-file and --requestheader-client-ca-file), so
// each authenticator checks that the chain ends at one of its own CAs, as each verifies against its own
// pool upstream.

import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate, PeerCertificate, TLSSocket } from 'node:tls';
import type { UserInfo } from './user-info.js';

export type CertificateOutcome = { readonly user: UserInfo } | { readonly error: string } | undefined;

/** A verified client certificate: its subject and the SHA-256 fingerprints of its chain, leaf to root. */
export type PeerCertificateOutcome = { readonly subject: PeerCertificate['subject']; readonly chain: readonly string[] } | { readonly error: string } | undefined;

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The certificate's CN (its first, as Go's pkix.Name keeps one). */
export function commonName(subject: PeerCertificate['subject'] | undefined): string | undefined {
  return asList(subject?.CN)[0];
}

/** The user a verified certificate names (no CN: an error, as upstream). */
export function userFromCertificate(cert: Pick<PeerCertificate, 'subject'>): CertificateOutcome {
  const cn = commonName(cert.subject);
  if (!cn) return { error: 'common name of the provided x509 certificate is empty' };
  return { user: { username: cn, groups: asList(cert.subject.O) } };
}

/** A CA bundle, as the fingerprints of its certificates. */
export class CertificatePool {
  private readonly fingerprints: ReadonlySet<string>;

  constructor(readonly pem: string) {
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    this.fingerprints = new Set(blocks.map((block) => new X509Certificate(block).fingerprint256));
  }

  /** Whether a verified chain ends at (or passes through) one of the pool's certificates. */
  signed(chain: readonly string[]): boolean {
    return chain.some((f) => this.fingerprints.has(f));
  }
}

/**
 * The outcome per connection: its certificate and the handshake's verdict do not change for its life, and
 * getPeerCertificate builds a fresh object each call (3 % of the apiserver's CPU when read per request).
 */
const outcomes = new WeakMap<TLSSocket, PeerCertificateOutcome>();

/** Undefined when the client sent no certificate; an error when no trusted CA signed it or it expired. */
export function peerCertificate(socket: TLSSocket): PeerCertificateOutcome {
  if (typeof socket.getPeerCertificate !== 'function') return undefined;
  if (outcomes.has(socket)) return outcomes.get(socket);
  const outcome = certificateOutcome(socket);
  outcomes.set(socket, outcome);
  return outcome;
}

function certificateOutcome(socket: TLSSocket): PeerCertificateOutcome {
  const cert = socket.getPeerCertificate(true);
  if (!cert || Object.keys(cert).length === 0) return undefined;
  if (!socket.authorized) return { error: `verifying certificate failed: ${String(socket.authorizationError ?? 'unknown authority')}` };
  // OpenSSL completes the chain from the trusted store; the root is its own issuer.
  const chain: string[] = [];
  for (let c: DetailedPeerCertificate | undefined = cert; c && !chain.includes(c.fingerprint256); c = c.issuerCertificate) chain.push(c.fingerprint256);
  return { subject: cert.subject, chain };
}

/** The x509 authenticator over --client-ca-file: the user a certificate that CA signed names. */
export function authenticateCertificate(socket: TLSSocket, clientCa: CertificatePool): CertificateOutcome {
  const peer = peerCertificate(socket);
  if (!peer || 'error' in peer) return peer;
  if (!clientCa.signed(peer.chain)) return { error: 'verifying certificate failed: x509: certificate signed by unknown authority' };
  return userFromCertificate(peer);
}
