import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../src/raft/types.js';
import { prepareDataDir } from '../../../src/storage/data-dir.js';
import { CorruptSnapshotError, SnapshotNotFoundError } from '../../../src/storage/errors.js';
import { SnapshotStore, snapshotFileName } from '../../../src/storage/snap/snapshot-store.js';
import { receiveSnapshot, snapshotFileFrames } from '../../../src/storage/snap/snapshot-stream.js';
import type { SnapshotStreamFrame } from '../../../src/storage/snap/snapshot-stream.js';
import { makeTempDir, removeTempDir } from './fixtures.js';

function snapshot(term: number, index: number, size = 1000): Snapshot {
  return {
    metadata: { term, index, confState: { voters: [1n, 2n, 3n], learners: [7n] } },
    data: new Uint8Array(randomBytes(size)),
  };
}

async function collect(frames: AsyncIterable<SnapshotStreamFrame>): Promise<SnapshotStreamFrame[]> {
  const out: SnapshotStreamFrame[] = [];
  for await (const frame of frames) out.push(frame);
  return out;
}

function flipFirstByte(frame: SnapshotStreamFrame): SnapshotStreamFrame {
  if (frame.kind !== 'chunk') return frame;
  const data = Uint8Array.from(frame.data);
  data[0]! ^= 1;
  return { kind: 'chunk', data };
}

async function* replay(frames: readonly SnapshotStreamFrame[]): AsyncGenerator<SnapshotStreamFrame> {
  yield* frames;
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

describe('snapshot streams', () => {
  it('sends a file in bounded chunks with a SHA-256 trailer and installs it on the receiver', async () => {
    const sender = await SnapshotStore.open(snapDir);
    const snap = snapshot(4, 4096, 300_000);
    const file = await sender.save(snap);
    const frames = await collect(snapshotFileFrames(file.path, 64 * 1024));
    const chunks = frames.filter((f) => f.kind === 'chunk');
    expect(chunks.length).toBeGreaterThan(4);
    expect(chunks.every((c) => c.data.length <= 64 * 1024)).toBe(true);
    expect(frames.at(-1)).toMatchObject({ kind: 'end', totalBytes: (await fs.stat(file.path)).size });

    const receiverDir = (await prepareDataDir(path.join(dir, 'peer'))).snapDir;
    const receiver = await SnapshotStore.open(receiverDir);
    expect(await receiveSnapshot(receiver, replay(frames))).toEqual(snap);
    expect(await receiver.load(4, 4096)).toEqual(snap);
  });

  const tamperings: [string, (frames: SnapshotStreamFrame[]) => SnapshotStreamFrame[]][] = [
    ['a flipped byte', (f) => f.map((frame, i) => (i === 1 ? flipFirstByte(frame) : frame))],
    ['a lost chunk', (f) => f.filter((_, i) => i !== 1)],
    ['a missing end frame', (f) => f.slice(0, -1)],
    ['data after the end frame', (f) => [...f, f[0]!]],
  ];
  it.each(tamperings)('rejects a stream with %s and leaves nothing behind', async (_name, tamper) => {
    const sender = await SnapshotStore.open(snapDir);
    const file = await sender.save(snapshot(1, 10, 100_000));
    const frames = tamper(await collect(snapshotFileFrames(file.path, 16 * 1024)));
    const receiverDir = (await prepareDataDir(path.join(dir, 'peer'))).snapDir;
    const receiver = await SnapshotStore.open(receiverDir);
    await expect(receiveSnapshot(receiver, replay(frames))).rejects.toThrow(CorruptSnapshotError);
    expect(await fs.readdir(receiverDir)).toEqual([]);
  });

  it('removes the temp file when the sender fails mid-stream', async () => {
    const receiver = await SnapshotStore.open(snapDir);
    async function* failing(): AsyncGenerator<SnapshotStreamFrame> {
      yield { kind: 'chunk', data: new Uint8Array(100) };
      throw new Error('peer went away');
    }
    await expect(receiveSnapshot(receiver, failing())).rejects.toThrow('peer went away');
    expect(await fs.readdir(snapDir)).toEqual([]);
  });
});
