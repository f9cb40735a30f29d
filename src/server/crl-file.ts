// A certificate revocation list file, read for the serial numbers on it. Its own module, loaded only when a
// CRL flag is given: the X.509 library and what it brings cost every member memory and start-up time.

import { readFileSync } from 'node:fs';
// The library's dependency injection needs the Reflect metadata API installed first.
import 'reflect-metadata';
import { X509Crl } from '@peculiar/x509';

/** The serial numbers the CRL in `file` lists, as keyed by `serialKey`; the file is read at each call. */
export function revokedSerials(file: string, serialKey: (hex: string) => string): Set<string> {
  const crl = new X509Crl(readFileSync(file));
  return new Set(crl.entries.map((entry) => serialKey(entry.serialNumber)));
}
