import { describe, expect, it } from 'vitest';
import { MessageType, message } from '../../../../src/raft/index.js';
import { Harness } from '../../../support/raft-harness.js';

describe('restart', () => {
  it('a restarted follower keeps its term, vote, commit and log, and catches up', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    for (let i = 0; i < 3; i++) h.propose(1n, `before ${i}`);
    h.stabilize();
    const hardState = h.status(2n).hardState;
    expect(hardState).toMatchObject({ term: 2, vote: 1n });
    const lastIndex = h.lastIndex(2n);
    h.restart(2n); // with an empty state machine: the commit index can only come from the hard state
    expect(h.status(2n).hardState).toEqual(hardState);
    expect(h.lastIndex(2n)).toBe(lastIndex);

    h.isolate(2n);
    h.propose(1n, 'while it was down');
    h.stabilize();
    h.recover();
    h.tick(1n);
    h.stabilize();
    // It re-applies what was committed before the restart, then what it missed.
    expect(h.appliedData(2n)).toEqual(['before 0', 'before 1', 'before 2', 'while it was down']);
    expect(h.logTerms(2n)).toEqual(h.logTerms(1n));
  });

  it('a follower restarted from a snapshot resumes after it and catches up', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    for (let i = 0; i < 5; i++) h.propose(1n, `w${i}`);
    h.stabilize();
    const snapshot = h.compact(2n, h.commit(2n) - 2);
    h.restart(2n);
    expect(h.status(2n).firstIndex).toBe(snapshot.metadata.index + 1);
    expect(h.appliedData(2n)).toEqual(['w0', 'w1', 'w2']); // restored from the snapshot

    h.propose(1n, 'after');
    h.stabilize();
    expect(h.appliedData(2n)).toEqual(['w0', 'w1', 'w2', 'w3', 'w4', 'after']);
  });

  it('a voter that restarts does not vote again in the same term for someone else', () => {
    const h = new Harness([1n, 2n, 3n], { preVote: false, checkQuorum: false });
    h.inject(message({ type: MessageType.Vote, from: 1n, to: 3n, term: 2, logTerm: 1, index: 3 }));
    h.restart(3n, 3);
    const mark = h.mark();
    h.inject(message({ type: MessageType.Vote, from: 2n, to: 3n, term: 2, logTerm: 1, index: 3 }));
    expect(h.sentOf(MessageType.VoteResp, { from: 3n, to: 2n, since: mark }).map((m) => m.reject)).toEqual([true]);
  });

  it('a whole cluster restarted from its storage and snapshots re-elects and keeps every committed entry', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    for (let i = 0; i < 6; i++) h.propose(1n, `w${i}`);
    h.stabilize();
    for (const id of [1n, 2n, 3n]) h.compact(id, h.commit(id) - 2);
    for (const id of [1n, 2n, 3n]) h.restart(id, 0);
    h.tick(2n, 2 * h.electionTick);
    h.stabilize();
    expect(h.leaders()).toHaveLength(1);
    const [leader] = h.leaders();
    h.propose(leader!, 'after restart');
    h.stabilize();
    for (const id of [1n, 2n, 3n]) {
      expect(h.appliedData(id)).toEqual(['w0', 'w1', 'w2', 'w3', 'w4', 'w5', 'after restart']);
    }
  });
});
