import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../src/raft/types.js';
import { prepareDataDir } from '../../../src/storage/data-dir.js';
import { CorruptSnapshotError, SnapshotNotFoundError } from '../../../src/storage/errors.js';
import { SnapshotStore, snapshotFileName } from '../../../src/storage/raft-snapshot-store.js';
import { makeTempDir, removeTempDir } from './fixtures.js';

function snapshot(term: number, index: number, size = 1000): Snapshot {
  return {
    metadata: { term, index, confState: { voters: [1n, 2n, 3n], learners: [7n] } },
    data: new Uint8Array(randomBytes(size)),
  };
}

let dir: string;
let snapDir: string;
beforeEach(async () => {
  dir = await makeTempDir('snap');
  snapDir = (await prepareDataDir(dir)).snapDir;
});
afterEach(async () => removeTempDir(dir));

describe('SnapshotStore', () => {
  it('saves under etcd-style names and loads back exactly', async () => {
    const store = await SnapshotStore.open(snapDir);
    const snap = snapshot(3, 1000);
    const file = await store.save(snap);
    expect(path.basename(file.path)).toBe('0000000000000003-00000000000003e8.snap');
    expect(path.basename(file.path)).toBe(snapshotFileName(3, 1000));
    expect(await store.load(3, 1000)).toEqual(snap);
    expect(await store.loadNewest()).toEqual(snap);
    expect(await fs.readdir(snapDir)).toEqual([path.basename(file.path)]);
  });

  it('keeps only the newest few files', async () => {
    const store = await SnapshotStore.open(snapDir, 3);
    for (let i = 1; i <= 6; i++) await store.save(snapshot(1, i * 100, 10));
    expect((await store.list()).map((f) => f.index)).toEqual([600, 500, 400]);
    await expect(store.load(1, 100)).rejects.toThrow(SnapshotNotFoundError);
  });

  it('skips a newest file with a bad checksum in favour of the previous valid one, and marks it broken', async () => {
    const store = await SnapshotStore.open(snapDir);
    const older = snapshot(2, 100);
    await store.save(older);
    const newer = await store.save(snapshot(2, 200));
    const bytes = await fs.readFile(newer.path);
    bytes[bytes.length - 100]! ^= 0x01;
    await fs.writeFile(newer.path, bytes);

    await expect(store.load(2, 200)).rejects.toThrow(CorruptSnapshotError);
    expect(await store.loadNewest()).toEqual(older);
    expect((await fs.readdir(snapDir)).sort()).toEqual([snapshotFileName(2, 100), `${snapshotFileName(2, 200)}.broken`]);
  });

  it('treats truncated and misnamed files as corrupt', async () => {
    const store = await SnapshotStore.open(snapDir);
    const file = await store.save(snapshot(1, 50));
    await fs.copyFile(file.path, store.pathOf(1, 60));
    await expect(store.load(1, 60)).rejects.toThrow(/holds 1-50/);
    const bytes = await fs.readFile(file.path);
    await fs.writeFile(file.path, bytes.subarray(0, bytes.length - 1));
    await expect(store.load(1, 50)).rejects.toThrow(CorruptSnapshotError);
    expect(await store.loadNewest(55)).toBeUndefined();
  });

  it('loads the newest snapshot at or below an index', async () => {
    const store = await SnapshotStore.open(snapDir);
    for (const index of [10, 20, 30]) await store.save(snapshot(1, index, 5));
    expect((await store.loadNewest(25))!.metadata.index).toBe(20);
  });

  it('removes temp files a crash left behind', async () => {
    await fs.writeFile(path.join(snapDir, 'leftover.tmp'), 'partial');
    await SnapshotStore.open(snapDir);
    expect(await fs.readdir(snapDir)).toEqual([]);
  });
});
