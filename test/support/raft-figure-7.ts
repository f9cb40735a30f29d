// The logs of Figure 7 of the Raft paper (Ongaro & Ousterhout), as terms per index from index 1.
// The first three entries (term 1) coincide with the bootstrap entries of a three-voter harness.
import { Harness } from './raft-harness.js';
import type { NodeOptions } from './raft-harness.js';

export const FIGURE_7_LEADER = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6] as const;

/** Follower logs (a)–(f): missing entries, extra uncommitted entries, or both. */
export const FIGURE_7_FOLLOWERS = {
  a: [1, 1, 1, 4, 4, 5, 5, 6, 6],
  b: [1, 1, 1, 4],
  c: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
  d: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
  e: [1, 1, 1, 4, 4, 4, 4],
  f: [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
} as const;

const BOOTSTRAP_ENTRIES = 3;

/**
 * Node 1 holds the leader's log (in term 7, so its election is in term 8 as in the figure), node 2
 * the given follower log, node 3 a copy of the leader's log so 1 can win whatever 2 votes.
 * Nobody has been elected yet.
 */
export function figure7Cluster(follower: readonly number[], options: NodeOptions = {}): Harness {
  const h = new Harness([1n, 2n, 3n], options);
  const suffix = (log: readonly number[]): number[] => log.slice(BOOTSTRAP_ENTRIES);
  h.seedLog(1n, suffix(FIGURE_7_LEADER), 7);
  h.seedLog(2n, suffix(follower), Math.max(...follower));
  h.seedLog(3n, suffix(FIGURE_7_LEADER), 7);
  return h;
}
