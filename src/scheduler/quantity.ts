// resource.Quantity parsing, for anyone comparing requests with allocatable ("100m", "1Gi", "1.5", "2e3").
// Values are kept as JS numbers: exact for every integer up to 2^53 bytes, far beyond any node's memory.

const BINARY_SUFFIXES: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL_SUFFIXES: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/;

/** The quantity's value in base units (cores, bytes, counts); throws on a malformed quantity, as ParseQuantity fails. */
export function parseQuantity(text: string | number): number {
  if (typeof text === 'number') return text;
  const match = QUANTITY.exec(text.trim());
  if (!match) throw new Error(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
  const [, digits, exponent, suffix = ''] = match;
  const number = Number(digits);
  if (exponent) return number * 10 ** Number(exponent.slice(1));
  return number * (BINARY_SUFFIXES[suffix] ?? DECIMAL_SUFFIXES[suffix]!);
}

/** Quantity.MilliValue: thousandths, rounded up as upstream rounds a value finer than a milli. */
export function milliValue(text: string | number): number {
  const milli = parseQuantity(text) * 1e3;
  return Number.isInteger(milli) ? milli : Math.ceil(Math.round(milli * 1e6) / 1e6);
}

/** Quantity.Value: the integer value, rounded up. */
export function integerValue(text: string | number): number {
  const value = parseQuantity(text);
  // Round away float noise at the nano scale (the finest a quantity carries) before rounding up.
  return Number.isInteger(value) ? value : Math.ceil(Math.round(value * 1e9) / 1e9);
}
