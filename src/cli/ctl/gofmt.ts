// Text formats of the Go standard library that etcdctl's output is made of: %q quoting, encoding/json
// strings, time.Duration's String, strconv's parse errors, and go-humanize's byte sizes.

import type { Int64 } from '../../wire/convert.js';

/** Decodes one UTF-8 sequence at `i`: [code point, length], or [-1, 1] for an invalid byte. */
function decodeRune(bytes: Uint8Array, i: number): [number, number] {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return [b0, 1];
  const need = b0 >= 0xc2 && b0 <= 0xdf ? 1 : b0 >= 0xe0 && b0 <= 0xef ? 2 : b0 >= 0xf0 && b0 <= 0xf4 ? 3 : -1;
  if (need < 0 || i + need >= bytes.length) return [-1, 1];
  let cp = b0 & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
  for (let k = 1; k <= need; k++) {
    const b = bytes[i + k]!;
    if ((b & 0xc0) !== 0x80) return [-1, 1];
    cp = (cp << 6) | (b & 0x3f);
  }
  const min = need === 1 ? 0x80 : need === 2 ? 0x800 : 0x10000;
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return [-1, 1];
  return [cp, need + 1];
}

function toBytes(input: Uint8Array | string): Uint8Array {
  return typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
}

const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;

function isPrint(cp: number): boolean {
  return cp === 0x20 || (cp > 0x20 && cp !== 0x7f && PRINTABLE.test(String.fromCodePoint(cp)));
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

const QUOTE_ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v', 0x22: '\\"', 0x5c: '\\\\' };

/** Go's %q (strconv.Quote) of a byte string. */
export function goQuote(input: Uint8Array | string): string {
  const bytes = toBytes(input);
  let out = '"';
  for (let i = 0; i < bytes.length; ) {
    const [cp, size] = decodeRune(bytes, i);
    if (cp < 0) out += `\\x${hex(bytes[i]!, 2)}`;
    else if (QUOTE_ESCAPES[cp] !== undefined) out += QUOTE_ESCAPES[cp];
    else if (isPrint(cp)) out += String.fromCodePoint(cp);
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
    i += size;
  }
  return `${out}"`;
}

/** Go's encoding/json encoding of a string (HTML-safe escaping, invalid UTF-8 as U+FFFD). */
export function jsonString(input: Uint8Array | string): string {
  const bytes = toBytes(input);
  let out = '"';
  for (let i = 0; i < bytes.length; ) {
    const [cp, size] = decodeRune(bytes, i);
    i += size;
    if (cp < 0) out += '\\ufffd';
    else if (cp === 0x22) out += '\\"';
    else if (cp === 0x5c) out += '\\\\';
    else if (cp === 0x0a) out += '\\n';
    else if (cp === 0x0d) out += '\\r';
    else if (cp === 0x09) out += '\\t';
    else if (cp < 0x20 || cp === 0x3c || cp === 0x3e || cp === 0x26 || cp === 0x2028 || cp === 0x2029) out += `\\u${hex(cp, 4)}`;
    else out += String.fromCodePoint(cp);
  }
  return `${out}"`;
}

/** A 64-bit protobuf field as decimal text (signedness as decoded). */
export function int64Text(value: Int64): string {
  if (value === null || value === undefined) return '0';
  return value.toString();
}

/** Go's %x of an unsigned id. */
export function hexId(value: Int64 | bigint): string {
  return BigInt(typeof value === 'bigint' ? value : int64Text(value)).toString(16);
}

/** Go's %016x of a signed int64 (a lease id). */
export function leaseHex(value: Int64 | bigint): string {
  const n = BigInt(typeof value === 'bigint' ? value : int64Text(value));
  return n < 0n ? `-${(-n).toString(16).padStart(16, '0')}` : n.toString(16).padStart(16, '0');
}

/** Go's time.Duration String of a nanosecond count. */
export function goDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const negative = ns < 0n;
  let u = negative ? -ns : ns;
  const sign = negative ? '-' : '';
  const fraction = (value: bigint, digits: number): string => {
    const scale = 10n ** BigInt(digits);
    const frac = (value % scale).toString().padStart(digits, '0').replace(/0+$/, '');
    return `${value / scale}${frac ? `.${frac}` : ''}`;
  };
  if (u < 1_000_000_000n) {
    if (u < 1000n) return `${sign}${u}ns`;
    if (u < 1_000_000n) return `${sign}${fraction(u, 3)}µs`;
    return `${sign}${fraction(u, 6)}ms`;
  }
  let out = `${fraction(u % 60_000_000_000n, 9)}s`;
  u /= 60_000_000_000n;
  if (u > 0n) {
    out = `${u % 60n}m${out}`;
    u /= 60n;
    if (u > 0n) out = `${u}h${out}`;
  }
  return sign + out;
}

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration, in milliseconds; throws Go's error text. */
export function parseGoDuration(text: string): number {
  const invalid = (): never => {
    throw new Error(`time: invalid duration ${goQuote(text)}`);
  };
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s.startsWith('-') ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') invalid();
  let total = 0;
  while (s.length > 0) {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    if (m[0] === '' || m[0] === '.' || (m[1] === '' && (m[2] ?? '') === '')) invalid();
    s = s.slice(m[0].length);
    const unit = /^[^\d.]+/.exec(s)?.[0];
    if (!unit) throw new Error(`time: missing unit in duration ${goQuote(text)}`);
    const scale = DURATION_UNITS[unit];
    if (scale === undefined) throw new Error(`time: unknown unit ${goQuote(unit)} in duration ${goQuote(text)}`);
    s = s.slice(unit.length);
    total += Number(`${m[1] || '0'}.${m[2] || '0'}`) * scale;
  }
  return (sign * total) / 1e6;
}

