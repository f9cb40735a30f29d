// Sending a snapshot file to a peer in chunks, and receiving one. The stream is the .snap file itself followed
// by an end frame carrying its length and SHA-256, so the receiver checks the transfer end to end and then
// checks the file's own CRC before swapping it into place.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import type { Snapshot } from '../../raft/types.js';
import { CorruptSnapshotError } from '../errors.js';
import { decodeSnapshotFile } from './snapshot-store.js';
import type { SnapshotStore } from './snapshot-store.js';

export type SnapshotStreamFrame =
  | { readonly kind: 'chunk'; readonly data: Uint8Array }
  | { readonly kind: 'end'; readonly totalBytes: number; readonly sha256: Uint8Array };

export const DEFAULT_SNAPSHOT_CHUNK_BYTES = 1024 * 1024;

/** Frames for the snapshot file at `file`: its bytes in chunks of at most chunkBytes, then the end frame. */
export async function* snapshotFileFrames(
  file: string,
  chunkBytes = DEFAULT_SNAPSHOT_CHUNK_BYTES,
): AsyncGenerator<SnapshotStreamFrame> {
  const hash = createHash('sha256');
  let totalBytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: chunkBytes })) {
    const data = chunk as Buffer;
    hash.update(data);
    totalBytes += data.length;
    yield { kind: 'chunk', data };
  }
  yield { kind: 'end', totalBytes, sha256: hash.digest() };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * Writes the frames to a temp file in the store, verifies length, SHA-256 and the file's own checksum,
 * then installs it under its final name. On any failure the temp file is removed and nothing changes.
 */
export async function receiveSnapshot(store: SnapshotStore, frames: AsyncIterable<SnapshotStreamFrame>): Promise<Snapshot> {
  const temp = store.tempPath();
  const handle = await fs.open(temp, 'wx', 0o600);
  let snapshot: Snapshot;
  try {
    try {
      const hash = createHash('sha256');
      let totalBytes = 0;
      let end: Extract<SnapshotStreamFrame, { kind: 'end' }> | undefined;
      for await (const frame of frames) {
        if (end !== undefined) throw new CorruptSnapshotError('stream', 'data after the end frame');
        if (frame.kind === 'end') {
          end = frame;
          continue;
        }
        hash.update(frame.data);
        totalBytes += frame.data.length;
        await handle.writeFile(frame.data);
      }
      if (end === undefined) throw new CorruptSnapshotError('stream', 'ended before the end frame');
      if (end.totalBytes !== totalBytes) {
        throw new CorruptSnapshotError('stream', `received ${totalBytes} bytes, sender sent ${end.totalBytes}`);
      }
      if (!sameBytes(hash.digest(), end.sha256)) throw new CorruptSnapshotError('stream', 'SHA-256 mismatch');
      await handle.sync();
    } finally {
      await handle.close();
    }
    snapshot = decodeSnapshotFile(await fs.readFile(temp), 'stream');
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
  await store.install(temp, snapshot.metadata);
  return snapshot;
}
