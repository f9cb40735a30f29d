import { describe, expect, it } from 'vitest';
import { DropReason, MessageType, StateType, message, type Message } from '../../../src/raft/index.js';
import { Harness, removeMember, text } from '../../support/raft-harness.js';

// One test per rule of the Raft paper (Ongaro and Ousterhout, "In Search of an Understandable Consensus
// Algorithm"), named after its section. Bootstrap puts one configuration entry per founding member at the
// head of every log (term 1), so in a 3-member cluster the first ordinary entry has index 4.

const noPreVote = { preVote: false, checkQuorum: false } as const;

/** The message `to` would get from a peer, stepped straight in, followed by its Ready. */
function hear(h: Harness, fields: Partial<Message> & Pick<Message, 'type' | 'from' | 'to'>): void {
  h.inject(message(fields));
}

describe('§5.1 terms', () => {
  it('§5.1 a server that sees a higher term adopts it and reverts to follower', () => {
    const h = new Harness([1n, 2n, 3n], noPreVote);
    h.campaign(1n);
    hear(h, { type: MessageType.App, from: 2n, to: 1n, term: 5, logTerm: 1, index: 3, commit: 3 });
    expect(h.state(1n)).toBe(StateType.Follower);
    expect(h.term(1n)).toBe(5);
    expect(h.lead(1n)).toBe(2n);
  });

  it('§5.1 a request with a stale term is rejected and does not change the receiver', () => {
    const h = new Harness([1n, 2n, 3n], noPreVote);
    h.campaign(1n);
    h.tick(2n, h.electionTick); // 2 starts term 3 and wins (3 grants; 1 steps down on seeing term 3)
    h.stabilize();
    expect(h.leaders()).toEqual([2n]);
    const mark = h.mark();
    hear(h, { type: MessageType.App, from: 1n, to: 3n, term: 2, logTerm: 1, index: 3, commit: 3, entries: [] });
    expect(h.term(3n)).toBe(3);
    expect(h.lead(3n)).toBe(2n);
    // The stale sender is told the current term so it steps down.
    expect(h.sentOf(MessageType.AppResp, { from: 3n, to: 1n, since: mark }).every((m) => m.term === 3)).toBe(true);
  });
});

