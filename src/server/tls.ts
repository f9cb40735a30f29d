// TLS for the client URLs and the peer URLs, configured by etcd's flags: a certificate and key
// (--cert-file/--key-file, or --auto-tls for a self-signed one kept in the data dir), the CA that client
// certificates must be signed by (--trusted-ca-file) and whether one is required (--client-cert-auth).
// The peer side has the same five flags with a "peer-" prefix; --cipher-suites applies to both sides.
// Revocation lists and allowed names are checked once a connection's handshake is done
// (certificate-checks.ts).

import { readFile } from 'node:fs/promises';
import { checkServerIdentity, createSecureContext, createServer, type ConnectionOptions, type Server, type TLSSocket, type TlsOptions } from 'node:tls';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { checkAllowedIdentity, dialedIdentityError, refusalOf, revocationList, type CertificateChecks } from './certificate-checks.js';

export type TlsSide = 'client' | 'peer';

/** The five flags of one side, as given, and the side's revocation list and allowed CN or host name. */
export interface TlsFlags extends Omit<CertificateChecks, 'crl'> {
  /** The revocation list file (--client-crl-file, --peer-crl-file). */
  readonly crlFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly trustedCaFile?: string;
  readonly clientCertAuth?: boolean;
  readonly autoTls?: boolean;
  /** --cipher-suites as OpenSSL's cipher string (cipher-suites.ts); Node's defaults when undefined. */
  readonly ciphers?: string;
}

/** One side's TLS material, loaded and checked. */
export interface TlsSettings {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** Trusted CA certificates (PEM), for verifying the other end; undefined means the system's roots. */
  readonly ca?: Buffer;
  /** Connections must present a certificate signed by `ca`, or the handshake fails. */
  readonly clientCertAuth: boolean;
  /** The certificate is --auto-tls's self-signed one: when dialling with it, the other end's is not verified. */
  readonly selfSigned: boolean;
  readonly certFile: string;
  readonly keyFile: string;
  /** The TLS 1.2 cipher suites allowed (OpenSSL's cipher string), from --cipher-suites. */
  readonly ciphers?: string;
  /** What a connection's certificate is checked for after the handshake. */
  readonly checks: CertificateChecks;
  /** Reports a connection closed because its certificate failed those checks. */
  readonly onRefused?: (reason: string, remoteAddress: string | undefined) => void;
}

function flagName(side: TlsSide, flag: string): string {
  return side === 'peer' ? `--peer-${flag}` : `--${flag}`;
}

async function readFlagFile(side: TlsSide, flag: string, path: string): Promise<Buffer> {
  try {
    const content = await readFile(path);
    if (content.length === 0) throw new Error('file is empty');
    return content;
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : err instanceof Error ? err.message : String(err);
    throw new Error(`cannot read ${flagName(side, flag)} "${path}": ${reason}`);
  }
}

/** "host" of each URL, for a self-signed certificate's names. */
function hostsOf(urls: readonly string[]): string[] {
  return [...new Set(urls.map((u) => new URL(u).hostname.replace(/^\[|\]$/g, '')).filter((h) => h !== ''))];
}

/**
 * Loads one side's TLS settings from its flags, or undefined when that side has none. Fails with a
 * message naming the flag for a half-given pair, a file that cannot be read or parsed, client
 * certificate authentication without a CA, or an https:// URL with no certificate to serve it.
 * --auto-tls makes (or reuses) `<data-dir>/fixtures/<side>/{cert,key}.pem`, as etcd does.
 */
