// Where the WAL's fdatasync runs: a write of few entries on the member's thread, one of many in libuv's
// pool, where the thread serves on while the disk works.

import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { POOL_FROM_ENTRIES, SyncPlacement, walFsyncDurations } from '../../../src/storage/wal/sync-placement.js';
import { makeTempDir, removeTempDir } from './fixtures.js';

let dir: string;
let fd: number;
beforeEach(async () => {
  dir = await makeTempDir('sync-placement');
  fd = fs.openSync(join(dir, 'wal'), 'w');
  fs.writeSync(fd, Buffer.alloc(4096, 1));
});
afterEach(async () => {
  fs.closeSync(fd);
  await removeTempDir(dir);
});

/** How many WAL syncs this process has timed so far. */
function syncsTimed(): number {
  const line = walFsyncDurations.render('s').find((l) => l.startsWith('s_count'));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

describe('SyncPlacement', () => {
  it('syncs a write of few entries on this thread: done when the call returns', async () => {
    const placement = new SyncPlacement();
    const before = syncsTimed();
    const synced = placement.sync(fd, POOL_FROM_ENTRIES - 1);
    expect(syncsTimed()).toBe(before + 1);
    expect(await synced).toBeGreaterThanOrEqual(0);
    expect(placement.counts.pooledSyncs).toBe(0);
  });

  it("hands a write of many entries to libuv's pool: the call returns before the sync is done", async () => {
    const placement = new SyncPlacement();
    const before = syncsTimed();
    const synced = placement.sync(fd, POOL_FROM_ENTRIES);
    expect(syncsTimed()).toBe(before);
    expect(placement.counts.pooledSyncs).toBe(1);
    await synced;
    expect(syncsTimed()).toBe(before + 1);
    // The next small write is back on this thread.
    const next = placement.sync(fd, 1);
    expect(syncsTimed()).toBe(before + 2);
    await next;
    expect(placement.counts.pooledSyncs).toBe(1);
  });
});