/** strconv's underscoreOK: `_` only between digits (a base prefix counts as a digit). */
function underscoreOK(text: string): boolean {
  let s = text.startsWith('-') || text.startsWith('+') ? text.slice(1) : text;
  let saw = '^';
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes(s[1]!.toLowerCase())) {
    hex = s[1]!.toLowerCase() === 'x';
    s = s.slice(2);
    saw = '0';
  }
  for (const c of s) {
    if (/[0-9]/.test(c) || (hex && /[a-fA-F]/.test(c))) saw = '0';
    else if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
    } else {
      if (saw === '_') return false;
      saw = '!';
    }
  }
  return saw !== '_';
}

const DIGITS: Record<number, RegExp> = { 2: /^[01]*$/, 8: /^[0-7]*$/, 10: /^[0-9]*$/, 16: /^[0-9a-fA-F]*$/ };
const RADIX_PREFIX: Record<number, string> = { 2: '0b', 8: '0o', 10: '', 16: '0x' };

/**
 * strconv.ParseInt / ParseUint with Go's error text; returns a bigint. Base 0 reads Go's prefixes (0x, 0o,
 * 0b, a leading 0 for octal) and `_` separators, as pflag's integer flags do.
 */
export function parseGoInt(text: string, base: 0 | 10 | 16, bits: 64, unsigned = false): bigint {
  const fn = unsigned ? 'ParseUint' : 'ParseInt';
  const syntax = (): never => {
    throw new Error(`strconv.${fn}: parsing ${goQuote(text)}: invalid syntax`);
  };
  let s = text;
  let negative = false;
  if (!unsigned && (s.startsWith('-') || s.startsWith('+'))) {
    negative = s.startsWith('-');
    s = s.slice(1);
  }
  if (s === '') syntax();
  let radix: number = base;
  if (base === 0) {
    radix = 10;
    if (s[0] === '0') {
      const letter = s.length >= 3 ? s[1]!.toLowerCase() : '';
      radix = letter === 'b' ? 2 : letter === 'o' ? 8 : letter === 'x' ? 16 : 8;
      s = s.slice(letter === 'b' || letter === 'o' || letter === 'x' ? 2 : 1);
    }
    if (s.includes('_')) {
      if (!underscoreOK(text)) syntax();
      s = s.replace(/_/g, '');
    }
    // A lone "0" is octal with no digits after the prefix: zero.
    if (s === '' && radix === 8 && /^[+-]?0$/.test(text)) s = '0';
  }
  if (s === '' || !DIGITS[radix]!.test(s)) syntax();
  let value = BigInt(`${RADIX_PREFIX[radix]}${s}`);
  if (negative) value = -value;
  const max = unsigned ? (1n << BigInt(bits)) - 1n : (1n << BigInt(bits - 1)) - 1n;
  const min = unsigned ? 0n : -(1n << BigInt(bits - 1));
  if (value > max || value < min) throw new Error(`strconv.${fn}: parsing ${goQuote(text)}: value out of range`);
  return value;
}

/** Go's %.Nf for N of 0 or 1, rounding exact ties to even as Go does. */
function goFixed(value: number, digits: 0 | 1): string {
  const scaled = value * 10 ** digits;
  const floor = Math.floor(scaled);
  if (scaled - floor === 0.5) {
    const even = floor % 2 === 0 ? floor : floor + 1;
    return (even / 10 ** digits).toFixed(digits);
  }
  return value.toFixed(digits);
}

const SIZES = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** go-humanize's Bytes: SI units, one decimal below 10. */
export function humanBytes(size: number): string {
  if (size < 10) return `${size} B`;
  const e = Math.floor(Math.log(size) / Math.log(1000));
  const val = Math.floor((size / 1000 ** e) * 10 + 0.5) / 10;
  return `${goFixed(val, val < 10 ? 1 : 0)} ${SIZES[e]}`;
}
