import { describe, expect, it } from 'vitest';
import { DropReason, MessageType, StateType, message } from '../../../../src/raft/index.js';
import { Harness } from '../../../support/raft-harness.js';

describe('check-quorum', () => {
  it('a leader cut off from the majority steps down within two election timeouts and drops proposals', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    h.isolate(1n);

    // The first check still counts the activity seen before the partition.
    h.tick(1n, h.electionTick);
    h.stabilize();
    expect(h.state(1n)).toBe(StateType.Leader);

    h.tick(1n, h.electionTick);
    h.stabilize();
    expect(h.state(1n)).toBe(StateType.Follower);
    expect(h.lead(1n)).toBe(0n);
    expect(h.tryPropose(1n, 'lost')).toBe(DropReason.NoLeader);
  });

  it('a leader that hears from a majority keeps leading while one follower is gone', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    h.isolate(3n);
    for (let i = 0; i < 5 * h.electionTick; i++) {
      h.tick(1n);
      h.stabilize();
    }
    expect(h.state(1n)).toBe(StateType.Leader);
    expect(h.term(1n)).toBe(2);
  });

  it('a follower that heard from its leader within the election timeout ignores a vote request of a higher term', () => {
    const h = new Harness([1n, 2n, 3n], { preVote: false });
    h.campaign(1n);
    h.tick(2n, h.electionTick - 1);
    h.inject(message({ type: MessageType.Vote, from: 3n, to: 2n, term: 9, index: 100, logTerm: 9 }));
    expect(h.queued(MessageType.VoteResp)).toEqual([]);
    expect(h.term(2n)).toBe(2);
    expect(h.lead(2n)).toBe(1n);
  });

  it('once the election timeout passes without the leader, the same follower votes', () => {
    const h = new Harness([1n, 2n, 3n], { preVote: false });
    h.campaign(1n);
    h.isolate(1n);
    h.tick(2n, h.electionTick);
    h.take(() => true); // 2's own campaign messages: lost
    h.inject(message({ type: MessageType.Vote, from: 3n, to: 2n, term: 9, index: 100, logTerm: 9 }));
    expect(h.queued(MessageType.VoteResp, 3n).map((m) => m.reject)).toEqual([false]);
    expect(h.term(2n)).toBe(9);
  });
});
