// One test body, two implementations: MemoryStorage, and the durable store closed, reopened and restored into
// a MemoryStorage after every step, so anything the disk loses or invents shows up as a difference.

import { afterEach, describe, expect, it } from 'vitest';
import { CompactedError, SnapshotOutOfDateError, UnavailableError } from '../../../src/raft/errors.js';
import { MemoryStorage } from '../../../src/raft/storage.js';
import type { LogStorage } from '../../../src/raft/storage.js';
import type { ConfState, Entry, HardState, SnapshotMetadata } from '../../../src/raft/types.js';
import { prepareDataDir } from '../../../src/storage/data-dir.js';
import type { DataDirLayout } from '../../../src/storage/data-dir.js';
import { RaftWal } from '../../../src/storage/wal/raft-wal.js';
import { restoreMemoryStorage } from '../../../src/storage/memory-storage-from-log.js';
import { SnapshotStore } from '../../../src/storage/raft-snapshot-store.js';
import { entries, makeTempDir, removeTempDir } from './fixtures.js';

interface StorageUnderTest {
  append(entries: Entry[]): Promise<void>;
  setHardState(hs: HardState): Promise<void>;
  /** A snapshot received from the leader. */
  applySnapshot(metadata: SnapshotMetadata, data: Uint8Array): Promise<void>;
  createSnapshot(index: number, confState: ConfState, data: Uint8Array): Promise<void>;
  compact(index: number): Promise<void>;
  /** What raft would read now. */
  view(): Promise<LogStorage>;
  dispose(): Promise<void>;
}

async function memoryStorage(): Promise<StorageUnderTest> {
  const storage = new MemoryStorage();
  return {
    append: async (ents) => storage.append(ents),
    setHardState: async (hs) => storage.setHardState(hs),
    applySnapshot: async (metadata, data) => storage.applySnapshot({ metadata, data }),
    createSnapshot: async (index, cs, data) => void storage.createSnapshot(index, cs, data),
    compact: async (index) => storage.compact(index),
    view: async () => storage,
    dispose: async () => {},
  };
}

