import type { NodeId } from '../types.js';

export enum VoteResult {
  /** Not enough votes yet to decide either way. */
  Pending = 'pending',
  Lost = 'lost',
  Won = 'won',
}

/**
 * The highest index acknowledged by a majority of `voters`: sort the acknowledged
 * indexes descending and take the one at position floor(n/2). Voters that have not
 * acknowledged anything count as 0. An empty configuration commits everything, so
 * that a joint or shrinking configuration never blocks on an empty half.
 */
export function committedIndex(voters: ReadonlySet<NodeId>, acked: (id: NodeId) => number | undefined): number {
  const n = voters.size;
  if (n === 0) return Number.MAX_SAFE_INTEGER;
  const indexes: number[] = [];
  for (const id of voters) indexes.push(acked(id) ?? 0);
  indexes.sort((a, b) => b - a);
  return indexes[Math.floor(n / 2)]!;
}

/** Decides an election from the votes cast so far (true = granted, false = rejected, absent = unknown). */
export function voteResult(voters: ReadonlySet<NodeId>, votes: ReadonlyMap<NodeId, boolean>): VoteResult {
  if (voters.size === 0) return VoteResult.Won;
  let granted = 0;
  let missing = 0;
  for (const id of voters) {
    const v = votes.get(id);
    if (v === undefined) missing++;
    else if (v) granted++;
  }
  const quorum = Math.floor(voters.size / 2) + 1;
  if (granted >= quorum) return VoteResult.Won;
  if (granted + missing >= quorum) return VoteResult.Pending;
  return VoteResult.Lost;
}
