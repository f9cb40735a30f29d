// The raft WAL against a model: random sequences of saves, snapshots, compactions and reopens leave exactly
// what a MemoryStorage fed the same calls holds; group commit; checks that refuse bad writes; the lock.

import { pbkdf2 } from 'node:crypto';
import * as fs from 'node:fs';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EntryPlacement } from '../../../src/raft/packed-entries.js';
import { MemoryStorage } from '../../../src/raft/storage.js';
import { EMPTY_BYTES, EntryType } from '../../../src/raft/types.js';
import type { ConfState, Entry } from '../../../src/raft/types.js';
import { prepareDataDir } from '../../../src/storage/data-dir.js';
import type { DataDirLayout } from '../../../src/storage/data-dir.js';
import { DataDirInUseError, LogStoreUsageError } from '../../../src/storage/errors.js';
import { RaftWal } from '../../../src/storage/wal/raft-wal.js';
import { restoreMemoryStorage } from '../../../src/storage/memory-storage-from-log.js';
import { describeStorage, entries, entry, makeTempDir, removeTempDir } from './fixtures.js';

const confState: ConfState = { voters: [1n, 2n, 3n], learners: [] };

let dir: string;
let layout: DataDirLayout;
beforeEach(async () => {
  dir = await makeTempDir('wal');
  layout = await prepareDataDir(dir);
});
afterEach(async () => removeTempDir(dir));

async function withStore<T>(body: (store: RaftWal) => Promise<T>): Promise<T> {
  const { store } = await RaftWal.open(layout);
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}

