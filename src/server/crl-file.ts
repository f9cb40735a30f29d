// A certificate revocation list file, read for the serial numbers on it. Its own module, loaded only when a
// CRL flag is given: the X.509 library and what it brings cost every member memory and start-up time.

import { readFileSync } from 'node:fs';
// The library's dependency injection needs the Reflect metadata API installed first.
import 'reflect-metadata';
import { X509Crl } from '@peculiar/x509';

/** The serial numbers (hex, as the CRL gives them) the CRL in `file` lists, read from the file now. */
export function crlSerialNumbers(file: string): string[] {
  return new X509Crl(readFileSync(file)).entries.map((entry) => entry.serialNumber);
}
