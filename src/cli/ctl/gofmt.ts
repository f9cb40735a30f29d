// Text formats of the Go standard library that etcdctl's output is made of beyond quoting and durations
// (src/shared): 64-bit ids, strconv's parse errors, and go-humanize's byte sizes.

import type { Int64 } from '../../wire/convert.js';
import { goQuote } from '../../shared/go-strings.js';

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
