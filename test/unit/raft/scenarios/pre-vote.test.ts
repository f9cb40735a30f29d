import { describe, expect, it } from 'vitest';
import { MessageType, StateType } from '../../../../src/raft/index.js';
import { Harness } from '../../../support/raft-harness.js';

/** A cluster led by 1 in term 2 in which 3 was cut off while 1 committed `missed` entries. */
function clusterWithIsolatedNode3(options: ConstructorParameters<typeof Harness>[1], missed: number): Harness {
  const h = new Harness([1n, 2n, 3n], options);
  h.campaign(1n);
  h.isolate(3n);
  for (let i = 0; i < missed; i++) h.propose(1n, `while 3 was away ${i}`);
  h.stabilize();
  return h;
}

describe('pre-vote', () => {
  it('an isolated node pre-campaigns again and again without ever raising its term', () => {
    const h = clusterWithIsolatedNode3({}, 0);
    for (let i = 0; i < 5; i++) {
      h.tick(3n, h.electionTick);
      h.stabilize();
    }
    expect(h.state(3n)).toBe(StateType.PreCandidate);
    expect(h.term(3n)).toBe(2);
    expect(h.sentOf(MessageType.PreVote, { from: 3n }).length).toBeGreaterThanOrEqual(2 * 5);
    expect(h.sentOf(MessageType.Vote, { from: 3n })).toEqual([]);
  });

  it('when the isolated node rejoins, the leader keeps its term and the node follows it', () => {
    const h = clusterWithIsolatedNode3({}, 1);
    h.tick(3n, 3 * h.electionTick);
    h.stabilize();

    h.recover();
    h.tick(3n, h.electionTick); // one more pre-election, now reaching everyone
    h.stabilize();
    expect(h.leaders()).toEqual([1n]);
    expect(h.term(1n)).toBe(2);

    h.tick(1n);
    h.stabilize();
    expect(h.state(3n)).toBe(StateType.Follower);
    expect(h.lead(3n)).toBe(1n);
    expect(h.appliedData(3n)).toEqual(['while 3 was away 0']);
  });

  it('without check-quorum, pre-vote alone still stops a rejoining node whose log is behind', () => {
    const h = clusterWithIsolatedNode3({ checkQuorum: false }, 2);
    h.recover();
    h.tick(3n, h.electionTick);
    h.stabilize();
    const answers = h.sentOf(MessageType.PreVoteResp, { to: 3n });
    expect(answers.map((m) => m.reject)).toEqual([true, true]);
    expect(h.state(3n)).toBe(StateType.Follower); // the pre-election was lost
    expect(h.term(3n)).toBe(2);
    expect(h.leaders()).toEqual([1n]);
    expect(h.term(1n)).toBe(2);
  });

  it('without pre-vote (and check-quorum), the same rejoining node deposes the leader by raising the term', () => {
    const h = clusterWithIsolatedNode3({ checkQuorum: false, preVote: false }, 2);
    h.tick(3n, 3 * h.electionTick);
    h.stabilize();
    expect(h.term(3n)).toBe(5);

    h.recover();
    h.tick(3n, h.electionTick);
    h.stabilize();
    expect(h.term(1n)).toBe(6);
    expect(h.state(1n)).not.toBe(StateType.Leader);
  });

  it('a granted pre-vote changes neither the term nor the vote of the voter', () => {
    const h = new Harness([1n, 2n, 3n], { checkQuorum: false });
    h.campaign(1n);
    const before = h.status(2n).hardState;

    h.tick(3n, h.electionTick);
    h.processAll();
    h.deliver((m) => m.type === MessageType.PreVote && m.to === 2n);
    h.processAll();
    expect(h.queued(MessageType.PreVoteResp, 3n).map((m) => m.reject)).toEqual([false]);
    expect(h.status(2n).hardState).toEqual(before);
    expect(h.lead(2n)).toBe(1n);
  });
});
