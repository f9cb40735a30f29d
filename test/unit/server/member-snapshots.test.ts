// A member's own snapshots after one from the leader that carried state past its own index (the leader
// dumps its backend as the snapshot leaves): the member has then applied further than its log reaches, and
// its next snapshot is named by the last entry the log holds. Named by the applied index, it failed with
// "requested entry at index … is unavailable", which stopped the member, and again at every restart.

import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStorage, type ConfState, type Entry, type Ready } from '../../../src/raft/index.js';
import { MemberSnapshots, type MemberSnapshotsDeps } from '../../../src/server/member-snapshots.js';
import { RaftStorage } from '../../../src/server/raft-storage.js';
import { StateBackend } from '../../../src/storage/backend.js';
import { prepareDataDir } from '../../../src/storage/data-dir.js';
import { SnapshotStore } from '../../../src/storage/raft-snapshot-store.js';
import { RaftWal } from '../../../src/storage/wal/raft-wal.js';
import { singleMemberConfig } from '../../support/member-config.js';
import { entries, makeTempDir, removeTempDir } from '../storage/fixtures.js';

const confState: ConfState = { voters: [1n, 2n, 3n], learners: [] };

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('member-snapshots');
});
afterEach(async () => removeTempDir(dir));

describe('MemberSnapshots.maybeCreate', () => {
  it('names a snapshot by the last entry the log holds when the applied state is ahead of it', async () => {
    const layout = await prepareDataDir(dir);
    const { store: wal } = await RaftWal.open(layout);
    const raftStorage = new RaftStorage(new MemoryStorage(), wal, await SnapshotStore.open(layout.snapDir));
    const backend = await StateBackend.open(join(dir, 'db'));
    const config = singleMemberConfig('m1', dir, 'http://127.0.0.1:1', 'http://127.0.0.1:2', { snapshotCount: 300, snapshotCatchUpEntries: 5000 });
    // Only what maybeCreate uses: the config, the raft storage and the state machine's backend.
    const deps = { memberId: 1n, config, raftStorage, stateMachine: () => ({ backend }) } as unknown as MemberSnapshotsDeps;
    const snapshots = new MemberSnapshots(deps);
    // As the Ready loop persists a follower's entries (nothing else of a Ready is read).
    const persist = (list: Entry[]): Promise<void> | undefined => raftStorage.persist({ entries: list, mustSync: true } as unknown as Ready);
    try {
      // The leader's snapshot at 1000, its backend 300 entries further on: applied index 1300.
      await raftStorage.installSnapshot({ index: 1000, term: 2, confState });
      await persist(entries(1001, 1100, 2));
      await snapshots.maybeCreate(1300, () => confState);
      expect(raftStorage.snapshotIndex).toBe(1000);
      // Once the log holds --snapshot-count entries past the last snapshot, the next one is taken there.
      await persist(entries(1101, 1350, 2));
      await snapshots.maybeCreate(1300, () => confState);
      expect(raftStorage.snapshotIndex).toBe(1300);
    } finally {
      await backend.close();
      await raftStorage.close();
    }
  });
});
