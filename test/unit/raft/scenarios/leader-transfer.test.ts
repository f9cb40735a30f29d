import { describe, expect, it } from 'vitest';
import { DropReason, MessageType } from '../../../../src/raft/index.js';
import { Harness, addLearner } from '../../../support/raft-harness.js';

/** A cluster led by 1 that started a transfer to 3, which lags behind and cannot be reached to catch up. */
function transferToUnreachableMember(): Harness {
  const h = new Harness([1n, 2n, 3n]);
  h.campaign(1n);
  h.isolate(3n);
  h.propose(1n, 'so that 3 lags');
  h.stabilize();
  h.transferLeader(1n, 3n);
  return h;
}

describe('leader transfer', () => {
  it('an up-to-date follower gets TimeoutNow, wins at once, and the old leader follows it', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    h.transferLeader(1n, 2n);
    h.stabilize();
    expect(h.sentOf(MessageType.TimeoutNow, { from: 1n, to: 2n })).toHaveLength(1);
    expect(h.leaders()).toEqual([2n]);
    expect(h.lead(1n)).toBe(2n);
    expect(h.term(1n)).toBe(3);
  });

  it('a lagging follower is caught up first, then takes over', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    h.isolate(3n);
    for (let i = 0; i < 10; i++) h.propose(1n, `w${i}`);
    h.stabilize();
    h.recover();
    h.transferLeader(1n, 3n);
    h.processAll();
    // Not yet: 3 would lose the election with a shorter log. It is sent what it misses first.
    expect(h.queued(MessageType.TimeoutNow)).toEqual([]);
    expect(h.queued(MessageType.App, 3n)).toHaveLength(1);
    h.stabilize();
    expect(h.sentOf(MessageType.TimeoutNow, { from: 1n, to: 3n })).toHaveLength(1);
    expect(h.leaders()).toEqual([3n]);
    expect(h.appliedData(3n)).toHaveLength(10);
  });

  it('proposals are dropped while a transfer is under way', () => {
    const h = transferToUnreachableMember();
    expect(h.tryPropose(1n, 'during transfer')).toBe(DropReason.TransferInProgress);
  });

  it('a transfer that does not finish within an election timeout is abandoned and proposals flow again', () => {
    const h = transferToUnreachableMember();
    for (let i = 0; i < h.electionTick - 1; i++) {
      h.tick(1n);
      h.stabilize();
    }
    expect(h.tryPropose(1n, 'too early')).toBe(DropReason.TransferInProgress);

    h.tick(1n);
    h.stabilize();
    expect(h.leaders()).toEqual([1n]);
    expect(h.tryPropose(1n, 'after')).toBeUndefined();
    h.stabilize();
    expect(h.appliedData(2n)).toContain('after');
  });

  it('transfers to itself, to a learner or to an unknown member are ignored', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    h.addNode(4n);
    h.changeMembership(1n, addLearner(4n));
    const mark = h.mark();
    for (const target of [1n, 4n, 9n]) {
      h.transferLeader(1n, target);
      expect(h.tryPropose(1n, `still leading (${target})`)).toBeUndefined();
    }
    h.stabilize();
    expect(h.sentOf(MessageType.TimeoutNow, { since: mark })).toEqual([]);
    expect(h.leaders()).toEqual([1n]);
  });

  it('a transfer to another member replaces one still under way', () => {
    const h = transferToUnreachableMember();
    h.transferLeader(1n, 2n);
    h.stabilize();
    expect(h.sentOf(MessageType.TimeoutNow)).toEqual([expect.objectContaining({ from: 1n, to: 2n })]);
    expect(h.leaders()).toEqual([2n]);
  });
});
