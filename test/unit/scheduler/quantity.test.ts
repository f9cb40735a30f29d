import { describe, expect, it } from 'vitest';
import { integerValue, milliValue, parseQuantity } from '../../../src/scheduler/quantity.js';

describe('quantity', () => {
  it.each([
    ['100m', 100, 1],
    ['1', 1000, 1],
    ['1.5', 1500, 2],
    ['0.1', 100, 1],
    ['250m', 250, 1],
    ['1n', 1, 1],
    ['2k', 2_000_000, 2000],
    ['1e3', 1_000_000, 1000],
  ])('%s → %i milli, %i whole (rounded up)', (text, milli, whole) => {
    expect(milliValue(text)).toBe(milli);
    expect(integerValue(text)).toBe(whole);
  });

  it.each([
    ['1Ki', 1024],
    ['1Mi', 1024 ** 2],
    ['1Gi', 1024 ** 3],
    ['4Gi', 4 * 1024 ** 3],
    ['200Mi', 200 * 1024 ** 2],
    ['1G', 1e9],
    ['128974848', 128974848],
    ['129e6', 129e6],
    ['.5Gi', 512 * 1024 ** 2],
  ])('%s is %d bytes', (text, bytes) => {
    expect(integerValue(text)).toBe(bytes);
    expect(parseQuantity(text)).toBe(bytes);
  });

  it('rejects what ParseQuantity rejects', () => {
    for (const bad of ['', 'abc', '1Gb', '1 Gi', '--1']) expect(() => parseQuantity(bad)).toThrow(/quantities must match/);
  });
});
