import { describe, expect, it } from 'vitest';
import { DropReason, MessageType, ProgressState } from '../../../../src/raft/index.js';
import { Harness } from '../../../support/raft-harness.js';

const appsTo = (h: Harness, to: bigint) => h.take((m) => m.type === MessageType.App && m.to === to);

describe('flow control', () => {
  it('a follower in replicate state gets pipelined appends up to the in-flight message limit, then nothing until it acknowledges', () => {
    const h = new Harness([1n, 2n, 3n], { maxInflightMsgs: 3, maxSizePerMsg: 1 }); // one entry per append
    h.campaign(1n);
    expect(h.progress(1n, 2n).state).toBe(ProgressState.Replicate);
    for (let i = 0; i < 10; i++) h.propose(1n, `p${i}`);
    h.processAll();
    const window = appsTo(h, 2n);
    expect(window.map((m) => m.entries.length)).toEqual([1, 1, 1]); // sent without waiting for answers
    h.propose(1n, 'more');
    h.processAll();
    expect(appsTo(h, 2n)).toHaveLength(0);

    h.send(...window); // acknowledgements free the window and the rest follows
    h.stabilize();
    expect(h.appliedData(2n)).toHaveLength(11);
  });

  it('the in-flight window is also bounded in bytes', () => {
    const h = new Harness([1n, 2n, 3n], { maxInflightBytes: 1000, maxSizePerMsg: 1 });
    h.campaign(1n);
    for (let i = 0; i < 10; i++) h.propose(1n, 'x'.repeat(400));
    h.processAll();
    // 400-byte entries, one per message: the window closes once the third takes it past 1000 bytes.
    expect(appsTo(h, 2n)).toHaveLength(3);
  });

  it('a follower in probe state gets one append and nothing more until it answers', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.get(1n).node.campaign();
    const probes = h.stabilizeHolding((m) => m.type === MessageType.App); // elected; first appends not yet answered
    expect(h.progress(1n, 2n).state).toBe(ProgressState.Probe);
    expect(probes.filter((m) => m.to === 2n)).toHaveLength(1);
    for (let i = 0; i < 5; i++) h.propose(1n, `p${i}`);
    h.processAll();
    expect(appsTo(h, 2n)).toHaveLength(0);

    h.send(...probes);
    h.stabilize();
    expect(h.progress(1n, 2n).state).toBe(ProgressState.Replicate);
    expect(h.appliedData(2n)).toHaveLength(5);
  });

  it('a rejected append turns a replicating follower back to probing from what it is known to have', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    expect(h.progress(1n, 2n).state).toBe(ProgressState.Replicate);
    const match = h.progress(1n, 2n).match;
    h.propose(1n, 'lost');
    h.processAll();
    appsTo(h, 2n); // lost in flight
    h.propose(1n, 'next');
    h.processAll();
    h.deliver(); // 2 lacks 'lost' and rejects 'next'
    h.processAll();
    expect(h.queued(MessageType.AppResp, 1n).filter((m) => m.from === 2n && m.reject)).toHaveLength(1);

    h.deliver();
    expect(h.progress(1n, 2n).state).toBe(ProgressState.Probe);
    h.processAll();
    const [probe, ...more] = appsTo(h, 2n);
    expect(more).toEqual([]);
    expect(probe!.index).toBe(match);
    h.send(probe!);
    h.stabilize();
    expect(h.progress(1n, 2n).state).toBe(ProgressState.Replicate);
    expect(h.appliedData(2n)).toEqual(['lost', 'next']);
  });

  it('proposals past the uncommitted-bytes cap fail fast and flow again once entries commit', () => {
    const h = new Harness([1n, 2n, 3n], { maxUncommittedEntriesSize: 1000 });
    h.campaign(1n);
    h.isolate(2n);
    h.isolate(3n);
    h.propose(1n, 'x'.repeat(600));
    const last = h.lastIndex(1n);
    expect(h.tryPropose(1n, 'y'.repeat(600))).toBe(DropReason.UncommittedLimit);
    expect(h.lastIndex(1n)).toBe(last); // not appended
    h.recover();
    h.stabilize();
    expect(h.tryPropose(1n, 'y'.repeat(600))).toBeUndefined();
    h.stabilize();
    expect(h.appliedData(2n)).toEqual(['x'.repeat(600), 'y'.repeat(600)]);
  });

  it('a proposal with no leader known fails fast instead of waiting, before the first election and after losing the leader', () => {
    const h = new Harness([1n, 2n, 3n]);
    expect(h.tryPropose(2n, 'nobody leads')).toBe(DropReason.NoLeader);

    h.campaign(1n);
    h.isolate(1n);
    h.tick(2n, h.electionTick); // 2 gives up on 1 and campaigns
    expect(h.lead(2n)).toBe(0n);
    expect(h.tryPropose(2n, 'still nobody')).toBe(DropReason.NoLeader);
  });
});
