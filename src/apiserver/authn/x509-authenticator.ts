// x509 client certificates: a certificate the TLS layer verified against --client-ca-file names the
// user by its CN and the groups by its O entries, as kube-apiserver's CommonNameUserConversion does.

import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { UserInfo } from './user-info.js';

export type CertificateOutcome = { readonly user: UserInfo } | { readonly error: string } | undefined;

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The user a verified certificate names (no CN: an error, as upstream). */
export function userFromCertificate(cert: Pick<PeerCertificate, 'subject'>): CertificateOutcome {
  const cn = asList(cert.subject?.CN)[0];
  if (!cn) return { error: 'common name of the provided x509 certificate is empty' };
  return { user: { username: cn, groups: asList(cert.subject.O) } };
}

/**
 * The outcome per connection: its certificate and the handshake's verdict do not change for its life, and
 * getPeerCertificate builds a fresh object each call (3 % of the apiserver's CPU when read per request).
 */
const outcomes = new WeakMap<TLSSocket, CertificateOutcome>();

/** Undefined when the client sent no certificate; an error when it sent one the CA did not sign or that expired. */
export function authenticateCertificate(socket: TLSSocket): CertificateOutcome {
  if (typeof socket.getPeerCertificate !== 'function') return undefined;
  if (outcomes.has(socket)) return outcomes.get(socket);
  const outcome = certificateOutcome(socket);
  outcomes.set(socket, outcome);
  return outcome;
}

function certificateOutcome(socket: TLSSocket): CertificateOutcome {
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return undefined;
  if (!socket.authorized) return { error: `verifying certificate failed: ${String(socket.authorizationError ?? 'unknown authority')}` };
  return userFromCertificate(cert);
}
