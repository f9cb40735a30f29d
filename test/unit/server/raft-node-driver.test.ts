// The Ready loop's order with a disk that takes its time: committed entries the log already held are
// applied while the Ready's own entries are being written, on a leader; a follower, whose acknowledgement
// waits for the write, applies only after it; read indexes are handed over before the write.
// Real raft nodes (test/support/raft-harness.ts) up to the Ready under test; then the server's driver with
// a disk whose write completes when the test says.

import { describe, expect, it } from 'vitest';
import { MessageType, type Entry, type Ready } from '../../../src/raft/index.js';
import { RaftNodeDriver } from '../../../src/server/raft-node-driver.js';
import { Harness, text } from '../../support/raft-harness.js';

/** What the driver did, in order, with one Ready whose write completes on `finish()`. */
async function runReady(h: Harness, id: bigint): Promise<{ ready: Ready; events: string[] }> {
  const n = h.get(id);
  const events: string[] = [];
  let finish = (): void => {};
  const written = new Promise<void>((resolve) => (finish = resolve));
  let ready: Ready | undefined;
  const driver = new RaftNodeDriver(n.node, {
    send: (messages) => events.push(`send ${messages.length}`),
    persistSnapshot: () => undefined,
    persist: (rd) => {
      ready = rd;
      events.push(`write ${rd.entries.map((e) => text(e.data)).join(',')}`);
      return written.then(() => {
        n.storage.append(rd.entries);
        if (rd.hardState) n.storage.setHardState(rd.hardState);
        events.push('written');
      });
    },
    apply: (entries: readonly Entry[]) => events.push(`apply ${entries.map((e) => text(e.data)).join(',')}`),
    onReadStates: (readStates) => events.push(`read ${readStates.map((rs) => `${text(rs.requestCtx)}@${rs.index}`).join(',')}`),
  });
  const outcome = driver.processReady();
  // The disk answers once everything that runs without it has run.
  await new Promise((resolve) => setImmediate(resolve));
  finish();
  await outcome;
  return { ready: ready!, events };
}

/** What 1 sent is delivered and answered; the answers reach 1, which has not processed them yet. */
function roundTrip(h: Harness): void {
  h.deliver();
  h.processAll();
  h.deliver((m) => m.to === 1n);
}

/** A 3-node cluster with 1 leading and `a` committed on 1 but not yet applied by it. */
function committedOnLeader(): Harness {
  const h = new Harness([1n, 2n, 3n]);
  h.campaign(1n);
  h.propose(1n, 'a');
  h.processReady(1n);
  roundTrip(h);
  return h;
}

describe('RaftNodeDriver with a disk that takes its time', () => {
  it('a leader applies what its log already held while the Ready\'s entries are written; the new ones wait', async () => {
    const h = committedOnLeader();
    h.propose(1n, 'b');
    const { ready, events } = await runReady(h, 1n);
    expect(ready.entries.map((e) => text(e.data))).toEqual(['b']);
    expect(ready.committedEntries.map((e) => text(e.data))).toEqual(['a']);
    expect(events[0]).toMatch(/^send /);
    expect(events.slice(1)).toEqual(['write b', 'apply a', 'written']);
    expect(ready.messages.every((m) => m.type === MessageType.App)).toBe(true);
  });

  it('a follower applies only once its write, which its acknowledgement waits for, is done', async () => {
    const h = committedOnLeader();
    h.processReady(1n);
    h.propose(1n, 'b');
    h.processReady(1n);
    // 2 gets `b` with the news that `a` committed: its acknowledgement of `b` waits for the write.
    h.deliver((m) => m.to === 2n && m.type === MessageType.App);
    const { ready, events } = await runReady(h, 2n);
    expect(ready.persistedMessages.some((m) => m.type === MessageType.AppResp)).toBe(true);
    expect(ready.committedEntries.map((e) => text(e.data))).toContain('a');
    expect(events.indexOf('written')).toBeLessThan(events.findIndex((e) => e.startsWith('apply')));
  });

  it("hands a read index over before the Ready's write completes", async () => {
    const h = committedOnLeader();
    h.processReady(1n);
    h.readIndex(1n, 'r1');
    h.processReady(1n);
    // The followers confirm the leadership with their heartbeat answers; then a write arrives.
    roundTrip(h);
    h.propose(1n, 'c');
    const { ready, events } = await runReady(h, 1n);
    expect(ready.readStates).toHaveLength(1);
    expect(events.indexOf('read r1@' + ready.readStates[0]!.index)).toBeLessThan(events.indexOf('written'));
    expect(events.indexOf('write c')).toBeGreaterThan(-1);
  });
});
