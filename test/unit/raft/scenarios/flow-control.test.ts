import { describe, expect, it } from 'vitest';
import { DropReason, MessageType, ProgressState } from '../../../../src/raft/index.js';
import { Harness } from '../../../support/raft-harness.js';

const appsTo = (h: Harness, to: bigint) => h.take((m) => m.type === MessageType.App && m.to === to);

describe('flow control', () => {
  it('a follower in replicate state gets pipelined appends up to the in-flight message limit, then nothing', () => {
    const h = new Harness([1n, 2n, 3n], { maxInflightMsgs: 3, maxSizePerMsg: 1 });
    h.campaign(1n);
    expect(h.progress(1n, 2n).state).toBe(ProgressState.Replicate);
    for (let i = 0; i < 10; i++) h.propose(1n, `p${i}`);
    h.processAll();
    expect(appsTo(h, 2n)).toHaveLength(3);
    h.propose(1n, 'more');
    h.processAll();
    expect(appsTo(h, 2n)).toHaveLength(0);
  });

  it('the in-flight window is also bounded in bytes', () => {
    const h = new Harness([1n, 2n, 3n], { maxInflightBytes: 1000, maxSizePerMsg: 1 });
    h.campaign(1n);
    for (let i = 0; i < 10; i++) h.propose(1n, 'x'.repeat(400));
    h.processAll();
    // 400-byte entries, one per message: the third would pass 1000 bytes in flight.
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

  it('proposals past the uncommitted-bytes cap fail fast and flow again once entries commit', () => {
    const h = new Harness([1n, 2n, 3n], { maxUncommittedEntriesSize: 1000 });
    h.campaign(1n);
    h.isolate(2n);
    h.isolate(3n);
    h.propose(1n, 'x'.repeat(600));
    expect(h.tryPropose(1n, 'y'.repeat(600))).toBe(DropReason.UncommittedLimit);
    h.recover();
    h.stabilize();
    expect(h.tryPropose(1n, 'y'.repeat(600))).toBeUndefined();
  });

  it('a proposal with no leader known fails fast instead of waiting', () => {
    const h = new Harness([1n, 2n, 3n]);
    expect(h.tryPropose(2n, 'nobody leads')).toBe(DropReason.NoLeader);
  });
});
