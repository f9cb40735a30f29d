import { describe, expect, it } from 'vitest';
import { MessageType, ProgressState } from '../../../../src/raft/index.js';
import type { Message } from '../../../../src/raft/index.js';
import { Harness } from '../../../support/raft-harness.js';

const isSnapTo3 = (m: Message): boolean => m.type === MessageType.Snap && m.to === 3n;

/** Leader 1 committed `before` entries without 3, compacted its log there, then committed `after` more. */
function followerBehindCompaction(before: number, after: number): { h: Harness; snapshotIndex: number } {
  const h = new Harness([1n, 2n, 3n]);
  h.campaign(1n);
  h.isolate(3n);
  for (let i = 0; i < before; i++) h.propose(1n, `before ${i}`);
  h.stabilize();
  const snapshotIndex = h.commit(1n);
  h.compact(1n, snapshotIndex);
  for (let i = 0; i < after; i++) h.propose(1n, `after ${i}`);
  h.stabilize();
  return { h, snapshotIndex };
}

function expectCaughtUp(h: Harness, follower: bigint): void {
  expect(h.appliedData(follower)).toEqual(h.appliedData(1n));
  expect(h.progress(1n, follower).state).toBe(ProgressState.Replicate);
  expect(h.progress(1n, follower).match).toBe(h.lastIndex(1n));
}

describe('snapshot catch-up', () => {
  it('a follower behind the leader\'s first index receives the snapshot, then the entries after it', () => {
    const { h, snapshotIndex } = followerBehindCompaction(10, 2);
    h.recover();
    h.tick(1n);
    h.stabilize();

    const snaps = h.sentOf(MessageType.Snap, { to: 3n });
    expect(snaps.map((m) => m.snapshot?.metadata.index)).toEqual([snapshotIndex]);
    expect(h.get(3n).storage.firstIndex()).toBe(snapshotIndex + 1);
    expect(h.appliedData(3n)).toHaveLength(12);
    expectCaughtUp(h, 3n);
  });

  it('while the snapshot is in flight the leader sends that follower no appends', () => {
    const { h } = followerBehindCompaction(10, 0);
    h.recover();
    h.tick(1n);
    const held = h.stabilizeHolding(isSnapTo3);
    expect(held).toHaveLength(1);
    expect(h.progress(1n, 3n).state).toBe(ProgressState.Snapshot);

    const mark = h.mark();
    h.propose(1n, 'during the snapshot');
    h.tick(1n);
    h.stabilize();
    expect(h.sentOf(MessageType.App, { to: 3n, since: mark })).toEqual([]);
    expect(h.sentOf(MessageType.App, { to: 2n, since: mark })).not.toEqual([]);

    h.send(...held); // delivered and reported finished
    h.stabilize();
    h.tick(1n);
    h.stabilize();
    expect(h.appliedData(3n)).toContain('during the snapshot');
    expectCaughtUp(h, 3n);
  });

  it('a failed snapshot send puts the follower back to probing, and the next heartbeat retries it', () => {
    const { h } = followerBehindCompaction(10, 0);
    h.recover();
    h.ignore(MessageType.Snap); // every snapshot send fails and is reported so
    h.tick(1n);
    h.stabilize();
    expect(h.sentOf(MessageType.Snap, { to: 3n })).toHaveLength(1);
    expect(h.progress(1n, 3n).state).toBe(ProgressState.Probe);
    expect(h.appliedData(3n)).toEqual([]);

    h.recover();
    h.stabilize();
    expect(h.sentOf(MessageType.Snap, { to: 3n })).toHaveLength(1); // no retry before the follower is heard from

    h.tick(1n);
    h.stabilize();
    expect(h.sentOf(MessageType.Snap, { to: 3n })).toHaveLength(2);
    expectCaughtUp(h, 3n);
  });

  it('a slow follower whose match the leader compacted past is sent a snapshot instead of entries', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    h.propose(1n, 'seen by all');
    h.stabilize();
    const slowMatch = h.progress(1n, 3n).match;

    h.cutLink(1n, 3n);
    for (let i = 0; i < 20; i++) h.propose(1n, `missed ${i}`);
    h.stabilize();
    h.compact(1n, h.commit(1n) - 5);
    expect(h.status(1n).firstIndex).toBeGreaterThan(slowMatch + 1);

    h.recover();
    h.tick(1n);
    h.stabilize();
    expect(h.sentOf(MessageType.Snap, { to: 3n })).toHaveLength(1);
    expectCaughtUp(h, 3n);
  });

  it('a slow follower whose match is still in the leader\'s log gets entries, not a snapshot', () => {
    const h = new Harness([1n, 2n, 3n]);
    h.campaign(1n);
    h.propose(1n, 'seen by all');
    h.stabilize();
    const slowMatch = h.progress(1n, 3n).match;

    h.cutLink(1n, 3n);
    for (let i = 0; i < 20; i++) h.propose(1n, `missed ${i}`);
    h.stabilize();
    h.compact(1n, slowMatch);

    h.recover();
    h.tick(1n);
    h.stabilize();
    expect(h.sentOf(MessageType.Snap)).toEqual([]);
    expectCaughtUp(h, 3n);
  });
});