async function durableStorage(): Promise<StorageUnderTest> {
  const dir = await makeTempDir('conformance');
  const layout: DataDirLayout = await prepareDataDir(dir);
  let store = (await RaftWal.open(layout)).store;
  const snapshots = await SnapshotStore.open(layout.snapDir);
  return {
    // The store validates synchronously and throws before writing anything; async turns that into a rejection.
    append: async (ents) => void (await store.save({ entries: ents }, { sync: false })),
    setHardState: async (hs) => void (await store.save({ hardState: hs }, { sync: false })),
    applySnapshot: async (metadata, data) => {
      await snapshots.save({ metadata, data });
      await store.save({ snapshot: metadata }, { sync: true });
    },
    createSnapshot: async (index, confState, data) => {
      // Data first, then the record pointing at it. A server takes the metadata from MemoryStorage.createSnapshot,
      // which validates it; this fixture has only the store to ask.
      const metadata = { index, term: store.term(index), confState };
      if (index > store.snapshotMetadata().index) await snapshots.save({ metadata, data });
      await store.recordSnapshot(metadata);
    },
    compact: async (index) => store.compact(index),
    view: async () => {
      await store.close();
      const opened = await RaftWal.open(layout);
      store = opened.store;
      const { snapshot } = opened.state;
      const data = snapshot.index === 0 ? undefined : (await snapshots.load(snapshot.term, snapshot.index)).data;
      return restoreMemoryStorage(opened.state, data);
    },
    dispose: async () => {
      await store.close();
      await removeTempDir(dir);
    },
  };
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const confState: ConfState = { voters: [1n, 2n, 3n], learners: [4n] };

describe.each([
  ['MemoryStorage', memoryStorage],
  ['durable store reopened into MemoryStorage', durableStorage],
])('log storage conformance: %s', (_name, create) => {
  let s: StorageUnderTest;
  afterEach(async () => s.dispose());

  it('starts empty with a dummy entry at index 0', async () => {
    s = await create();
    const v = await s.view();
    expect([v.firstIndex(), v.lastIndex(), v.term(0)]).toEqual([1, 0, 0]);
    expect(() => v.term(1)).toThrow(UnavailableError);
    expect(v.initialState().hardState).toEqual({ term: 0, vote: 0n, commit: 0 });
  });

  it('appends and reads back entries, terms and bounds', async () => {
    s = await create();
    await s.append(entries(1, 5, 1));
    await s.append(entries(6, 8, 2));
    const v = await s.view();
    expect([v.firstIndex(), v.lastIndex(), v.term(5), v.term(6)]).toEqual([1, 8, 1, 2]);
    expect(v.entries(2, 7, Number.MAX_SAFE_INTEGER)).toEqual([...entries(2, 5, 1), ...entries(6, 6, 2)]);
    expect(v.entries(1, 9, 1)).toHaveLength(1);
    expect(() => v.entries(1, 10, 100)).toThrow(UnavailableError);
  });

  it('replaces a conflicting suffix, dropping the old tail beyond the new entries', async () => {
    s = await create();
    await s.append(entries(1, 10, 1));
    await s.append(entries(4, 5, 3));
    const v = await s.view();
    expect(v.lastIndex()).toBe(5);
    expect(v.entries(1, 6, Number.MAX_SAFE_INTEGER)).toEqual([...entries(1, 3, 1), ...entries(4, 5, 3)]);
    expect(() => v.term(6)).toThrow(UnavailableError);
  });

  it('refuses a gap after the last entry', async () => {
    s = await create();
    await s.append(entries(1, 3, 1));
    await expect(s.append(entries(5, 6, 1))).rejects.toThrow(RangeError);
    expect((await s.view()).lastIndex()).toBe(3);
  });

  it('stores the hard state', async () => {
    s = await create();
    await s.append(entries(1, 3, 2));
    await s.setHardState({ term: 2, vote: 0xffff_ffff_ffff_fffen, commit: 3 });
    expect((await s.view()).initialState().hardState).toEqual({ term: 2, vote: 0xffff_ffff_ffff_fffen, commit: 3 });
  });

  it('takes a snapshot, compacts below it, and keeps the entries above', async () => {
    s = await create();
    await s.append(entries(1, 10, 1));
    await s.createSnapshot(8, confState, bytes('state at 8'));
    await s.compact(6);
    const v = await s.view();
    expect([v.firstIndex(), v.lastIndex(), v.term(6)]).toEqual([7, 10, 1]);
    expect(() => v.term(5)).toThrow(CompactedError);
    expect(() => v.entries(6, 8, 100)).toThrow(CompactedError);
    expect(v.snapshot()).toEqual({ metadata: { index: 8, term: 1, confState }, data: bytes('state at 8') });
    expect(v.initialState().confState).toEqual(confState);
  });

  it('rejects compaction at or below the first index and beyond the last', async () => {
    s = await create();
    await s.append(entries(1, 10, 1));
    await s.createSnapshot(10, confState, bytes('x'));
    await s.compact(4);
    await expect(s.compact(4)).rejects.toThrow(CompactedError);
    await expect(s.compact(11)).rejects.toThrow(UnavailableError);
    expect((await s.view()).firstIndex()).toBe(5);
  });

  it('rejects a snapshot that is not newer than the current one', async () => {
    s = await create();
    await s.append(entries(1, 10, 1));
    await s.createSnapshot(5, confState, bytes('x'));
    await expect(s.createSnapshot(5, confState, bytes('y'))).rejects.toThrow(SnapshotOutOfDateError);
    await expect(s.createSnapshot(11, confState, bytes('y'))).rejects.toThrow(UnavailableError);
    await expect(s.applySnapshot({ index: 4, term: 1, confState }, bytes('z'))).rejects.toThrow(SnapshotOutOfDateError);
  });

  it('installs a received snapshot over the whole log, then appends after it', async () => {
    s = await create();
    await s.append(entries(1, 10, 1));
    await s.applySnapshot({ index: 7, term: 2, confState }, bytes('leader state'));
    let v = await s.view();
    expect([v.firstIndex(), v.lastIndex(), v.term(7)]).toEqual([8, 7, 2]);
    expect(v.snapshot().data).toEqual(bytes('leader state'));
    await s.append(entries(8, 9, 2));
    await s.setHardState({ term: 2, vote: 1n, commit: 9 });
    v = await s.view();
    expect([v.firstIndex(), v.lastIndex()]).toEqual([8, 9]);
    expect(v.entries(8, 10, 1000)).toEqual(entries(8, 9, 2));
  });

  it('ignores appended entries at or below the compaction point', async () => {
    s = await create();
    await s.append(entries(1, 6, 1));
    await s.createSnapshot(5, confState, bytes('x'));
    await s.compact(5);
    await s.append(entries(3, 8, 1));
    const v = await s.view();
    expect([v.firstIndex(), v.lastIndex()]).toEqual([6, 8]);
    expect(v.entries(6, 9, 1000)).toEqual(entries(6, 8, 1));
  });
});
