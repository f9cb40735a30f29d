// resource.Quantity's canonical form, which kube-apiserver writes back for every quantity it decodes and
// the controllers print sums in: "1000m" → "1", 2000 → "2k", 0.5 → "500m", "1.5Gi" → "1536Mi", "1e3"
// stays in exponent form "1e3".

import { BINARY_SUFFIXES, DECIMAL_SUFFIXES, NANO, parseExactQuantity, type Quantity, type QuantityFormat } from './quantity.js';

function decimal(nanos: bigint, format: QuantityFormat): string {
  let mantissa = nanos;
  let exponent = -9;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  const remainder = ((exponent % 3) + 3) % 3;
  mantissa *= 10n ** BigInt(remainder);
  exponent -= remainder;
  if (format === 'DecimalExponent') return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
  const suffix = Object.keys(DECIMAL_SUFFIXES).find((s) => DECIMAL_SUFFIXES[s] === exponent);
  return suffix === undefined ? `${mantissa}e${exponent}` : `${mantissa}${suffix}`;
}

function binary(value: bigint): string {
  let mantissa = value;
  let power = 0;
  while (power < 6 && mantissa % 1024n === 0n) {
    mantissa /= 1024n;
    power++;
  }
  const suffix = Object.keys(BINARY_SUFFIXES).find((s) => BINARY_SUFFIXES[s] === power) ?? '';
  return `${mantissa}${suffix}`;
}

/** Quantity.String: the canonical text of a parsed quantity. */
export function formatQuantity({ nanos, format }: Quantity): string {
  if (nanos === 0n) return '0';
  const limit = 1024n * NANO;
  // A binary quantity below 1Ki or with a fraction prints in decimal, as kube's does.
  if (format === 'BinarySI' && (nanos >= limit || nanos <= -limit) && nanos % NANO === 0n) return binary(nanos / NANO);
  return decimal(nanos, format === 'BinarySI' ? 'DecimalSI' : format);
}

/** The canonical text of a quantity, or undefined when it is not one. */
export function canonicalQuantity(value: unknown): string | undefined {
  const parsed = parseExactQuantity(value);
  return parsed && formatQuantity(parsed);
}