export async function loadTlsSettings(
  side: TlsSide,
  flags: TlsFlags,
  context: { readonly dataDir: string; readonly urls: readonly string[]; readonly log?: (msg: string, fields?: Record<string, unknown>) => void },
): Promise<TlsSettings | undefined> {
  const certFlag = flagName(side, 'cert-file');
  const keyFlag = flagName(side, 'key-file');
  if ((flags.certFile === undefined) !== (flags.keyFile === undefined) || flags.certFile === '' || flags.keyFile === '') {
    throw new Error(`${certFlag} and ${keyFlag} must be given together`);
  }
  const crl = flags.crlFile === undefined ? undefined : await revocationList(flags.crlFile);
  const checks: CertificateChecks = { crl, allowedCn: flags.allowedCn, allowedHostname: flags.allowedHostname };
  checkAllowedIdentity(checks);
  const https = context.urls.filter((u) => new URL(u).protocol === 'https:');
  let certFile = flags.certFile;
  let keyFile = flags.keyFile;
  let selfSigned = false;
  if (flags.autoTls && certFile !== undefined) {
    context.log?.(`ignoring ${flagName(side, 'auto-tls')} since ${certFlag} and ${keyFlag} are given`);
  } else if (flags.autoTls && https.length > 0) {
    // Loaded here only: the X.509 library costs every member memory and start-up time.
    const { selfSignedFiles } = await import('../pki/certificates.js');
    const made = await selfSignedFiles(join(context.dataDir, 'fixtures', side), hostsOf(context.urls));
    ({ certFile, keyFile } = made);
    selfSigned = true;
    if (made.created) context.log?.(`made a self-signed ${side} certificate`, { cert: certFile });
  }
  if (certFile === undefined || keyFile === undefined) {
    if (https.length > 0) {
      throw new Error(`TLS key/cert (${certFlag}, ${keyFlag}) must be provided for ${side} url ${https[0]} with HTTPS scheme (or use ${flagName(side, 'auto-tls')})`);
    }
    if (flags.clientCertAuth) context.log?.(`ignoring ${flagName(side, 'client-cert-auth')}: no ${side} URL is https`);
    return undefined;
  }
  if (flags.clientCertAuth && flags.trustedCaFile === undefined) {
    throw new Error(`${flagName(side, 'client-cert-auth')} needs ${flagName(side, 'trusted-ca-file')}: the CA that certificates must be signed by`);
  }
  const ciphers = flags.ciphers;
  const cert = await readFlagFile(side, 'cert-file', certFile);
  const key = await readFlagFile(side, 'key-file', keyFile);
  const ca = flags.trustedCaFile === undefined ? undefined : await readFlagFile(side, 'trusted-ca-file', flags.trustedCaFile);
  try {
    createSecureContext({ cert, key });
  } catch (err) {
    throw new Error(`${certFlag} "${certFile}" and ${keyFlag} "${keyFile}" are not a usable certificate and key: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (ciphers !== undefined) {
    try {
      createSecureContext({ ciphers });
    } catch (err) {
      throw new Error(`--cipher-suites: none of them is available: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (ca) {
    try {
      createSecureContext({ ca });
    } catch (err) {
      throw new Error(`${flagName(side, 'trusted-ca-file')} "${flags.trustedCaFile}" holds no usable certificate: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (https.length === 0) context.log?.(`no ${side} URL is https; the ${side} certificate is not used for serving`);
  const onRefused = (reason: string, remoteAddress: string | undefined): void =>
    context.log?.(`rejected connection on ${side} endpoint`, { 'remote-addr': remoteAddress, error: reason });
  return { cert, key, ca, clientCertAuth: flags.clientCertAuth === true, selfSigned, certFile, keyFile, ...(ciphers ? { ciphers } : {}), checks, onRefused };
}

/** Options for a TLS server: this certificate; with client cert auth, a verified client certificate required. */
export function serverTlsOptions(settings: TlsSettings): TlsOptions {
  return {
    cert: settings.cert,
    key: settings.key,
    ...(settings.ca ? { ca: settings.ca } : {}),
    requestCert: settings.clientCertAuth,
    rejectUnauthorized: settings.clientCertAuth,
    minVersion: 'TLSv1.2',
    ...(settings.ciphers ? { ciphers: settings.ciphers } : {}),
  };
}

/**
 * A TLS server with this side's certificate that hands `onSecure` each connection whose certificate
 * passes the side's revocation list and allowed name, and closes the others (reporting why).
 */
export function checkedTlsServer(settings: TlsSettings, extra: TlsOptions, onSecure: (socket: TLSSocket) => void): Server {
  return createServer({ ...serverTlsOptions(settings), ...extra }, (socket) => {
    const reason = refusalOf(settings.checks, socket);
    if (reason === undefined) return onSecure(socket);
    settings.onRefused?.(reason, socket.remoteAddress);
    socket.destroy();
  });
}

/**
 * Options for dialling `host` over TLS (a peer, or another member's client URL): this side's certificate
 * as the client certificate, the other end verified against the trusted CA (the system's roots without
 * one) — unless this side's certificate is self-signed (--auto-tls), whose peers are self-signed too.
 */
export function dialTlsOptions(settings: TlsSettings | undefined, host: string): ConnectionOptions {
  const bare = host.replace(/^\[|\]$/g, '');
  return {
    // The name the certificate is checked against: over a socket already connected, Node would
    // otherwise check "localhost", whatever address was dialled.
    host: bare,
    ...(settings ? { cert: settings.cert, key: settings.key } : {}),
    ...(settings?.ca ? { ca: settings.ca } : {}),
    // SNI carries host names only.
    ...(isIP(bare) === 0 ? { servername: bare } : {}),
    rejectUnauthorized: !(settings?.selfSigned ?? false),
    minVersion: 'TLSv1.2',
    ...(settings?.ciphers ? { ciphers: settings.ciphers } : {}),
    // The allowed CN or host name applies to the certificate of the member dialled too, as on etcd.
    ...(settings?.checks.allowedCn !== undefined || settings?.checks.allowedHostname !== undefined
      ? { checkServerIdentity: (hostname, cert) => checkServerIdentity(hostname, cert) ?? dialedIdentityError(settings.checks, cert) }
      : {}),
  };
}

export function isHttps(url: string): boolean {
  return new URL(url).protocol === 'https:';
}