describe('§5.2 leader election', () => {
  it('§5.2 a follower that hears nothing for an election timeout becomes a candidate and votes for itself', () => {
    const h = new Harness([1n, 2n, 3n], noPreVote);
    h.tick(1n, h.electionTick);
    expect(h.state(1n)).toBe(StateType.Candidate);
    expect(h.term(1n)).toBe(2);
    h.processAll();
    expect(h.status(1n).hardState.vote).toBe(1n);
    expect(h.queued(MessageType.Vote).map((m) => m.to).sort()).toEqual([2n, 3n]);
  });

  it('§5.2 a candidate with votes from a majority becomes leader and asserts itself with appends', () => {
    const h = new Harness([1n, 2n, 3n, 4n, 5n], noPreVote);
    h.get(1n).node.campaign();
    h.processAll();
    h.deliver((m) => m.to === 2n || m.to === 3n); // only two voters hear it
    h.processAll();
    h.deliver();
    h.processAll();
    expect(h.state(1n)).toBe(StateType.Leader);
    expect(h.queued(MessageType.App).map((m) => m.to).sort()).toEqual([2n, 3n, 4n, 5n]);
  });

  it('§5.2 a candidate without a majority stays candidate', () => {
    const h = new Harness([1n, 2n, 3n, 4n, 5n], noPreVote);
    h.isolate(3n);
    h.isolate(4n);
    h.isolate(5n);
    h.campaign(1n);
    expect(h.state(1n)).toBe(StateType.Candidate);
  });

  it('§5.2 each server votes for at most one candidate in a term, first come first served', () => {
    const h = new Harness([1n, 2n, 3n], noPreVote);
    hear(h, { type: MessageType.Vote, from: 1n, to: 3n, term: 2, logTerm: 1, index: 3 });
    hear(h, { type: MessageType.Vote, from: 2n, to: 3n, term: 2, logTerm: 1, index: 3 });
    const answers = h.queued(MessageType.VoteResp).filter((m) => m.from === 3n);
    expect(answers.map((m) => [m.to, m.reject])).toEqual([
      [1n, false],
      [2n, true],
    ]);
    expect(h.status(3n).hardState.vote).toBe(1n);
  });

  it('§5.2 a candidate that hears from a leader of its term returns to follower', () => {
    const h = new Harness([1n, 2n, 3n], noPreVote);
    h.tick(1n, h.electionTick);
    expect(h.state(1n)).toBe(StateType.Candidate);
    hear(h, { type: MessageType.App, from: 2n, to: 1n, term: 2, logTerm: 1, index: 3, commit: 3 });
    expect(h.state(1n)).toBe(StateType.Follower);
    expect(h.lead(1n)).toBe(2n);
  });

  it('§5.2 election timeouts are randomized between one and two election ticks', () => {
    const spread = new Set<number>();
    for (let seed = 1; seed <= 40; seed++) {
      let state = seed;
      const rand = { intn: (n: number) => (state = (state * 48271) % 2147483647) % n };
      const h = new Harness([1n], { rand });
      let ticks = 0;
      while (h.state(1n) !== StateType.Leader && ticks < 100) {
        h.tick(1n);
        h.stabilize();
        ticks++;
      }
      spread.add(ticks);
      expect(ticks).toBeGreaterThanOrEqual(h.electionTick);
      expect(ticks).toBeLessThan(2 * h.electionTick);
    }
    expect(spread.size).toBeGreaterThan(3);
  });
});

describe('§5.3 log replication', () => {
  it('§5.3 the leader appends a proposal to its log and sends it to every follower', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    h.propose(1n, 'x');
    h.processAll();
    expect(h.logEntries(1n).map((e) => [e.index, e.term, text(e.data)]).at(-1)).toEqual([5, 2, 'x']);
    const appends = h.queued(MessageType.App);
    expect(appends.map((m) => m.to).sort()).toEqual([2n, 3n]);
    for (const m of appends) expect(m.entries.map((e) => new TextDecoder().decode(e.data))).toEqual(['x']);
  });

  it('§5.3 an entry is committed once the leader has it on a majority, not before, and then applied', () => {
    const h = new Harness([1n, 2n, 3n, 4n, 5n]);
    h.campaign(1n);
    const committed = h.commit(1n);
    h.cutLink(1n, 3n);
    h.cutLink(1n, 4n);
    h.cutLink(1n, 5n);
    h.propose(1n, 'x');
    h.stabilize();
    expect(h.progress(1n, 2n).match).toBe(h.lastIndex(1n)); // on two of five
    expect(h.commit(1n)).toBe(committed);
    expect(h.appliedData(1n)).toEqual([]);

    h.recover();
    h.cutLink(1n, 4n);
    h.cutLink(1n, 5n);
    h.tick(1n); // 3 answers the heartbeat and is sent the entry: three of five
    h.stabilize();
    expect(h.commit(1n)).toBe(h.lastIndex(1n));
    expect(h.appliedData(1n)).toEqual(['x']);
  });

  it('§5.3 followers apply an entry only once they learn it is committed', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    h.propose(1n, 'x');
    h.processAll();
    h.deliver(); // followers store it
    h.processAll();
    expect(h.appliedData(2n)).toEqual([]);
    h.stabilize(); // the leader commits and tells them
    expect(h.appliedData(2n)).toEqual(['x']);
  });

  it('§5.3 a follower rejects an append whose previous entry it does not have', () => {
    const h = new Harness([1n, 2n, 3n], noPreVote);
    hear(h, { type: MessageType.App, from: 1n, to: 2n, term: 2, logTerm: 2, index: 9, commit: 3, entries: [] });
    const [answer] = h.queued(MessageType.AppResp);
    expect(answer!.reject).toBe(true);
    expect(answer!.rejectHint).toBe(3);
  });

  it('§5.3 a leader makes a follower\'s log match its own, deleting the follower\'s conflicting entries', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.seedLog(3n, [2, 2, 2], 3); // 3 holds entries of an old term-2 leader that nobody else got
    h.seedLog(1n, [], 3);
    h.seedLog(2n, [], 3);
    h.campaign(1n); // 1 and 2 elect 1 in term 4 (3's log is more up-to-date, it refuses)
    h.propose(1n, 'x');
    h.stabilize();
    expect(h.logTerms(3n)).toEqual([1, 1, 1, 4, 4]);
    expect(h.appliedData(3n)).toEqual(['x']);
  });
});

