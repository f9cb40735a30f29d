// The raft WAL on damaged files. A write torn by a crash, at any byte of the last record, is repaired on
// open, losing that record only; damage anywhere else (a flipped byte in the middle, a missing segment, a
// segment from another chain) is refused with CorruptLogError naming the file and the offset.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EntryType, type ConfState, type Entry } from '../../../src/raft/types.js';
import { prepareDataDir } from '../../../src/storage/data-dir.js';
import type { DataDirLayout } from '../../../src/storage/data-dir.js';
import { CorruptLogError } from '../../../src/storage/errors.js';
import { FRAME_HEADER_BYTES, frameBytes } from '../../../src/storage/wal/frame.js';
import { RaftWal, type RaftWalOptions } from '../../../src/storage/wal/raft-wal.js';
import type { PersistedRaftState } from '../../../src/storage/wal/raft-state.js';
import { entries, makeTempDir, removeTempDir } from './fixtures.js';

const confState: ConfState = { voters: [1n], learners: [] };
/** Segments of 64 KiB rather than 64 MiB: the tests rewrite whole files. */
const SMALL: RaftWalOptions = { segmentBytes: 64 * 1024 };

let dir: string;
let layout: DataDirLayout;
beforeEach(async () => {
  dir = await makeTempDir('wal-damage');
  layout = await prepareDataDir(dir);
});
afterEach(async () => removeTempDir(dir));

const segmentFiles = (): string[] =>
  fs
    .readdirSync(layout.walDir)
    .filter((f) => f.endsWith('.wal'))
    .sort()
    .map((f) => path.join(layout.walDir, f));

/** [offset, record length] of every frame in a segment file, up to the zeros after the data. */
function frames(file: string): [number, number][] {
  const bytes = fs.readFileSync(file);
  const out: [number, number][] = [];
  for (let at = 0; at + FRAME_HEADER_BYTES <= bytes.length; ) {
    const length = bytes.readUInt32LE(at);
    if (length === 0) break;
    out.push([at, length]);
    at += frameBytes(length);
  }
  return out;
}

async function reopen(options: RaftWalOptions = SMALL): Promise<{ state: PersistedRaftState; warnings: string[] }> {
  const warnings: string[] = [];
  const { store, state } = await RaftWal.open(layout, { ...options, log: (level, msg, fields) => warnings.push(`${level} ${msg} ${JSON.stringify(fields)}`) });
  await store.close();
  return { state, warnings };
}

/** Entries 1-9 with a hard state, then entry 10 alone: the last record of the last segment. */
async function writeLog(): Promise<void> {
  const { store } = await RaftWal.open(layout, SMALL);
  await store.save({ entries: entries(1, 9, 2), hardState: { term: 2, vote: 1n, commit: 8 } }, { sync: true });
  await store.save({ entries: entries(10, 10, 2) }, { sync: true });
  await store.close();
}

const expectCorrupt = async (detail: RegExp): Promise<void> => {
  const opening = RaftWal.open(layout, SMALL);
  await expect(opening).rejects.toThrow(CorruptLogError);
  await expect(opening).rejects.toThrow(detail);
};

describe('RaftWal on a torn last write', () => {
  beforeEach(writeLog);

  it('opens after the last segment is cut at every byte of its last record, losing that record only', async () => {
    const [file] = segmentFiles();
    const original = fs.readFileSync(file!);
    const [start, length] = frames(file!).at(-1)!;
    for (let cut = start; cut < start + FRAME_HEADER_BYTES + length; cut++) {
      fs.writeFileSync(file!, original.subarray(0, cut));
      const { state, warnings } = await reopen();
      expect(state.entries, `cut at ${cut}`).toEqual(entries(1, 9, 2));
      expect(state.hardState).toEqual({ term: 2, vote: 1n, commit: 8 });
      if (cut > start) expect(warnings.join('\n')).toMatch(new RegExp(`repaired a torn write .*"offset":${start}`));
      // The repair makes room for new writes, which survive the next open.
      const { store } = await RaftWal.open(layout, { ...SMALL, log: () => {} });
      await store.save({ entries: entries(10, 11, 3) }, { sync: true });
      await store.close();
      expect((await reopen()).state.entries.map((e) => e.term)).toEqual([...Array<number>(9).fill(2), 3, 3]);
    }
  });

  it('opens when the last record fails its checksum and nothing intact follows (a partly written frame)', async () => {
    const [file] = segmentFiles();
    const [start, length] = frames(file!).at(-1)!;
    const bytes = fs.readFileSync(file!);
    bytes.fill(0, start + FRAME_HEADER_BYTES + 4, start + FRAME_HEADER_BYTES + length);
    fs.writeFileSync(file!, bytes);
    const { state, warnings } = await reopen();
    expect(state.entries).toEqual(entries(1, 9, 2));
    expect(warnings.join('\n')).toMatch(/checksum mismatch/);
  });
});

