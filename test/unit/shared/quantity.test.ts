import { describe, expect, it } from 'vitest';
import { formatQuantity } from '../../../src/shared/quantity-format.js';
import { addQuantity, integerValue, milliValue, parseExactQuantity, parseQuantity, ZERO_QUANTITY } from '../../../src/shared/quantity.js';

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
    for (const bad of ['', 'abc', '1Gb', '1 Gi', '--1', '.']) {
      expect(parseQuantity(bad)).toBeUndefined();
      expect(() => milliValue(bad)).toThrow(/quantities must match/);
    }
  });

  it('keeps every digit of a large value and rounds a finer fraction up', () => {
    expect(integerValue('8Ei')).toBe(Number(8n * 1024n ** 6n));
    expect(parseQuantity('123456789012345')).toBe(123456789012345);
    expect(milliValue('1n')).toBe(1);
    expect(milliValue('-1500m')).toBe(-1500);
  });

  it.each([
    [['100m', '200m'], '300m'],
    [['1', '500m'], '1500m'],
    [['64Mi', '128Mi'], '192Mi'],
    [['1Gi', '100M'], '1173741824'],
    [['100M', '1Gi'], '1173741824'],
    [['512Ki', '512Ki'], '1Mi'],
    [['1e3', '1'], '1001'],
  ])('%j sum prints as %s, in the first operand\'s format', (terms, printed) => {
    const [first, ...rest] = terms.map((t) => parseExactQuantity(t)!);
    expect(formatQuantity(rest.reduce(addQuantity, first!))).toBe(printed);
  });

  it('prints zero as "0", and a sum from zero in the format of what was added', () => {
    expect(formatQuantity(ZERO_QUANTITY)).toBe('0');
    expect(formatQuantity(addQuantity(ZERO_QUANTITY, parseExactQuantity('2Gi')!))).toBe('2Gi');
  });
});
