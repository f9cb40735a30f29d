import { describe, expect, it } from 'vitest';
import { DropReason, MessageType, StateType } from '../../../../src/raft/index.js';
import { Harness, addLearner, addVoter, removeMember } from '../../../support/raft-harness.js';

/** A three-voter cluster led by 1 with node 4 joined as a learner. */
function clusterWithLearner4(): Harness {
  const h = new Harness([1n, 2n, 3n]);
  h.campaign(1n);
  h.addNode(4n);
  h.changeMembership(1n, addLearner(4n));
  return h;
}

describe('membership', () => {
  it('a learner joins, receives the whole log and applies what everyone applies', () => {
    const h = clusterWithLearner4();
    h.propose(1n, 'after the learner joined');
    h.stabilize();
    for (const id of [1n, 2n, 3n, 4n]) {
      expect(h.get(id).confState).toEqual({ voters: [1n, 2n, 3n], learners: [4n] });
    }
    expect(h.progress(1n, 4n).isLearner).toBe(true);
    expect(h.appliedData(4n)).toEqual(['after the learner joined']);
  });

  it('a learner\'s acknowledgement does not count towards a commit', () => {
    const h = clusterWithLearner4();
    const committed = h.commit(1n);
    h.cutLink(1n, 2n);
    h.cutLink(1n, 3n);
    h.propose(1n, 'needs a voter');
    h.stabilize();
    expect(h.progress(1n, 4n).match).toBe(h.lastIndex(1n));
    expect(h.commit(1n)).toBe(committed);

    h.recover();
    h.tick(1n);
    h.stabilize();
    expect(h.commit(1n)).toBe(h.lastIndex(1n));
  });

  it('a learner is not asked to vote', () => {
    const h = clusterWithLearner4();
    const since = h.mark();
    h.transferLeader(1n, 2n);
    h.stabilize();
    expect(h.leaders()).toEqual([2n]);
    expect(h.sentOf(MessageType.Vote, { to: 4n, since })).toEqual([]);
    expect(h.sentOf(MessageType.Vote, { to: 3n, since })).toHaveLength(1);
  });

  it('a promoted learner votes and counts: with it, three of four voters commit without 3', () => {
    const h = clusterWithLearner4();
    h.changeMembership(1n, addVoter(4n));
    expect(h.get(4n).confState).toEqual({ voters: [1n, 2n, 3n, 4n], learners: [] });

    h.isolate(3n);
    h.propose(1n, 'three of four');
    h.stabilize();
    expect(h.appliedData(4n)).toEqual(['three of four']);

    h.transferLeader(1n, 4n);
    h.stabilize();
    expect(h.leaders()).toEqual([4n]);
  });

  it('adding a fourth voter raises the quorum to three', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    h.addNode(4n);
    h.changeMembership(1n, addVoter(4n));
    expect(h.progress(1n, 4n).isLearner).toBe(false);

    const committed = h.commit(1n);
    h.isolate(3n);
    h.isolate(4n);
    h.propose(1n, 'two of four');
    h.stabilize();
    expect(h.commit(1n)).toBe(committed);
  });

  it('a removed voter no longer counts and is sent nothing more', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    h.changeMembership(1n, removeMember(3n));
    expect(h.get(2n).confState).toEqual({ voters: [1n, 2n], learners: [] });

    const mark = h.mark();
    h.isolate(3n);
    h.propose(1n, 'two of two');
    for (let i = 0; i < h.electionTick * 2; i++) {
      h.tick(1n);
      h.stabilize();
    }
    expect(h.appliedData(2n)).toEqual(['two of two']);
    expect(h.state(1n)).toBe(StateType.Leader); // check-quorum no longer needs 3
    expect(h.sent.slice(mark).filter((m) => m.to === 3n)).toEqual([]);
  });

  it('a leader that removes itself stops taking proposals and hands leadership to a remaining voter', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    h.proposeConfChange(1n, removeMember(1n));
    for (let round = 0; round < 2; round++) {
      h.processAll();
      h.deliver();
    }
    h.processAll(); // 1 has the acknowledgements: it commits and applies its own removal
    expect(h.get(1n).confState.voters).toEqual([2n, 3n]);
    expect(h.tryPropose(1n, 'refused')).toBe(DropReason.NotVoterOrLeader);

    h.stabilize(); // the first offer reaches 2 before it applied the change, so 2 declines it
    h.tick(1n);
    h.stabilize(); // the next heartbeat offers again
    const [newLeader] = h.leaders().filter((id) => id !== 1n);
    expect(newLeader === 2n || newLeader === 3n).toBe(true);
    expect(h.sentOf(MessageType.TimeoutNow, { from: 1n, to: newLeader! }).length).toBeGreaterThan(0);

    h.isolate(1n);
    h.propose(newLeader!, 'without 1');
    h.stabilize();
    expect(h.appliedData(2n)).toEqual(['without 1']);
    expect(h.appliedData(3n)).toEqual(['without 1']);
  });

  it('a second change is refused while one is pending, and accepted once it applied', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    h.proposeConfChange(1n, addLearner(4n));
    expect(h.tryProposeConfChange(1n, addLearner(5n))).toBe(DropReason.ConfChangePending);
    expect(h.tryPropose(1n, 'ordinary writes still flow')).toBeUndefined();

    h.stabilize();
    expect(h.tryProposeConfChange(1n, addLearner(5n))).toBeUndefined();
    h.stabilize();
    expect(h.get(2n).confState.learners).toEqual([4n, 5n]);
  });

  it('a new leader refuses a membership change while its log holds one it has not applied', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    h.cutLink(1n, 3n);
    h.proposeConfChange(1n, addLearner(4n));
    h.processAll();
    h.deliver(); // only 2 gets the change; nobody commits it
    h.processAll();
    h.take(() => true);
    h.isolate(1n);
    h.tick(3n, h.electionTick); // 3 stops counting on 1, so it will grant 2 a vote

    h.get(2n).node.campaign();
    h.stabilizeHolding((m) => m.type === MessageType.App && m.from === 2n); // 2 wins; its first appends are held
    expect(h.state(2n)).toBe(StateType.Leader);
    expect(h.get(2n).confState.learners).toEqual([]);
    expect(h.tryProposeConfChange(2n, addLearner(5n))).toBe(DropReason.ConfChangePending);

    h.tick(2n);
    h.stabilize(); // the inherited change commits along with the new term's first entry
    expect(h.get(2n).confState.learners).toEqual([4n]);
    expect(h.tryProposeConfChange(2n, addLearner(5n))).toBeUndefined();
  });
});