describe('RaftWal', () => {
  it('reopens to exactly what random sequences of saves, snapshots and compactions left', async () => {
    type Op =
      | { kind: 'append'; backBy: number; count: number; newTerm: boolean }
      | { kind: 'hardState'; commitFraction: number; vote: bigint }
      | { kind: 'createSnapshot'; fraction: number }
      | { kind: 'compact'; fraction: number }
      | { kind: 'installSnapshot'; ahead: number }
      | { kind: 'reopen' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 5, arbitrary: fc.record({ kind: fc.constant('append' as const), backBy: fc.nat(5), count: fc.integer({ min: 1, max: 6 }), newTerm: fc.boolean() }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('hardState' as const), commitFraction: fc.double({ min: 0, max: 1, noNaN: true }), vote: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('createSnapshot' as const), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('compact' as const), fraction: fc.double({ min: 0, max: 1, noNaN: true }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('installSnapshot' as const), ahead: fc.integer({ min: -3, max: 5 }) }) },
      { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
    );
    // An index in (lo, hi], or undefined when the range is empty.
    const pick = (lo: number, hi: number, fraction: number): number | undefined =>
      hi > lo ? Math.min(hi, lo + 1 + Math.floor(fraction * (hi - lo))) : undefined;

    let run = 0;
    let readBack = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        layout = await prepareDataDir(`${dir}/run-${run++}`);
        // Small segments, so that runs cut and purge them too (--max-wals 0, 1 and 2).
        const walOptions = { segmentBytes: 512, maxWals: run % 3 };
        const model = new MemoryStorage();
        let term = 1;
        let { store } = await RaftWal.open(layout, walOptions);
        // Fed the same calls as the model, each once the WAL's write before it is done, with where the WAL
        // put the entries: it keeps no entry data in memory it can read back from the WAL.
        const spilled = new MemoryStorage({ read: (index, place) => (readBack++, store.readEntry(index, place)), residentBytes: 0 }, 64);
        let spilledInOrder: Promise<unknown> = Promise.resolve();
        const thenOnSpilled = (written: Promise<unknown>, change: (result: unknown) => void): void => {
          spilledInOrder = spilledInOrder.then(() => written).then(change);
        };
        // Nothing is awaited between operations, so group commit merges unlike writes into one batch.
        let pending: Promise<unknown>[] = [];
        for (const o of ops) {
          const last = model.lastIndex();
          const first = model.firstIndex();
          const snapIndex = model.snapshot().metadata.index;
          // Raft never rewrites a committed entry: appends start after the last commit written.
          const { commit } = model.initialState().hardState;
          if (o.kind === 'append') {
            if (o.newTerm) term++;
            const from = Math.max(first, snapIndex + 1, commit + 1, last + 1 - o.backBy);
            const ents = entries(from, from + o.count - 1, term);
            model.append(ents);
            const saved = store.save({ entries: ents }, { sync: false });
            pending.push(saved);
            thenOnSpilled(saved, (placement) => spilled.append(ents, placement as EntryPlacement | undefined));
          } else if (o.kind === 'hardState') {
            const hs = { term, vote: o.vote, commit: Math.floor(o.commitFraction * last) };
            model.setHardState(hs);
            pending.push(store.save({ hardState: hs }, { sync: true }));
            thenOnSpilled(Promise.resolve(), () => spilled.setHardState(hs));
          } else if (o.kind === 'createSnapshot') {
            const index = pick(snapIndex, last, o.fraction);
            if (index === undefined) continue;
            model.createSnapshot(index, confState, EMPTY_BYTES);
            pending.push(store.recordSnapshot(model.snapshot().metadata));
            thenOnSpilled(Promise.resolve(), () => spilled.createSnapshot(index, confState, EMPTY_BYTES));
          } else if (o.kind === 'compact') {
            const index = pick(first - 1, snapIndex, o.fraction);
            if (index === undefined) continue;
            model.compact(index);
            pending.push(store.compact(index));
            thenOnSpilled(Promise.resolve(), () => spilled.compact(index));
          } else if (o.kind === 'installSnapshot') {
            // Raft installs a snapshot only past its commit index (raft-replication.ts restore), and the
            // commit written is never ahead of raft's own.
            const index = Math.max(snapIndex + 1, commit + 1, last + o.ahead);
            term++;
            const metadata = { index, term, confState };
            model.applySnapshot({ metadata, data: EMPTY_BYTES });
            const saved = store.save({ snapshot: metadata }, { sync: true });
            pending.push(saved);
            thenOnSpilled(saved, () => spilled.applySnapshot({ metadata, data: EMPTY_BYTES }));
          } else {
            await Promise.all(pending);
            await spilledInOrder;
            pending = [];
            await store.close();
            ({ store } = await RaftWal.open(layout, walOptions));
          }
        }
        await Promise.all(pending);
        await spilledInOrder;
        const readBefore = readBack;
        expect(describeStorage(spilled)).toEqual(describeStorage(model));
        // Every entry but the newest has a slab of its own that was let go: all of them came from the WAL.
        expect(readBack - readBefore).toBeGreaterThanOrEqual(model.lastIndex() - model.firstIndex());
        const stats = store.stats();
        expect(stats.batches).toBeLessThanOrEqual(stats.writes);
        await store.close();
        const reopened = await RaftWal.open(layout);
        await reopened.store.close();
        expect(describeStorage(restoreMemoryStorage(reopened.state))).toEqual(describeStorage(model));
      }),
      { numRuns: 40 },
    );
  });

  it('coalesces concurrent saves into fewer synced batches (group commit)', async () => {
    const saves = 64;
    await withStore(async (store) => {
      const before = store.stats();
      await Promise.all(
        Array.from({ length: saves }, (_, i) =>
          store.save({ entries: [entry(i + 1, 1)], hardState: { term: 1, vote: 1n, commit: i } }, { sync: true }),
        ),
      );
      const after = store.stats();
      expect(after.writes - before.writes).toBe(saves);
      // The first save goes out alone; the rest queue behind it and share the next batch.
      expect(after.batches - before.batches).toBe(2);
      expect(after.syncedBatches - before.syncedBatches).toBe(2);
    });
    const { store, state } = await RaftWal.open(layout);
    await store.close();
    expect(state.entries).toEqual(entries(1, saves, 1));
    expect(state.hardState.commit).toBe(saves - 1);
  });

  it('keeps data written while zeros are being written ahead of it (a fill never lands on data)', async () => {
    // Each larger than the distance the fills keep ahead of the writer, so writes run into fills in progress.
    const big = (index: number): Entry => ({ index, term: 1, type: EntryType.Normal, data: new Uint8Array(700_000).fill(index) });
    // Busy libuv threads delay each fill's write of zeros until after the next data write has been issued.
    const busyThreads = (): Promise<unknown> =>
      Promise.all(Array.from({ length: 4 }, () => new Promise((resolve) => pbkdf2('x', 'salt', 20_000, 32, 'sha256', resolve))));
    await withStore(async (store) => {
      const busy: Promise<unknown>[] = [];
      for (let i = 1; i <= 30; i++) {
        busy.push(busyThreads());
        await store.save({ entries: [big(i)] }, { sync: i % 7 === 0 });
      }
      await Promise.all(busy);
      expect(store.stats().batches).toBe(30);
    });
    const { store, state } = await RaftWal.open(layout);
    await store.close();
    // Compared as buffers: a deep equality over 20 MB of typed arrays takes minutes.
    expect(state.entries.map((e) => e.index)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(state.entries.filter((e) => !Buffer.from(e.data).equals(big(e.index).data)).map((e) => e.index)).toEqual([]);
  });

  it('reopened, gives the in-memory log where each entry lies, across segments, so it can let go of their data', async () => {
    const value = (index: number): Entry => ({ index, term: 1, type: EntryType.Normal, data: new Uint8Array(100_000).fill(index) });
    const walOptions = { segmentBytes: 1024 * 1024, maxWals: 0 };
    const first = await RaftWal.open(layout, walOptions);
    for (let i = 1; i <= 40; i++) await first.store.save({ entries: [value(i)] }, { sync: false });
    await first.store.close();
    const { store, state } = await RaftWal.open(layout, walOptions);
    try {
      expect(store.stats().segments).toBeGreaterThan(2);
      const readBack: number[] = [];
      const memory = restoreMemoryStorage(state, EMPTY_BYTES, { read: (index, place) => (readBack.push(index), store.readEntry(index, place)), residentBytes: 1024 * 1024 });
      const read = memory.entries(1, 41, Number.MAX_SAFE_INTEGER);
      expect(read.filter((e) => !Buffer.from(e.data).equals(value(e.index).data)).map((e) => e.index)).toEqual([]);
      // Ten entries to a 1 MiB slab, one slab kept: the first three slabs' entries came from the segments.
      expect(readBack).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    } finally {
      await store.close();
    }
  });

  it('load() reads back what was written once pending writes finish', async () => {
    await withStore(async (store) => {
      const saved = store.save({ entries: entries(1, 3, 1) }, { sync: false });
      const state = await store.load();
      await saved;
      expect(state.entries).toEqual(entries(1, 3, 1));
      expect(state.bounds).toEqual({ compactedIndex: 0, compactedTerm: 0, lastIndex: 3 });
    });
  });

  it('refuses terms going backwards, gaps, commits beyond the log, compaction above the snapshot, rewriting snapshotted entries', async () => {
    await withStore(async (store) => {
      await store.save({ entries: entries(1, 5, 3) }, { sync: false });
      expect(() => store.save({ entries: [entry(6, 2)] }, { sync: false })).toThrow(LogStoreUsageError);
      expect(() => store.save({ entries: [entry(6, 3), entry(8, 3)] }, { sync: false })).toThrow(LogStoreUsageError);
      expect(() => store.save({ hardState: { term: 3, vote: 0n, commit: 6 } }, { sync: false })).toThrow(
        LogStoreUsageError,
      );
      expect(() => store.compact(2)).toThrow(LogStoreUsageError);
      expect(() => store.recordSnapshot({ index: 3, term: 2, confState })).toThrow(LogStoreUsageError);
      await store.recordSnapshot({ index: 3, term: 3, confState });
      expect(() => store.save({ entries: [entry(3, 4)] }, { sync: false })).toThrow(LogStoreUsageError);
      expect(store.lastIndex()).toBe(5);
    });
  });

  it('refuses a second opener with a clear message', async () => {
    await withStore(async () => {
      const second = RaftWal.open(layout);
      await expect(second).rejects.toThrow(DataDirInUseError);
      await expect(second).rejects.toThrow(`data dir ${layout.dataDir} is in use by another process`);
    });
  });

  it('takes over the lock of a process that is gone', async () => {
    // pid 2^22 + 1 is above Linux's pid_max limit, so no process has it.
    fs.writeFileSync(`${layout.walDir}/wal.lock`, `${2 ** 22 + 1} 12345\n`);
    await withStore(async (store) => {
      await store.save({ entries: entries(1, 2, 1) }, { sync: true });
    });
    const { store, state } = await RaftWal.open(layout);
    await store.close();
    expect(state.bounds.lastIndex).toBe(2);
  });

  it('takes over a lock naming a live pid with another start time (a reused pid), and refuses a live holder', async () => {
    const startTime = (pid: number): string => {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
    };
    fs.writeFileSync(`${layout.walDir}/wal.lock`, `${process.ppid} ${Number(startTime(process.ppid)) + 1}\n`);
    await withStore(async () => {});
    fs.writeFileSync(`${layout.walDir}/wal.lock`, `${process.ppid} ${startTime(process.ppid)}\n`);
    await expect(RaftWal.open(layout)).rejects.toThrow(DataDirInUseError);
  });
});
