// --cipher-suites: etcd takes Go's names for TLS 1.2 cipher suites (crypto/tls, as etcd's tlsutil lists
// them); Node's TLS takes OpenSSL's. As in Go, the list restricts TLS 1.2 only: TLS 1.3's suites are not
// configurable there, so Node's default TLS 1.3 suites stay on.

import { DEFAULT_CIPHERS } from 'node:tls';

/** Go's name → OpenSSL's, for every suite etcd 3.4's tlsutil knows. */
const OPENSSL_NAMES: ReadonlyMap<string, string> = new Map([
  ['TLS_RSA_WITH_RC4_128_SHA', 'RC4-SHA'],
  ['TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'DES-CBC3-SHA'],
  ['TLS_RSA_WITH_AES_128_CBC_SHA', 'AES128-SHA'],
  ['TLS_RSA_WITH_AES_256_CBC_SHA', 'AES256-SHA'],
  ['TLS_RSA_WITH_AES_128_CBC_SHA256', 'AES128-SHA256'],
  ['TLS_RSA_WITH_AES_128_GCM_SHA256', 'AES128-GCM-SHA256'],
  ['TLS_RSA_WITH_AES_256_GCM_SHA384', 'AES256-GCM-SHA384'],
  ['TLS_ECDHE_ECDSA_WITH_RC4_128_SHA', 'ECDHE-ECDSA-RC4-SHA'],
  ['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'ECDHE-ECDSA-AES128-SHA'],
  ['TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'ECDHE-ECDSA-AES256-SHA'],
  ['TLS_ECDHE_RSA_WITH_RC4_128_SHA', 'ECDHE-RSA-RC4-SHA'],
  ['TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA', 'ECDHE-RSA-DES-CBC3-SHA'],
  ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'ECDHE-RSA-AES128-SHA'],
  ['TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'ECDHE-RSA-AES256-SHA'],
  ['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', 'ECDHE-ECDSA-AES128-SHA256'],
  ['TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 'ECDHE-RSA-AES128-SHA256'],
  ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256'],
  ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256'],
  ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'],
  ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'ECDHE-ECDSA-AES256-GCM-SHA384'],
  ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305'],
  ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305', 'ECDHE-ECDSA-CHACHA20-POLY1305'],
]);

/** OpenSSL's TLS 1.3 suite names start with TLS_ (Node splits its cipher string on that). */
const TLS13_DEFAULTS = DEFAULT_CIPHERS.split(':').filter((name) => name.startsWith('TLS_'));

/**
 * The `ciphers` option for Node's TLS from --cipher-suites' names; undefined for none (Node's defaults).
 * An unknown name fails with etcd's message.
 */
export function cipherSuitesOption(names: readonly string[]): string | undefined {
  if (names.length === 0) return undefined;
  const tls12 = names.map((name) => {
    const openssl = OPENSSL_NAMES.get(name);
    if (openssl === undefined) throw new Error(`unexpected TLS cipher suite "${name}"`);
    return openssl;
  });
  return [...TLS13_DEFAULTS, ...tls12].join(':');
}
