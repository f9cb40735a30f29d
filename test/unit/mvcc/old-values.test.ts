import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MvccStore } from '../../../src/mvcc/index.js';

const dir = mkdtempSync(join(tmpdir(), 'barge-old-values-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const KEYS = 50;
/** Rounds of writes over the same keys: 4 KiB values, so several MiB of them are superseded. */
const ROUNDS = 100;
const valueOf = (key: number, round: number): Buffer => Buffer.alloc(4096, `${key}/${round};`);

function put(store: MvccStore, key: string, value: Uint8Array): void {
  const txn = store.write();
  txn.put(key, value, 0n);
  txn.end();
}

function fill(store: MvccStore): void {
  for (let round = 0; round < ROUNDS; round++) for (let k = 0; k < KEYS; k++) put(store, `key-${k}`, valueOf(k, round));
}

/** The revision at which `key` took its value of `round`. */
const revisionOf = (k: number, round: number): number => 2 + round * KEYS + k;

describe('values of older revisions in spill files', () => {
  it('leave memory once superseded long enough, and read back the same at every revision', () => {
    const spilling = new MvccStore(undefined, { spillPath: join(dir, 'a') });
    const inMemory = new MvccStore();
    fill(spilling);
    fill(inMemory);
    // 5,000 values of 4 KiB were written; those superseded more than 1,000 revisions ago went to disk in batches.
    expect(spilling.values.liveBytes).toBeLessThan(inMemory.values.liveBytes / 2);
    expect(spilling.table.spill!.liveBytes).toBeGreaterThan(4 * 1024 * 1024);

    for (const round of [0, 1, 17, ROUNDS - 25, ROUNDS - 1]) {
      for (const k of [0, 13, KEYS - 1]) {
        const [record] = spilling.range({ kind: 'single', key: `key-${k}` }, revisionOf(k, round)).records;
        expect(Buffer.from(record!.value).equals(valueOf(k, round))).toBe(true);
        expect(record!.version).toBe(round + 1);
      }
    }
    // A watcher catching up from the start, with the values each write replaced.
    const changes = spilling.changesBetween(2, spilling.currentRevision, 100_000);
    expect(changes).toHaveLength(KEYS * ROUNDS);
    for (const i of [0, 51, 1234, KEYS * ROUNDS - 1]) {
      const k = i % KEYS;
      const round = Math.floor(i / KEYS);
      expect(Buffer.from(changes[i]!.value).equals(valueOf(k, round))).toBe(true);
      const previous = spilling.previous(changes[i]!);
      if (round === 0) expect(previous).toBeUndefined();
      else expect(Buffer.from(previous!.value).equals(valueOf(k, round - 1))).toBe(true);
    }
    expect(spilling.hashKv(0)).toEqual(inMemory.hashKv(0));
    // The segment files were unlinked as soon as they were made: nothing is left to clean up.
    expect(readdirSync(dir)).toEqual([]);
  });

  it('compaction frees spilled values, and the records after it read back unchanged', async () => {
    const store = new MvccStore(undefined, { spillPath: join(dir, 'b') });
    fill(store);
    const compactAt = revisionOf(0, ROUNDS - 30);
    await store.compact(compactAt);
    expect(() => store.readRevision(compactAt - 1)).toThrow();
    for (let k = 0; k < KEYS; k++) put(store, `key-${k}`, valueOf(k, ROUNDS));
    for (const round of [ROUNDS - 30, ROUNDS - 29, ROUNDS - 2, ROUNDS]) {
      const [record] = store.range({ kind: 'single', key: 'key-7' }, revisionOf(7, round)).records;
      expect(Buffer.from(record!.value).equals(valueOf(7, round))).toBe(true);
    }
    await store.compact(store.currentRevision);
    // Only the newest value of each key is left, all of them in memory.
    expect(store.table.spill!.liveBytes).toBe(0);
    expect(store.values.liveBytes).toBe(KEYS * 4096);
    const [record] = store.range({ kind: 'single', key: 'key-9' }, store.currentRevision).records;
    expect(Buffer.from(record!.value).equals(valueOf(9, ROUNDS))).toBe(true);
  });
});
