// Permanent reproductions of the bugs the cluster simulator found in the core.
import { describe, expect, it } from 'vitest';
import { MemoryStorage, MessageType, RawNode, StateType, bootstrapEntries } from '../../../src/raft/index.js';
import type { Message } from '../../../src/raft/index.js';
import { Harness, removeMember } from '../../support/raft-harness.js';

const FIXED_RAND = { intn: (): number => 0 };

function bootstrappedStorage(voters: bigint[], extraEntries: number): MemoryStorage {
  const boot = bootstrapEntries(voters);
  const storage = new MemoryStorage();
  const extra = Array.from({ length: extraEntries }, (_, i) => ({
    term: 1,
    index: boot.entries.length + 1 + i,
    type: 0,
    data: new TextEncoder().encode(`e${i}`),
  }));
  storage.append([...boot.entries, ...extra]);
  storage.setHardState(boot.hardState);
  return storage;
}

describe('regressions found by the simulator', () => {
  it('an applied index above the persisted commit vouches for that commit after a restart', () => {
    // The commit index is written without fsync; the state machine's applied index is durable.
    const storage = bootstrappedStorage([1n], 5);
    storage.setHardState({ term: 1, vote: 0n, commit: 2 });
    const node = new RawNode({ id: 1n, storage, applied: 6, electionTick: 10, heartbeatTick: 1, rand: FIXED_RAND });
    const st = node.status();
    expect(st.applied).toBe(6);
    expect(st.hardState.commit).toBe(6);
    // Nothing at or below the applied index is handed out again.
    expect(node.hasReady() ? node.ready().committedEntries.length : 0).toBe(0);
  });

  it('a persisted commit below the snapshot index is raised to it instead of refused', () => {
    const storage = bootstrappedStorage([1n], 9);
    storage.createSnapshot(8, { voters: [1n], learners: [] }, new Uint8Array());
    storage.compact(8);
    storage.setHardState({ term: 1, vote: 0n, commit: 3 });
    const node = new RawNode({ id: 1n, storage, electionTick: 10, heartbeatTick: 1, rand: FIXED_RAND });
    expect(node.status().hardState.commit).toBe(8);
  });

  it('replication recovers when every append in a full inflights window was lost', () => {
    const h = new Harness([1n, 2n, 3n], { maxInflightMsgs: 2, maxSizePerMsg: 1 });
    h.campaign(1n);
    for (const data of ['a', 'b', 'c', 'd']) h.propose(1n, data);
    h.processAll();
    // Every append to 2 is lost; 3 keeps the quorum going.
    h.deliver((m) => !(m.type === MessageType.App && m.to === 2n));
    h.stabilize();
    expect(h.progress(1n, 2n).match).toBeLessThan(h.lastIndex(1n));
    // Heartbeats still flow; the answer to one must restart replication to 2.
    for (let i = 0; i < 5; i++) {
      h.tick(1n);
      h.stabilize();
    }
    expect(h.appliedData(2n)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('a leader that applies its own removal hands leadership to the remaining voter', () => {
    const h = new Harness([1n, 2n]);
    h.campaign(1n);
    h.proposeConfChange(1n, removeMember(1n));
    const removalIndex = h.lastIndex(1n);
    // The remaining voter has the removal entry but never hears that it committed: without a hand-over it
    // would wait for the removed member's vote forever.
    const hideCommit = (m: Message): boolean =>
      !(m.from === 1n && m.to === 2n && (m.type === MessageType.App || m.type === MessageType.Heartbeat) && m.commit >= removalIndex);
    for (let round = 0; round < 10; round++) {
      h.processAll();
      h.deliver(hideCommit);
    }
    h.stabilize();
    expect(h.state(2n)).toBe(StateType.Leader);
    expect(h.get(2n).confState.voters).toEqual([2n]);
    h.propose(2n, 'after');
    h.stabilize();
    expect(h.appliedData(2n)).toEqual(['after']);
  });
});
