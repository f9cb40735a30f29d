import { describe, expect, it } from 'vitest';
import { MessageType, StateType } from '../../../../src/raft/index.js';
import { Harness, text } from '../../../support/raft-harness.js';

describe('read index', () => {
  it('the leader answers with its commit index only once a quorum acknowledged a heartbeat round', () => {
    const h = new Harness([1n, 2n, 3n, 4n, 5n]);
    h.campaign(1n);
    h.propose(1n, 'w');
    h.stabilize();
    h.readIndex(1n, 'r1');
    h.processAll();
    expect(h.reads(1n)).toEqual([]);
    const beats = h.take((m) => m.type === MessageType.Heartbeat);
    expect(beats.map((m) => [m.to, text(m.context)])).toEqual([
      [2n, 'r1'],
      [3n, 'r1'],
      [4n, 'r1'],
      [5n, 'r1'],
    ]);

    h.send(...beats.filter((m) => m.to === 2n));
    h.stabilize();
    expect(h.reads(1n)).toEqual([]); // the leader and 2: two of five

    h.send(...beats.filter((m) => m.to === 3n));
    h.stabilize();
    expect(h.reads(1n)).toEqual([['r1', h.commit(1n)]]);
  });

  it('a follower forwards the request and gets the leader\'s commit index back', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    h.propose(1n, 'w');
    h.stabilize();
    h.readIndex(3n, 'from 3');
    h.stabilize();
    expect(h.sentOf(MessageType.ReadIndex, { from: 3n, to: 1n })).toHaveLength(1);
    expect(h.reads(3n)).toEqual([['from 3', h.commit(1n)]]);
  });

  it('reads waiting together are answered together, in order, by the confirmation of the latest', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    h.readIndex(1n, 'a');
    h.readIndex(1n, 'b');
    h.readIndex(1n, 'c');
    h.processAll();
    // Only the heartbeats carrying the last read get through; the earlier rounds are lost.
    h.take((m) => m.type === MessageType.Heartbeat && text(m.context) !== 'c');
    h.deliver();
    h.processAll();
    h.deliver(); // the acknowledgements of 'c'
    const rd = h.nextReady(1n);
    expect(rd?.readStates.map((rs) => [text(rs.requestCtx), rs.index])).toEqual([
      ['a', h.commit(1n)],
      ['b', h.commit(1n)],
      ['c', h.commit(1n)],
    ]);
  });

  it('a leader cut off from the majority never answers, while the other side elects a leader and writes', () => {
    const h = new Harness([1n, 2n, 3n, 4n, 5n], { checkQuorum: false });
    h.campaign(1n);
    h.cutLink(1n, 3n);
    h.cutLink(1n, 4n);
    h.cutLink(1n, 5n);
    h.cutLink(2n, 3n);
    h.cutLink(2n, 4n);
    h.cutLink(2n, 5n);
    h.tick(3n, h.electionTick);
    h.stabilize();
    expect(h.leaders().sort()).toEqual([1n, 3n]);
    h.propose(3n, 'newer than anything 1 knows');
    h.stabilize();
    expect(h.commit(3n)).toBeGreaterThan(h.commit(1n)); // any answer from 1 would be stale

    h.readIndex(1n, 'stale?');
    for (let i = 0; i < 3 * h.electionTick; i++) {
      h.tick(1n);
      h.stabilize();
    }
    expect(h.reads(1n)).toEqual([]);
    expect(h.state(1n)).toBe(StateType.Leader); // check-quorum is off: only the read protocol protects it
  });

  it('a new leader answers reads only after it committed an entry of its own term', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    h.propose(1n, 'w');
    h.stabilize();
    h.transferLeader(1n, 2n);
    const held = h.stabilizeHolding((m) => m.type === MessageType.App && m.from === 2n);
    expect(h.state(2n)).toBe(StateType.Leader);
    h.readIndex(2n, 'early');
    h.stabilizeHolding((m) => m.type === MessageType.App && m.from === 2n);
    expect(h.reads(2n)).toEqual([]);

    h.send(...held);
    h.stabilize();
    expect(h.reads(2n)).toEqual([['early', h.commit(2n)]]);
  });
});