describe('§5.4 safety', () => {
  it('§5.4.1 a voter denies its vote to a candidate whose log is less up-to-date', () => {
    const h = new Harness([1n, 2n, 3n], noPreVote);
    h.seedLog(2n, [2], 2);
    hear(h, { type: MessageType.Vote, from: 1n, to: 2n, term: 3, logTerm: 1, index: 3 });
    expect(h.queued(MessageType.VoteResp, 1n)[0]!.reject).toBe(true);
    // A log ending in a higher term wins even when shorter.
    hear(h, { type: MessageType.Vote, from: 3n, to: 2n, term: 4, logTerm: 3, index: 1 });
    expect(h.queued(MessageType.VoteResp, 3n)[0]!.reject).toBe(false);
  });

  it('§5.4.2 a leader never commits an entry of a previous term by counting replicas (Figure 8)', () => {
    // Figure 8 with the bootstrap entries in front (index 2 of the figure is index 6 here).
    // (a) S1 led term 2 and got its entry at 6 to S2 only; (b) S5 led term 3 (elected by S3, S4) with its own entry at 6.
    const h = new Harness([1n, 2n, 3n, 4n, 5n], { ...noPreVote, maxSizePerMsg: 1 }); // one entry per append
    h.seedLog(1n, [2], 3);
    h.seedLog(2n, [2], 3);
    h.seedLog(3n, [], 3);
    h.seedLog(4n, [], 3);
    h.seedLog(5n, [3], 3);
    // (c) S5 and S4 are away; S1 is elected in term 4 by S2 and S3.
    h.isolate(4n);
    h.isolate(5n);
    h.get(1n).node.campaign();
    const probes = h.stabilizeHolding((m) => m.type === MessageType.App);
    expect(h.leaders()).toEqual([1n]);
    expect(h.term(1n)).toBe(4);

    h.send(...probes.filter((m) => m.to === 2n)); // S2 takes the term-4 entry at 7
    h.stabilize();
    h.send(...probes.filter((m) => m.to === 3n));
    h.deliver(); // S3 lacks 6 and rejects; the leader backs up and sends 6 alone
    const term4ToS3 = h.stabilizeHolding(
      (m) => m.type === MessageType.App && m.to === 3n && m.entries.some((e) => e.term === 4),
    );
    expect(h.logTerms(3n).slice(5)).toEqual([2]);
    expect(h.progress(1n, 3n).match).toBe(6);

    // The term-2 entry is on S1, S2 and S3, a majority, yet S5 could still be elected by S2, S3, S4 and
    // overwrite it (d): it must not count as committed.
    expect(h.commit(1n)).toBe(5);
    expect(h.appliedData(1n)).toEqual([]);

    // (e) Once the term-4 entry is on a majority too, both commit.
    h.send(...term4ToS3);
    h.stabilize();
    expect(h.commit(1n)).toBe(7);
    expect(h.appliedData(1n)).toEqual(['t2']);
  });

  it('§5.4.2 Figure 8 (d): the uncommitted previous-term entry can indeed be overwritten', () => {
    const h = new Harness([1n, 2n, 3n, 4n, 5n], noPreVote);
    h.seedLog(1n, [2], 3);
    h.seedLog(2n, [2], 3);
    h.seedLog(3n, [2], 3);
    h.seedLog(5n, [3], 3);
    h.isolate(1n);
    h.campaign(5n); // S2, S3, S4 vote for S5: its last term 3 beats their 2
    expect(h.leaders()).toEqual([5n]);
    h.propose(5n, 'x');
    h.stabilize();
    expect(h.logTerms(3n).slice(5, 6)).toEqual([3]);
  });

  it('§5.4.3 leader completeness: a server missing a committed entry cannot be elected', () => {
    const h = new Harness([1n, 2n, 3n], noPreVote);
    h.campaign(1n);
    h.isolate(3n);
    h.propose(1n, 'committed on 1 and 2');
    h.stabilize();
    h.recover();
    h.isolate(1n);
    h.tick(3n, h.electionTick);
    h.stabilize();
    expect(h.state(3n)).not.toBe(StateType.Leader);
    h.tick(2n, 2 * h.electionTick);
    h.stabilize();
    expect(h.leaders()).toContain(2n);
  });

  it('§5.4.3 state machine safety: every server applies the same entry at each index', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    for (let i = 0; i < 5; i++) h.propose(1n, `e${i}`);
    h.stabilize();
    h.transferLeader(1n, 3n);
    h.stabilize();
    for (let i = 5; i < 10; i++) h.propose(3n, `e${i}`);
    h.stabilize();
    const expected = Array.from({ length: 10 }, (_, i) => `e${i}`);
    for (const id of [1n, 2n, 3n]) expect(h.appliedData(id)).toEqual(expected);
  });
});

