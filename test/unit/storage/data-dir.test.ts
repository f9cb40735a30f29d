import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataDirLayout, hasMemberState, prepareDataDir } from '../../../src/storage/data-dir.js';
import { DataDirLayoutError } from '../../../src/storage/errors.js';
import { RaftWal } from '../../../src/storage/wal/raft-wal.js';
import { makeTempDir, removeTempDir } from './fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('data-dir');
});
afterEach(async () => removeTempDir(dir));

describe('data dir', () => {
  it('creates the etcd layout, and accepts it again on restart', async () => {
    const target = path.join(dir, 'nested', 'node1');
    const layout = await prepareDataDir(target);
    expect(layout).toEqual(dataDirLayout(target));
    expect(path.relative(target, layout.walDir)).toBe(path.join('member', 'wal'));
    expect(path.relative(target, layout.snapDir)).toBe(path.join('member', 'snap'));
    for (const d of [layout.walDir, layout.snapDir]) expect((await fs.stat(d)).isDirectory()).toBe(true);
    await expect(prepareDataDir(target)).resolves.toEqual(layout);
  });

  it('refuses a layout where a directory is expected but a file is found', async () => {
    await fs.mkdir(path.join(dir, 'member'));
    await fs.writeFile(path.join(dir, 'member', 'wal'), 'not a directory');
    await expect(prepareDataDir(dir)).rejects.toThrow(DataDirLayoutError);
    await expect(prepareDataDir(dir)).rejects.toThrow(/member\/wal is not a directory/);
  });

  it('tells a fresh data dir from one holding a member', async () => {
    expect(await hasMemberState(path.join(dir, 'absent'))).toBe(false);
    const layout = await prepareDataDir(dir);
    expect(await hasMemberState(dir)).toBe(false);
    const { store } = await RaftWal.open(layout);
    await store.close();
    expect(await hasMemberState(dir)).toBe(true);
  });
});
