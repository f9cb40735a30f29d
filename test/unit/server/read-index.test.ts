// Linearizable reads by ReadIndex on a real raft core (three in-process nodes, the test delivering the
// messages): reads that arrive together share a round, reads that arrive during a round wait for the
// next, a read resolves only once its round's index has applied, rounds lost to a leader change go again,
// and reads made without a leader wait for one (or fail at the request timeout, as etcd's read loop does).
import { describe, expect, it } from 'vitest';
import type { NodeId, RawNode } from '../../../src/raft/index.js';
import { ReadIndexBatcher } from '../../../src/server/read-index.js';
import { WaitRegistry } from '../../../src/server/wait-registry.js';
import { Harness } from '../../support/raft-harness.js';

/** A ReadIndexBatcher on node `id` of the harness, with its Ready loop run by hand. */
function batcherOn(h: Harness, id: NodeId, timeoutMs = 5000) {
  const inbox: ((node: RawNode) => void)[] = [];
  const waits = new WaitRegistry(0);
  const batcher = new ReadIndexBatcher({ memberId: id, waits, enqueue: (work) => inbox.push(work), hasLeader: () => h.lead(id) !== 0n, timeoutMs });
  return {
    batcher,
    waits,
    /** Runs what the batcher queued for the loop (starting a round, if one is due). */
    runInbox: (): void => {
      for (const work of inbox.splice(0)) work(h.get(id).node);
    },
    /** Delivers every message until the cluster is quiet, then hands the node's read states to the batcher. */
    settle: (): number[] => {
      h.stabilize();
      const readStates = h.get(id).readStates.splice(0);
      batcher.onReadStates(readStates);
      return readStates.map((rs) => rs.index);
    },
  };
}

/** Whether each promise has settled, after the callbacks already due have run. */
async function settled(promises: readonly Promise<unknown>[]): Promise<boolean[]> {
  const state = promises.map(() => false);
  promises.forEach((p, i) => {
    void p.then(
      () => (state[i] = true),
      () => (state[i] = true),
    );
  });
  await new Promise((resolve) => setImmediate(resolve));
  return state;
}

function leaderOf3(): Harness {
  const h = new Harness([1n, 2n, 3n]);
  h.campaign(1n);
  h.stabilize();
  return h;
}

describe('ReadIndex rounds', () => {
  it('reads that arrive together share one round; those arriving during it share the next; each waits for the index to apply', async () => {
    const h = leaderOf3();
    const { batcher, waits, runInbox, settle } = batcherOn(h, 2n);
    const first = Array.from({ length: 5 }, () => batcher.read());
    runInbox();
    expect(batcher.rounds).toBe(1);
    const second = Array.from({ length: 3 }, () => batcher.read());
    // The second batch's round waits for the first to end.
    runInbox();
    expect(batcher.rounds).toBe(1);
    const [index] = settle();
    expect(index).toBe(h.commit(1n));
    // Answered, but not applied here yet.
    expect(await settled(first)).toEqual([false, false, false, false, false]);
    waits.appliedIndex.advance(index!);
    expect(await settled(first)).toEqual([true, true, true, true, true]);
    expect(await settled(second)).toEqual([false, false, false]);
    runInbox();
    expect(batcher.rounds).toBe(2);
    settle();
    await expect(Promise.all(second)).resolves.toEqual([undefined, undefined, undefined]);
  });

  it('a round a leader change superseded goes again, its reads with it, in the next round', async () => {
    const h = leaderOf3();
    const { batcher, waits, runInbox, settle } = batcherOn(h, 2n);
    waits.appliedIndex.advance(h.commit(1n));
    const reads = [batcher.read(), batcher.read()];
    runInbox();
    batcher.onLeaderChange();
    expect(await settled(reads)).toEqual([false, false]);
    // The superseded round's answer, if it still comes, answers nobody; the retry's does.
    settle();
    runInbox();
    expect(batcher.rounds).toBe(2);
    settle();
    await expect(Promise.all(reads)).resolves.toEqual([undefined, undefined]);
  });

  it('without a leader the reads wait for one, then go in the next round', async () => {
    const h = new Harness([1n, 2n, 3n]);
    const { batcher, waits, runInbox, settle } = batcherOn(h, 2n);
    const reads = [batcher.read(), batcher.read()];
    runInbox();
    const later = batcher.read();
    runInbox();
    expect(await settled([...reads, later])).toEqual([false, false, false]);
    h.campaign(1n);
    h.stabilize();
    batcher.onLeaderChange();
    runInbox();
    const [index] = settle();
    expect(index).toBe(h.commit(1n));
    waits.appliedIndex.advance(index!);
    await expect(Promise.all([...reads, later])).resolves.toEqual([undefined, undefined, undefined]);
  });

  it('reads held for a leader fail with etcd\'s "request timed out" at the request timeout, and at shutdown with the shutdown error', async () => {
    const h = new Harness([1n, 2n, 3n]);
    const { batcher, runInbox } = batcherOn(h, 2n, 50);
    const startedAt = performance.now();
    const read = batcher.read();
    runInbox();
    await expect(read).rejects.toThrow('etcdserver: request timed out');
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(45);
    const held = batcher.read();
    runInbox();
    const queued = batcher.read();
    batcher.rejectQueued(new Error('server stopped'));
    await expect(held).rejects.toThrow('server stopped');
    await expect(queued).rejects.toThrow('server stopped');
  });
});
