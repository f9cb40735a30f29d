// A data dir written before Barge had its own WAL (the raft log in LevelDB) opens with the same state,
// converted once to WAL segments; a crash at any point of the conversion leaves one of the two complete.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Level } from 'level';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfState } from '../../../src/raft/types.js';
import { encodeEntry, encodeHardState, encodeLogBounds, encodeSnapshotMetadata } from '../../../src/storage/codec.js';
import { prepareDataDir, type DataDirLayout } from '../../../src/storage/data-dir.js';
import { RaftWal } from '../../../src/storage/wal/raft-wal.js';
import type { PersistedRaftState } from '../../../src/storage/wal/raft-state.js';
import { entries, entry, makeTempDir, removeTempDir } from './fixtures.js';

const confState: ConfState = { voters: [1n, 2n, 3n], learners: [] };
const hardState = { term: 3, vote: 2n, commit: 9 };

let dir: string;
let layout: DataDirLayout;
beforeEach(async () => {
  dir = await makeTempDir('wal-migration');
  layout = await prepareDataDir(dir);
});
afterEach(async () => removeTempDir(dir));

const metaKey = (name: string): Uint8Array => Uint8Array.of(0x6d, ...new TextEncoder().encode(name));
function entryKey(index: number): Uint8Array {
  const key = Buffer.alloc(9);
  key[0] = 0x65;
  key.writeBigUInt64BE(BigInt(index), 1);
  return key;
}

/** The earlier version's raft log: entries 5-12 live after a compaction at 4 and a snapshot at 6, garbage keys outside. */
async function writeLevelDbLog(): Promise<void> {
  const db = new Level<Uint8Array, Uint8Array>(layout.walDir, { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  const live = [...entries(5, 8, 2), ...entries(9, 12, 3)];
  await db.batch([
    // Left behind by a crash between a batch and its range delete: outside the bounds, never read.
    { type: 'put', key: entryKey(3), value: encodeEntry(entry(3, 1)) },
    { type: 'put', key: entryKey(13), value: encodeEntry(entry(13, 2)) },
    ...live.map((e) => ({ type: 'put' as const, key: entryKey(e.index), value: encodeEntry(e) })),
    { type: 'put', key: metaKey('hardstate'), value: encodeHardState(hardState) },
    { type: 'put', key: metaKey('snapshot'), value: encodeSnapshotMetadata({ index: 6, term: 2, confState }) },
    { type: 'put', key: metaKey('bounds'), value: encodeLogBounds({ compactedIndex: 4, compactedTerm: 2, lastIndex: 12 }) },
  ]);
  await db.close();
}

const expected: PersistedRaftState = {
  hardState,
  snapshot: { index: 6, term: 2, confState },
  bounds: { compactedIndex: 4, compactedTerm: 2, lastIndex: 12 },
  entries: [...entries(5, 8, 2), ...entries(9, 12, 3)],
};

async function open(): Promise<PersistedRaftState> {
  const { store, state } = await RaftWal.open(layout, { log: () => {} });
  await store.close();
  return state;
}

/** The state without where each entry lies in the converted segment (which says nothing of the conversion). */
function withoutPlaces({ places, ...state }: PersistedRaftState): PersistedRaftState {
  expect(places).toHaveLength(state.entries.length);
  return state;
}

const walFiles = (): string[] => fs.readdirSync(layout.walDir).sort();

describe('a LevelDB raft log from an earlier version', () => {
  it('opens with the same state, converted to a WAL segment, the LevelDB files gone', async () => {
    await writeLevelDbLog();
    expect(walFiles()).toContain('CURRENT');
    const logged: string[] = [];
    const { store, state } = await RaftWal.open(layout, { log: (_level, msg) => logged.push(msg) });
    expect(withoutPlaces(state)).toEqual(expected);
    expect(logged).toContain('converted the LevelDB raft log of an earlier version to WAL segments');
    // And it takes writes after the converted log.
    await store.save({ entries: entries(13, 13, 3), hardState: { ...hardState, commit: 13 } }, { sync: true });
    await store.close();
    expect(walFiles()).toEqual(['0000000000000000-0000000000000005.wal']);
    const reopened = await open();
    expect(reopened.entries).toEqual([...expected.entries, ...entries(13, 13, 3)]);
    expect(reopened.snapshot).toEqual(expected.snapshot);
  });

  it('after a crash before the converted segment was renamed into place, converts again', async () => {
    await writeLevelDbLog();
    fs.writeFileSync(path.join(layout.walDir, '0000000000000000-0000000000000005.wal.tmp'), 'half written');
    expect(withoutPlaces(await open())).toEqual(expected);
    expect(walFiles()).toEqual(['0000000000000000-0000000000000005.wal']);
  });

  it('after a crash before the LevelDB files were removed, keeps the converted segment and removes them', async () => {
    await writeLevelDbLog();
    await open();
    const segment = fs.readFileSync(path.join(layout.walDir, '0000000000000000-0000000000000005.wal'));
    await removeTempDir(dir);
    layout = await prepareDataDir(dir);
    await writeLevelDbLog();
    fs.writeFileSync(path.join(layout.walDir, '0000000000000000-0000000000000005.wal'), segment);
    expect(withoutPlaces(await open())).toEqual(expected);
    expect(walFiles()).toEqual(['0000000000000000-0000000000000005.wal']);
  });
});
