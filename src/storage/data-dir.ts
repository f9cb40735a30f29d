// The on-disk layout mirrors etcd's so operators and tools find things where they expect:
//   <data-dir>/member/wal   raft log, hard state, snapshot metadata (WAL segments, <seq>-<index>.wal)
//   <data-dir>/member/snap  raft snapshot blobs (<term>-<index>.snap)
// A dedicated WAL directory (etcd's --wal-dir) replaces member/wal, as on etcd.

import { constants as fsConstants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { DataDirLayoutError } from './errors.js';

export interface DataDirLayout {
  readonly dataDir: string;
  readonly memberDir: string;
  readonly walDir: string;
  readonly snapDir: string;
}

export function dataDirLayout(dataDir: string, dedicatedWalDir?: string): DataDirLayout {
  const resolved = path.resolve(dataDir);
  const memberDir = path.join(resolved, 'member');
  return {
    dataDir: resolved,
    memberDir,
    walDir: dedicatedWalDir ? path.resolve(dedicatedWalDir) : path.join(memberDir, 'wal'),
    snapDir: path.join(memberDir, 'snap'),
  };
}

/** Makes a directory entry (a created or renamed file or subdirectory) durable. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await fs.open(dir, fsConstants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function ensureDirectory(dataDir: string, dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { mode: 0o700 });
    await fsyncDirectory(path.dirname(dir));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const stat = await fs.stat(dir);
    if (!stat.isDirectory()) throw new DataDirLayoutError(dataDir, `${path.relative(dataDir, dir)} is not a directory`);
  }
}

/**
 * Creates the layout where it is missing and checks it where it exists. Locking happens when the raft
 * WAL opens (its lock file names a live process; one left by a killed process is taken over).
 */
export async function prepareDataDir(dataDir: string, dedicatedWalDir?: string): Promise<DataDirLayout> {
  const layout = dataDirLayout(dataDir, dedicatedWalDir);
  await fs.mkdir(path.dirname(layout.dataDir), { recursive: true });
  await fs.mkdir(path.dirname(layout.walDir), { recursive: true });
  for (const dir of [layout.dataDir, layout.memberDir, layout.walDir, layout.snapDir]) {
    await ensureDirectory(layout.dataDir, dir);
  }
  return layout;
}

/** Whether the data dir already holds a member's state, so a restart ignores bootstrap flags and rejoins. */
export async function hasMemberState(dataDir: string, dedicatedWalDir?: string): Promise<boolean> {
  const { walDir } = dataDirLayout(dataDir, dedicatedWalDir);
  try {
    return (await fs.readdir(walDir)).length > 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

export async function pathExists(target: string): Promise<boolean> {
  return fs.stat(target).then(
    () => true,
    () => false,
  );
}
