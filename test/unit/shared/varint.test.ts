import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pushUint64Varint, pushVarint, uint64VarintLength, varintLength, VarintReader, writeUint64Varint, writeVarint } from '../../../src/shared/varint.js';

describe('varints', () => {
  it('read back what was written, numbers and uint64s alike', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: Number.MAX_SAFE_INTEGER }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }))), (pairs) => {
        const out: number[] = [];
        for (const [n, big] of pairs) {
          pushVarint(out, n);
          pushUint64Varint(out, big);
        }
        const reader = new VarintReader(Uint8Array.from(out), 0, out.length);
        for (const [n, big] of pairs) {
          expect(reader.uint()).toBe(n);
          expect(reader.wideUint()).toBe(big);
        }
        expect(reader.pos).toBe(out.length);
      }),
    );
  });

  it('write into a buffer what they append to an array, and know its length first', () => {
    fc.assert(
      fc.property(fc.nat({ max: Number.MAX_SAFE_INTEGER }), fc.bigInt({ min: -(1n << 63n), max: (1n << 64n) - 1n }), (n, big) => {
        const expected: number[] = [];
        pushVarint(expected, n);
        pushUint64Varint(expected, BigInt.asUintN(64, big));
        const out = new Uint8Array(expected.length + 2);
        const afterNumber = writeVarint(out, 1, n);
        expect(afterNumber - 1).toBe(varintLength(n));
        const end = writeUint64Varint(out, afterNumber, big);
        expect(end - afterNumber).toBe(uint64VarintLength(big));
        expect([...out.subarray(1, end)]).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
    for (const edge of [0n, 0x7fn, 0x80n, (1n << 32n) - 1n, 1n << 32n, (1n << 35n) - 1n, 1n << 35n, -1n]) {
      const expected: number[] = [];
      pushUint64Varint(expected, BigInt.asUintN(64, edge));
      expect(uint64VarintLength(edge)).toBe(expected.length);
    }
  });

  it('reads a wide varint whole, at every length and up to its 70 bits', () => {
    for (const value of [0n, 1n, (1n << 49n) - 1n, 1n << 49n, (1n << 56n) + 5n, (1n << 64n) - 1n]) {
      const out: number[] = [];
      pushUint64Varint(out, value);
      expect(new VarintReader(Uint8Array.from(out), 0, out.length).wideUint()).toBe(value);
    }
    const seventyBits = Uint8Array.of(...new Array<number>(9).fill(0xff), 0x7f);
    expect(new VarintReader(seventyBits, 0, 10).wideUint()).toBe((1n << 70n) - 1n);
  });

  it('refuses a varint cut short, one past ten bytes and a number beyond 2^53 - 1', () => {
    expect(() => new VarintReader(Uint8Array.of(0x80, 0x80), 0, 2).uint()).toThrow('varint runs past the end of its field');
    expect(() => new VarintReader(new Uint8Array(11).fill(0x80), 0, 11).wideUint()).toThrow('bad uint64 varint');
    const twoTo53: number[] = [];
    pushUint64Varint(twoTo53, 1n << 53n);
    expect(() => new VarintReader(Uint8Array.from(twoTo53), 0, twoTo53.length).uint()).toThrow('varint is not a safe integer');
  });
});
