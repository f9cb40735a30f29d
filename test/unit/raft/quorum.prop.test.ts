import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VoteResult, committedIndex, voteResult } from '../../../src/raft/quorum/majority.js';

// Naive oracles: say what a majority means directly, without sorting tricks.
function naiveCommitted(acked: readonly number[]): number {
  const quorum = Math.floor(acked.length / 2) + 1;
  let best = 0;
  for (const candidate of acked) {
    const holders = acked.filter((a) => a >= candidate).length;
    if (holders >= quorum && candidate > best) best = candidate;
  }
  return best;
}

function naiveVote(votes: readonly (boolean | undefined)[]): VoteResult {
  const quorum = Math.floor(votes.length / 2) + 1;
  const yes = votes.filter((v) => v === true).length;
  const no = votes.filter((v) => v === false).length;
  if (yes >= quorum) return VoteResult.Won;
  if (no >= quorum || votes.length - no < quorum) return VoteResult.Lost;
  return VoteResult.Pending;
}

describe('quorum arithmetic against naive oracles', () => {
  it('committedIndex is the largest index a majority has acknowledged', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.nat(1000), { nil: undefined }), { minLength: 1, maxLength: 40 }), (acks) => {
        const voters = new Set(acks.map((_, i) => BigInt(i + 1)));
        const got = committedIndex(voters, (id) => acks[Number(id) - 1]);
        expect(got).toBe(naiveCommitted(acks.map((a) => a ?? 0)));
      }),
      { numRuns: 5000 },
    );
  });

  it('voteResult decides as soon as the outcome is certain and not before', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.boolean(), { nil: undefined }), { minLength: 1, maxLength: 9 }), (votes) => {
        const voters = new Set(votes.map((_, i) => BigInt(i + 1)));
        const cast = new Map<bigint, boolean>();
        votes.forEach((v, i) => {
          if (v !== undefined) cast.set(BigInt(i + 1), v);
        });
        expect(voteResult(voters, cast)).toBe(naiveVote(votes));
      }),
      { numRuns: 5000 },
    );
  });

  it('votes from non-members are not counted', () => {
    const voters = new Set([1n, 2n, 3n]);
    const cast = new Map<bigint, boolean>([
      [1n, true],
      [7n, true],
      [8n, true],
    ]);
    expect(voteResult(voters, cast)).toBe(VoteResult.Pending);
  });

  it('an empty configuration neither blocks commit nor elections', () => {
    expect(committedIndex(new Set(), () => 0)).toBe(Number.MAX_SAFE_INTEGER);
    expect(voteResult(new Set(), new Map())).toBe(VoteResult.Won);
  });
});
