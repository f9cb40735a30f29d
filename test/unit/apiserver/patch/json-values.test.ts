// copyJson: what structuredClone makes of a decoded JSON value, without sharing anything with it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyJson } from '../../../../src/apiserver/patch/json-values.js';

describe('copyJson', () => {
  it('equals structuredClone on any JSON value and shares no object with the original', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const copy = copyJson(value);
        expect(copy).toStrictEqual(structuredClone(value));
        const shared = (a: unknown, b: unknown): boolean =>
          typeof a === 'object' && a !== null && (a === b || Object.keys(a).some((k) => shared((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])));
        expect(shared(copy, value)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a "__proto__" member as an own member, as JSON.parse makes it', () => {
    const value = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as Record<string, unknown>;
    const copy = copyJson(value);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { polluted?: boolean }).polluted).toBeUndefined();
    expect(copy).toStrictEqual(structuredClone(value));
  });

  it('keeps undefined members and copies what is not plain JSON as structuredClone does', () => {
    const when = new Date(0);
    const copy = copyJson({ a: undefined, when, list: [1, { b: null }] });
    expect(Object.keys(copy)).toEqual(['a', 'when', 'list']);
    expect(copy.when).toBeInstanceOf(Date);
    expect(copy.when).not.toBe(when);
    expect(copy.when.getTime()).toBe(0);
    expect(copy.list).toEqual([1, { b: null }]);
  });
});
