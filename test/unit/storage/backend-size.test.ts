// The state backend's size: a listing of its LevelDB files, and between listings a bound (the last listing
// plus what the backend wrote since) that must never fall below what a listing finds once LevelDB has
// settled, whatever the sizes of keys and values (random, so that tables cannot compress them), and after
// a snapshot install; the quota check lists the files only once that bound passes the quota.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Bucket, bucketKey, StateBackend } from '../../../src/storage/backend.js';
import { BackendSize } from '../../../src/storage/backend-size.js';
import { makeTempDir, removeTempDir } from './fixtures.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map(removeTempDir));
});
async function freshPath(): Promise<string> {
  const dir = await makeTempDir('backend-size');
  dirs.push(dir);
  return join(dir, 'db');
}
const key = (s: string) => bucketKey(Bucket.Keyspace, Buffer.from(s));

/** Commits `count` puts of `valueBytes`-byte values in batches of `perCommit`, with a delete now and then. */
async function fill(backend: StateBackend, from: number, count: number, valueBytes: number, perCommit: number): Promise<void> {
  // Random bytes, different in every record: LevelDB's tables compress what they can, and the bound must
  // hold for what they cannot.
  const values = randomBytes(count * valueBytes);
  const commits: Promise<void>[] = [];
  for (let i = from; i < from + count; i++) {
    backend.put(key(`k${i}`), values.subarray((i - from) * valueBytes, (i - from + 1) * valueBytes));
    if (i % 97 === 0) backend.del(key(`k${i - 50}`));
    if ((i + 1) % perCommit === 0) commits.push(backend.commit(backend.consistentIndex + 1));
  }
  await backend.flushed();
  await Promise.all(commits);
}

describe('backend size', () => {
  it.each([
    ['tiny records, where LevelDB\'s own overhead weighs most', [[0, 60_000, 1, 1], [60_000, 60_000, 3, 500]]],
    ['records of a few hundred bytes', [[0, 20_000, 300, 20]]],
    ['large records, past the 4 MiB memtable', [[0, 1_500, 8_000, 10]]],
  ] as const)('bounds the size on disk from above: %s', async (_, fills) => {
    const path = await freshPath();
    let backend = await StateBackend.open(path);
    const size = new BackendSize(backend);
    const before = await size.measure();
    expect(before).toBeGreaterThan(0);
    for (const [from, count, valueBytes, perCommit] of fills) await fill(backend, from, count, valueBytes, perCommit);
    const bound = size.bound;
    await backend.close();
    // A close can cut a memtable flush short, leaving its table beside the log it copies (a passing copy,
    // as while it runs); reopening writes the log into a table and removes both: the settled state.
    backend = await StateBackend.open(path);
    await backend.close();
    const settled = await new BackendSize(backend).measure();
    expect(settled).toBeGreaterThan(before + 1_000_000);
    expect(settled).toBeLessThanOrEqual(bound);
    // Not a wild overestimate either: the quota check would list the files every second.
    expect(bound).toBeLessThan(4 * settled);
  }, 60_000);

  it('bounds it after a snapshot replaced the whole database', async () => {
    const path = await freshPath();
    const backend = await StateBackend.open(path);
    await fill(backend, 0, 1_000, 100, 100);
    const size = new BackendSize(backend);
    await size.measure();
    const records = Array.from({ length: 30_000 }, (_, i): [Uint8Array, Uint8Array] => [key(`r${i}`), randomBytes(50)]);
    await backend.replaceWith(records);
    const bound = size.bound;
    await backend.close();
    const reopened = await StateBackend.open(path);
    await reopened.close();
    const settled = await new BackendSize(reopened).measure();
    expect(settled).toBeGreaterThan(1_500_000);
    expect(settled).toBeLessThanOrEqual(bound);
  }, 60_000);

  it('lists the files for the quota only once the bound passes it, and answers from that listing', async () => {
    const backend = await StateBackend.open(await freshPath());
    const size = new BackendSize(backend);
    expect(size.bound).toBe(Number.POSITIVE_INFINITY);
    expect(await size.exceeds(1)).toBe(true);
    expect(size.measurements).toBe(1);
    await fill(backend, 0, 100, 600, 1);
    expect(await size.exceeds(10_000_000)).toBe(false);
    expect(size.measurements).toBe(1);
    // 60,000 bytes written: past a quota of 20,000 by the bound, and by the listing too.
    expect(await size.exceeds(20_000)).toBe(true);
    expect(size.measurements).toBe(2);
    await backend.close();
  });
});
