// Front-proxy authentication (kube's requestheader authenticator behind its x509 verifier): a client
// whose certificate --requestheader-client-ca-file signed, with a CN in --requestheader-allowed-names
// when that is set, names the user in the first --requestheader-username-headers header it sends, the
// groups in every --requestheader-group-headers value and the extra fields in the headers starting with
// a --requestheader-extra-headers-prefix. Without such a certificate the headers mean nothing.

import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { RequestHeaderOptions } from '../authz/gate-config.js';
import type { UserInfo } from './user-info.js';
import { commonName, peerCertificate, type CertificateOutcome, type CertificatePool } from './x509-authenticator.js';

/** The --requestheader-* flags, with the CA file read. */
export type RequestHeaderConfig = Omit<RequestHeaderOptions, 'clientCaFile'> & { readonly clientCa: CertificatePool };

/** Every non-empty value of the named headers, in the order of the names (headers repeat rather than comma-join). */
function allValues(req: IncomingMessage, names: readonly string[]): string[] {
  return names.flatMap((name) => req.headersDistinct[name.trim().toLowerCase()] ?? []).filter((v) => v !== '');
}

/** X-Remote-Extra-<key>: the key lower-cased and %-unescaped (kube escapes what a header name cannot hold). */
function extraFields(req: IncomingMessage, prefixes: readonly string[]): Record<string, string[]> {
  const extra: Record<string, string[]> = {};
  for (const prefix of prefixes.map((p) => p.toLowerCase())) {
    for (const [header, values] of Object.entries(req.headersDistinct)) {
      if (!header.startsWith(prefix) || values === undefined) continue;
      let key = header.slice(prefix.length);
      try {
        key = decodeURIComponent(key);
      } catch {
        // An invalid escape is kept as sent, as url.PathUnescape's failure leaves it upstream.
      }
      (extra[key] ??= []).push(...values);
    }
  }
  return extra;
}

export function authenticateRequestHeader(req: IncomingMessage, config: RequestHeaderConfig): CertificateOutcome {
  const peer = peerCertificate(req.socket as TLSSocket);
  if (!peer) return undefined;
  if ('error' in peer) return peer;
  if (!config.clientCa.signed(peer.chain)) return { error: 'x509: certificate signed by unknown authority' };
  const cn = commonName(peer.subject) ?? '';
  if (config.allowedNames.length > 0 && !config.allowedNames.includes(cn)) return { error: `x509: subject with cn=${cn} is not in the allowed list` };
  const username = allValues(req, config.usernameHeaders)[0];
  if (username === undefined) return undefined;
  const extra = extraFields(req, config.extraHeadersPrefixes);
  const user: UserInfo = { username, groups: allValues(req, config.groupHeaders), ...(Object.keys(extra).length > 0 ? { extra } : {}) };
  return { user };
}
