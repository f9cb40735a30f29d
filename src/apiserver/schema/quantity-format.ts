// resource.Quantity's canonical form, which kube-apiserver writes back for every quantity it decodes:
// "1000m" → "1", 2000 → "2k", 0.5 → "500m", "1.5Gi" → "1536Mi", "1e3" stays in exponent form "1e3".
// Values are exact (BigInt nano-units); finer fractions round up to 1n, as kube's do.

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const QUANTITY = /^([+-]?)(\d*)(?:\.(\d*))?(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$/;
const NANO = 10n ** 9n;

type Format = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

interface Parsed {
  /** The value times 10^9, rounded up. */
  nanos: bigint;
  format: Format;
}

function parse(text: string): Parsed | undefined {
  const match = QUANTITY.exec(text.trim());
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return undefined;
  const [, sign, whole, fraction = '', suffix, exponent] = match;
  let numerator = BigInt(`${whole || '0'}${fraction}`) * NANO;
  let denominator = 10n ** BigInt(fraction.length);
  let format: Format = 'DecimalSI';
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

function decimal(nanos: bigint, format: Format): string {
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

/** The canonical text of a quantity, or undefined when it is not one. */
export function canonicalQuantity(value: unknown): string | undefined {
  const parsed = parse(typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '');
  if (!parsed) return undefined;
  const { nanos, format } = parsed;
  if (nanos === 0n) return '0';
  const limit = 1024n * NANO;
  if (format === 'BinarySI' && (nanos >= limit || nanos <= -limit) && nanos % NANO === 0n) return binary(nanos / NANO);
  return decimal(nanos, format === 'BinarySI' ? 'DecimalSI' : format);
}
