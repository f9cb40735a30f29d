import { describe, expect, it } from 'vitest';
import { MessageType, StateType } from '../../../../src/raft/index.js';
import { Harness, addLearner } from '../../../support/raft-harness.js';

describe('election', () => {
  it('a follower that hears nothing for an election timeout campaigns, wins, and everyone follows it', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.tick(1n, h.electionTick - 1);
    h.stabilize();
    expect(h.leaders()).toEqual([]);

    h.tick(1n);
    h.stabilize();
    expect(h.leaders()).toEqual([1n]);
    for (const id of [1n, 2n, 3n]) {
      expect(h.term(id)).toBe(2);
      expect(h.lead(id)).toBe(1n);
    }
  });

  it('followers that keep hearing heartbeats never start an election', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    for (let i = 0; i < 5 * h.electionTick; i++) {
      h.tickAll();
      h.stabilize();
    }
    expect(h.leaders()).toEqual([1n]);
    expect(h.term(2n)).toBe(2);
  });

  it('a split vote elects nobody, and a later timeout elects a leader in a higher term', () => {
    const h = new Harness([1n, 2n, 3n, 4n], { preVote: false });
    h.get(1n).node.campaign();
    h.get(2n).node.campaign();
    h.processAll();
    // 3 hears 1 first and 4 hears 2 first: two votes each, three needed.
    h.deliver((m) => (m.from === 1n && m.to === 3n) || (m.from === 2n && m.to === 4n));
    h.processAll();
    h.deliver((m) => m.type === MessageType.VoteResp);
    h.stabilize();
    expect(h.leaders()).toEqual([]);
    expect(h.term(1n)).toBe(2);

    h.tick(3n, h.electionTick);
    h.stabilize();
    expect(h.leaders()).toEqual([3n]);
    expect(h.term(3n)).toBe(3);
  });

  it('a leader that hears of a higher term steps down and follows the newer leader', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    h.isolate(1n);
    // 3 times out first; 2 still hears from 1 and ignores it. Then 2 times out and 3 supports it.
    h.tick(3n, h.electionTick);
    h.stabilize();
    h.tick(2n, h.electionTick);
    h.stabilize();
    expect(h.leaders()).toEqual([1n, 2n]);
    expect(h.term(2n)).toBeGreaterThan(h.term(1n));

    h.recover();
    h.tick(2n); // its heartbeat carries the higher term to 1
    h.stabilize();
    expect(h.leaders()).toEqual([2n]);
    expect(h.state(1n)).toBe(StateType.Follower);
    expect(h.lead(1n)).toBe(2n);
    expect(h.term(1n)).toBe(h.term(2n));
  });

  it('a learner never campaigns, however long it goes without a leader', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    h.proposeConfChange(1n, addLearner(4n));
    h.addNode(4n);
    h.stabilize();
    h.tick(1n); // a new member hears from the leader with the next heartbeat
    h.stabilize();
    expect(h.get(4n).confState.learners).toEqual([4n]);

    h.isolate(4n);
    h.tick(4n, 3 * h.electionTick);
    h.stabilize();
    expect(h.state(4n)).toBe(StateType.Follower);
    expect(h.sentOf(MessageType.PreVote, { from: 4n })).toEqual([]);
    expect(h.sentOf(MessageType.Vote, { from: 4n })).toEqual([]);
  });
});
