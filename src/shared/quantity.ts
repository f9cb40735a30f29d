// resource.Quantity ("100m", "1.5Gi", "2e3"): parsed exactly (BigInt nano-units, the finest a quantity
// carries; finer fractions round up, as kube's do) with the format it was written in, which decides how
// a sum of quantities prints. One parser for the apiserver, the scheduler and the controllers.

export const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
export const BINARY_SUFFIXES: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const QUANTITY = /^([+-]?)(\d*)(?:\.(\d*))?(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$/;
export const NANO = 10n ** 9n;

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The value times 10^9, rounded up. */
  readonly nanos: bigint;
  readonly format: QuantityFormat;
}

/** The quantity `value` (a string or a JSON number) denotes, or undefined when it is not one. */
export function parseExactQuantity(value: unknown): Quantity | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
  const match = QUANTITY.exec(text.trim());
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return undefined;
  const [, sign, whole, fraction = '', suffix, exponent] = match;
  let numerator = BigInt(`${whole || '0'}${fraction}`) * NANO;
  let denominator = 10n ** BigInt(fraction.length);
  let format: QuantityFormat = 'DecimalSI';
  if (exponent !== undefined) {
    format = 'DecimalExponent';
    const power = Number(exponent);
    if (power >= 0) numerator *= 10n ** BigInt(power);
    else denominator *= 10n ** BigInt(-power);
  } else if (suffix && suffix in BINARY_SUFFIXES) {
    format = 'BinarySI';
    numerator *= 1024n ** BigInt(BINARY_SUFFIXES[suffix]!);
  } else {
    const power = DECIMAL_SUFFIXES[suffix ?? '']!;
    if (power >= 0) numerator *= 10n ** BigInt(power);
    else denominator *= 10n ** BigInt(-power);
  }
  const nanos = (numerator + denominator - 1n) / denominator;
  return { nanos: sign === '-' ? -nanos : nanos, format };
}

/** The quantity's value in base units (cores, bytes, counts), or undefined when it is not a quantity. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  const parsed = parseExactQuantity(value);
  if (!parsed) return undefined;
  // Whole part and fraction apart, so that a value of many bytes keeps every digit.
  return Number(parsed.nanos / NANO) + Number(parsed.nanos % NANO) / 1e9;
}

function mustParse(value: string | number): Quantity {
  const parsed = parseExactQuantity(value);
  if (!parsed) throw new Error(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
  return parsed;
}

/** Rounds `nanos / unit` up, as Quantity.Value and MilliValue do. */
function ceilDiv(nanos: bigint, unit: bigint): number {
  const quotient = nanos / unit;
  return Number(nanos % unit > 0n ? quotient + 1n : quotient);
}

/** Quantity.MilliValue: thousandths, rounded up; throws on a malformed quantity, as ParseQuantity fails. */
export function milliValue(value: string | number): number {
  return ceilDiv(mustParse(value).nanos, 10n ** 6n);
}

/** Quantity.Value: the integer value, rounded up; throws on a malformed quantity. */
export function integerValue(value: string | number): number {
  return ceilDiv(mustParse(value).nanos, NANO);
}

/** Quantity.Add: the sum keeps the format of the first operand, or takes the second's when the first is zero. */
export function addQuantity(a: Quantity, b: Quantity): Quantity {
  return { nanos: a.nanos + b.nanos, format: a.nanos === 0n ? b.format : a.format };
}

/** A zero quantity, as kube's zero value (DecimalSI) prints: "0". */
export const ZERO_QUANTITY: Quantity = { nanos: 0n, format: 'DecimalSI' };
