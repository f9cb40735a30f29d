import { describe, expect, it } from 'vitest';
import { MessageType } from '../../../../src/raft/index.js';
import { FIGURE_7_FOLLOWERS, FIGURE_7_LEADER, figure7Cluster } from '../../../support/raft-figure-7.js';
import { Harness } from '../../../support/raft-harness.js';

function rejectionsFrom(h: Harness, follower: bigint): number {
  return h.sentOf(MessageType.AppResp, { from: follower }).filter((m) => m.reject).length;
}

describe('log conflicts', () => {
  it('an old leader that appended many entries alone has them replaced after a single rejection', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    h.isolate(1n);
    for (let i = 0; i < 50; i++) h.propose(1n, `doomed ${i}`);
    h.processAll();
    expect(h.lastIndex(1n)).toBe(54);

    // 3 times out first and backs 2, which 1 can no longer stop.
    h.tick(3n, h.electionTick);
    h.stabilize();
    h.tick(2n, h.electionTick);
    h.stabilize();
    expect(h.leaders()).toEqual([1n, 2n]);
    for (let i = 0; i < 5; i++) h.propose(2n, `kept ${i}`);
    h.stabilize();
    // A leader elected now first probes 1 at its last index, where 1 holds a doomed entry.
    h.transferLeader(2n, 3n);
    h.stabilize();
    expect(h.leaders()).toEqual([1n, 3n]);

    const before = rejectionsFrom(h, 1n);
    h.recover();
    h.tick(3n);
    h.stabilize();
    // A naive leader would back off one entry per rejection (six of them here).
    expect(rejectionsFrom(h, 1n) - before).toBe(1);
    expect(h.logTerms(1n)).toEqual(h.logTerms(3n));
    expect(h.appliedData(1n)).toEqual(['kept 0', 'kept 1', 'kept 2', 'kept 3', 'kept 4']);
  });

  it('a follower far behind is caught up after a single rejection', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    h.isolate(3n);
    for (let i = 0; i < 40; i++) h.propose(1n, `entry ${i}`);
    h.stabilize();

    h.recover();
    h.tick(1n);
    h.stabilize();
    expect(rejectionsFrom(h, 3n)).toBe(1);
    expect(h.logTerms(3n)).toEqual(h.logTerms(1n));
    expect(h.appliedData(3n)).toHaveLength(40);
  });

  // Followers whose entry at the leader's last index matches need no rejection at all; naive
  // backtracking would take up to seven for (f).
  const expectedRejections = { a: 1, b: 1, c: 0, d: 0, e: 1, f: 1 } as const;

  it.each(Object.keys(FIGURE_7_FOLLOWERS) as (keyof typeof FIGURE_7_FOLLOWERS)[])(
    'Figure 7 follower (%s) is repaired with at most one rejection',
    (name) => {
      const h = figure7Cluster(FIGURE_7_FOLLOWERS[name]);
      h.campaign(1n);
      expect(h.leaders()).toEqual([1n]);
      expect(rejectionsFrom(h, 2n)).toBe(expectedRejections[name]);
      expect(h.logTerms(2n)).toEqual([...FIGURE_7_LEADER, 8]);
    },
  );

  it('a follower whose divergent term spans many entries skips them all in one round trip', () => {
    const h = new Harness([1n, 2n, 3n]);
    const shared = [2, 2, 2];
    h.seedLog(1n, [...shared, ...Array<number>(30).fill(4)], 4);
    h.seedLog(2n, [...shared, ...Array<number>(30).fill(3)], 3);
    h.seedLog(3n, shared, 4);
    h.campaign(1n);
    expect(h.leaders()).toEqual([1n]);
    expect(rejectionsFrom(h, 2n)).toBe(1);
    expect(h.logTerms(2n)).toEqual(h.logTerms(1n));
  });
});
