import type { NodeId } from '../types.js';

export enum VoteResult {
  /** Not enough votes yet to decide either way. */
  Pending = 'pending',
  Lost = 'lost',
  Won = 'won',
}

/** Reused by every call: the leader works out its commit index on every acknowledgement. */
let acknowledged = new Float64Array(8);

/**
 * The highest index acknowledged by a majority of `voters`: the acknowledged indexes in descending order,
 * the one at position floor(n/2). Voters that have not acknowledged anything count as 0. An empty
 * configuration commits everything, so that a joint or shrinking configuration never blocks on an empty
 * half. Insertion-sorted into a reused array: Array.prototype.sort allocated about 2.4 KB per put on a
 * leader under load (etcd's raft sorts on the stack the same way).
 */
export function committedIndex(voters: ReadonlySet<NodeId>, acked: (id: NodeId) => number | undefined): number {
  const n = voters.size;
  if (n === 0) return Number.MAX_SAFE_INTEGER;
  if (acknowledged.length < n) acknowledged = new Float64Array(n * 2);
  let count = 0;
  for (const id of voters) {
    const index = acked(id) ?? 0;
    let at = count++;
    for (; at > 0 && acknowledged[at - 1]! < index; at--) acknowledged[at] = acknowledged[at - 1]!;
    acknowledged[at] = index;
  }
  return acknowledged[Math.floor(n / 2)]!;
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
