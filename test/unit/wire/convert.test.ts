import fc from 'fast-check';
import Long from 'long';
import { describe, expect, it } from 'vitest';
import { int64, toBigInt, toUint64, uint64 } from '../../../src/wire/convert.js';
import { RequestIdGenerator } from '../../../src/server/request-ids.js';

const signed = fc.bigInt(-(1n << 63n), (1n << 63n) - 1n);
const unsigned = fc.bigInt(0n, (1n << 64n) - 1n);

describe('64-bit conversions', () => {
  it('agree with Long’s own decimal conversions both ways, signed and unsigned', () => {
    fc.assert(
      fc.property(signed, unsigned, (s, u) => {
        expect(int64(s).toString()).toBe(s.toString());
        expect(uint64(u).toString()).toBe(u.toString());
        expect(int64(s).unsigned).toBe(false);
        expect(uint64(u).unsigned).toBe(true);
        expect(toBigInt(Long.fromString(s.toString(), false))).toBe(s);
        expect(toBigInt(Long.fromString(u.toString(), true))).toBe(u);
        expect(toUint64(Long.fromString(s.toString(), false))).toBe(BigInt.asUintN(64, s));
      }),
      { numRuns: 2000 },
    );
  });

  it('read numbers, strings and missing values', () => {
    expect(toBigInt(undefined)).toBe(0n);
    expect(toBigInt(42)).toBe(42n);
    expect(toBigInt('-7')).toBe(-7n);
    expect(toUint64('-1')).toBe((1n << 64n) - 1n);
  });
});

describe('request ids', () => {
  it('carry the member id’s low 16 bits on top and count up from the clock', () => {
    const ids = new RequestIdGenerator(0xabcd_1234_5678_9abcn, 1_000_000);
    const first = ids.next();
    expect(first >> 48n).toBe(0x9abcn);
    expect(first & ((1n << 48n) - 1n)).toBe((1_000_000n << 8n) + 1n);
    expect(ids.next()).toBe(first + 1n);
  });

  it('differ between members and between a member’s restarts a millisecond apart', () => {
    const a = new RequestIdGenerator(1n, 5000).next();
    const b = new RequestIdGenerator(2n, 5000).next();
    const later = new RequestIdGenerator(1n, 5001).next();
    expect(new Set([a, b, later]).size).toBe(3);
  });
});
