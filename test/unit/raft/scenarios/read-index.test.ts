import { describe, expect, it } from 'vitest';
import { MessageType, StateType } from '../../../../src/raft/index.js';
import { Harness } from '../../../support/raft-harness.js';

describe('read index', () => {
  it('the leader answers with its commit index once a heartbeat round confirmed it still leads', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    h.propose(1n, 'w');
    h.stabilize();
    const mark = h.mark();
    h.readIndex(1n, 'r1');
    h.processAll();
    expect(h.reads(1n)).toEqual([]);
    expect(h.queued(MessageType.Heartbeat).map((m) => m.to).sort()).toEqual([2n, 3n]);
    h.stabilize();
    expect(h.reads(1n)).toEqual([['r1', h.commit(1n)]]);
    expect(h.sentOf(MessageType.HeartbeatResp, { since: mark }).length).toBeGreaterThan(0);
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

  it('reads asked before one heartbeat round are all answered by it', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    h.readIndex(1n, 'a');
    h.readIndex(1n, 'b');
    h.readIndex(1n, 'c');
    h.stabilize();
    expect(h.reads(1n).map(([ctx]) => ctx)).toEqual(['a', 'b', 'c']);
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
