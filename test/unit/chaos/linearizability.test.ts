import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLinearizable, registerModel, type KvInput, type KvOutput, type Operation } from '../../support/linearizability.js';

type Op = Operation<KvInput, KvOutput>;
const put = (value: string, call: number, ret: number): Op => ({ input: { kind: 'put', value }, output: {}, call, ret });
const get = (value: string | null, call: number, ret: number): Op => ({ input: { kind: 'get' }, output: { value }, call, ret });
const cas = (expected: string | null, value: string, succeeded: boolean, call: number, ret: number): Op => ({
  input: { kind: 'cas', expected, value },
  output: { succeeded },
  call,
  ret,
});
const unknownPut = (value: string, call: number): Op => ({ input: { kind: 'put', value }, output: undefined, call, ret: Infinity });
const check = (history: Op[]): boolean => checkLinearizable(registerModel, history).linearizable;

describe('linearizability checker: histories that must fail', () => {
  it('a stale read: a read after a completed write returns the old value', () => {
    expect(check([put('a', 0, 1), put('b', 2, 3), get('a', 4, 5)])).toBe(false);
  });

  it('a lost write: an acknowledged write never becomes visible', () => {
    expect(check([put('a', 0, 1), get(null, 2, 3)])).toBe(false);
  });

  it('two compare-and-swaps from the same value both win', () => {
    expect(check([put('x', 0, 1), cas('x', 'y', true, 2, 10), cas('x', 'z', true, 3, 11)])).toBe(false);
  });

  it('a read sees a value that was never written', () => {
    expect(check([put('a', 0, 1), get('ghost', 2, 3)])).toBe(false);
  });

  it('reads going back in time between two readers', () => {
    expect(check([put('a', 0, 1), put('b', 2, 20), get('b', 3, 4), get('a', 5, 6)])).toBe(false);
  });
});

describe('linearizability checker: histories that must pass', () => {
  it('concurrent writes and a read that sees either', () => {
    expect(check([put('a', 0, 10), put('b', 1, 11), get('a', 12, 13)])).toBe(true);
    expect(check([put('a', 0, 10), put('b', 1, 11), get('b', 12, 13)])).toBe(true);
  });

  it('an unknown write may take effect late, or never', () => {
    expect(check([unknownPut('a', 0), get(null, 1, 2), get('a', 3, 4)])).toBe(true);
    expect(check([unknownPut('a', 0), get(null, 1, 2), get(null, 3, 4)])).toBe(true);
    // …but once seen, it cannot be unseen.
    expect(check([unknownPut('a', 0), get('a', 1, 2), get(null, 3, 4)])).toBe(false);
  });

  it('one winning and one losing compare-and-swap', () => {
    expect(check([put('x', 0, 1), cas('x', 'y', true, 2, 10), cas('x', 'z', false, 3, 11), get('y', 12, 13)])).toBe(true);
  });

  it('agrees with brute force over all orders on small random histories', () => {
    const opArb = fc.record({
      kind: fc.constantFrom('put', 'get', 'cas'),
      value: fc.constantFrom('a', 'b', 'c'),
      expected: fc.constantFrom('a', 'b', null),
      seen: fc.constantFrom('a', 'b', 'c', null),
      succeeded: fc.boolean(),
      call: fc.nat({ max: 20 }),
      length: fc.nat({ max: 10 }),
      unknown: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 6 }), (raw) => {
        const history = raw.map((r): Op => {
          const call = r.call;
          if (r.kind === 'get') return get(r.seen, call, call + r.length);
          if (r.unknown) return { ...(r.kind === 'put' ? put(r.value, call, 0) : cas(r.expected, r.value, false, call, 0)), output: undefined, ret: Infinity };
          return r.kind === 'put' ? put(r.value, call, call + r.length) : cas(r.expected, r.value, r.succeeded, call, call + r.length);
        });
        expect(check(history)).toBe(bruteForce(history));
      }),
      { numRuns: 400 },
    );
  });
});

/** Tries every order that respects real time, and every subset of unknown operations left out. */
function bruteForce(history: Op[]): boolean {
  const n = history.length;
  const used = new Array<boolean>(n).fill(false);
  const search = (state: string | null, done: number): boolean => {
    if (done === n) return true;
    for (let i = 0; i < n; i++) {
      if (used[i]) continue;
      // i may go next only if no unused operation finished before i started.
      if (history.some((o, j) => !used[j] && j !== i && o.ret < history[i]!.call)) continue;
      const { ok, next } = registerModel.step(state, history[i]!.input, history[i]!.output);
      used[i] = true;
      if (ok && search(next, done + 1)) return true;
      // An unknown operation may also never take effect.
      if (history[i]!.output === undefined && search(state, done + 1)) return true;
      used[i] = false;
    }
    return false;
  };
  return search(null, 0);
}