describe('§6 cluster membership and §8 client interaction', () => {
  it('§6 once a member is removed, majorities are counted in the new configuration', () => {
    const h = new Harness([1n, 2n, 3n, 4n]);
    h.campaign(1n);
    h.changeMembership(1n, removeMember(4n));
    h.isolate(3n);
    h.isolate(4n);
    h.propose(1n, 'two of three'); // two of the old four would not be a majority
    h.stabilize();
    expect(h.appliedData(2n)).toEqual(['two of three']);
  });

  it('§6 a leader removed from the configuration steps aside: the rest elect one of their own and commit without it', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    h.proposeConfChange(1n, removeMember(1n));
    h.stabilize();
    expect(h.get(2n).confState.voters).toEqual([2n, 3n]);
    expect(h.tryPropose(1n, 'from the removed leader')).toBe(DropReason.NotVoterOrLeader);

    h.tick(1n); // its next heartbeat offers leadership again, now that 2 has applied the change
    h.stabilize();
    h.isolate(1n);
    const [leader] = h.leaders().filter((id) => id !== 1n);
    expect([2n, 3n]).toContain(leader);
    h.propose(leader!, 'without 1');
    h.stabilize();
    expect(h.appliedData(2n)).toEqual(['without 1']);
    expect(h.appliedData(3n)).toEqual(['without 1']);
  });

  it('§8 a new leader commits an entry of its term at once (the no-op), so it knows what is committed', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    const entries = h.get(2n).storage.entries(4, h.lastIndex(2n) + 1, Number.MAX_SAFE_INTEGER);
    expect(entries.map((e) => [e.term, e.data.length])).toEqual([[2, 0]]);
    expect(h.commit(2n)).toBe(4);
  });

  it('§8 read-only requests are answered only after the leader confirmed its leadership with a majority', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    h.readIndex(1n, 'read');
    h.processAll();
    expect(h.reads(1n)).toEqual([]);
    h.stabilize();
    expect(h.reads(1n)).toEqual([['read', h.commit(1n)]]);
  });
});