describe('RaftWal on a write whose later sectors reached the disk and an earlier one did not', () => {
  it('opens, dropping the frame with the zero sector and everything after it', async () => {
    const big = (index: number): Entry => ({ index, term: 1, type: EntryType.Normal, data: new Uint8Array(3000).fill(index) });
    const { store } = await RaftWal.open(layout, SMALL);
    await store.save({ entries: [big(1), big(2)] }, { sync: true });
    await store.save({ entries: [big(3), big(4)] }, { sync: true });
    await store.close();
    const [file] = segmentFiles();
    const [start, length] = frames(file!).at(-2)!;
    const bytes = fs.readFileSync(file!);
    const sector = Math.ceil((start + FRAME_HEADER_BYTES) / 512) * 512;
    expect(sector + 512).toBeLessThan(start + FRAME_HEADER_BYTES + length);
    bytes.fill(0, sector, sector + 512);
    fs.writeFileSync(file!, bytes);
    const { state, warnings } = await reopen();
    expect(state.entries.map((e) => e.index)).toEqual([1, 2]);
    expect(warnings.join('\n')).toMatch(new RegExp(`repaired a torn write .*"offset":${start}.*checksum mismatch`));
  });
});

describe('RaftWal on damage before the end', () => {
  beforeEach(writeLog);

  it('refuses to open when any byte of a record in the middle is flipped, naming the file and offset', async () => {
    const [file] = segmentFiles();
    const original = fs.readFileSync(file!);
    const [start, length] = frames(file!).at(-4)!;
    for (let at = start; at < start + FRAME_HEADER_BYTES + length; at++) {
      const damaged = Buffer.from(original);
      damaged[at]! ^= 0x5a;
      fs.writeFileSync(file!, damaged);
      await expectCorrupt(new RegExp(`WAL segment ${file!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} at offset ${start}: `));
    }
    // The failed opens released the lock: the undamaged file opens.
    fs.writeFileSync(file!, original);
    expect((await reopen()).state.entries).toEqual(entries(1, 10, 2));
  });

  it('refuses a segment missing in the middle and a segment that does not continue the chain', async () => {
    const options = { segmentBytes: 256, maxWals: 0 };
    const { store } = await RaftWal.open(layout, options);
    for (let i = 11; i <= 40; i++) await store.save({ entries: entries(i, i, 2) }, { sync: true });
    await store.close();
    const files = segmentFiles();
    expect(files.length).toBeGreaterThan(3);
    const second = fs.readFileSync(files[1]!);
    // A segment from elsewhere in the place of the second: its start record names another chain.
    fs.writeFileSync(files[1]!, fs.readFileSync(files[2]!));
    await expectCorrupt(/at offset 0: segment does not continue the previous one/);
    fs.writeFileSync(files[1]!, second);
    fs.rmSync(files[2]!);
    await expectCorrupt(/WAL segment 2 is missing/);
  });
});

describe('RaftWal segments', () => {
  it('cuts segments at the size, purges the oldest beyond --max-wals once compacted past, and reads back the same log', async () => {
    const options = { segmentBytes: 1024, maxWals: 2 };
    let { store } = await RaftWal.open(layout, options);
    for (let i = 1; i <= 200; i++) await store.save({ entries: entries(i, i, 1), hardState: { term: 1, vote: 1n, commit: i } }, { sync: true });
    const cut = store.stats().segments;
    expect(cut).toBeGreaterThan(5);
    // Nothing is compacted yet: every segment is still needed.
    expect(segmentFiles()).toHaveLength(cut);
    await store.recordSnapshot({ index: 190, term: 1, confState });
    await store.compact(185);
    // Purged once the compaction is durable: with the next synced write.
    await store.save({ entries: entries(201, 201, 1) }, { sync: true });
    expect(segmentFiles().length).toBeLessThanOrEqual(2);
    expect(segmentFiles()[0]).not.toMatch(/0000000000000000-/);
    await store.close();

    ({ store } = await RaftWal.open(layout, options));
    await store.close();
    const { state } = await reopen(options);
    expect(state.bounds).toEqual({ compactedIndex: 185, compactedTerm: 1, lastIndex: 201 });
    expect(state.entries).toEqual(entries(186, 201, 1));
    expect(state.snapshot).toEqual({ index: 190, term: 1, confState });
    expect(state.hardState.commit).toBe(200);
  });

  it('keeps every segment with --max-wals 0', async () => {
    const options = { segmentBytes: 1024, maxWals: 0 };
    const { store } = await RaftWal.open(layout, options);
    for (let i = 1; i <= 100; i++) await store.save({ entries: entries(i, i, 1) }, { sync: true });
    await store.recordSnapshot({ index: 100, term: 1, confState });
    await store.compact(100);
    await store.save({ entries: entries(101, 101, 1) }, { sync: true });
    const segments = store.stats().segments;
    await store.close();
    expect(segments).toBeGreaterThan(3);
    expect(segmentFiles()).toHaveLength(segments);
    const { state } = await reopen(options);
    expect(state.entries).toEqual(entries(101, 101, 1));
  });
});
