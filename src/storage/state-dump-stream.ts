// The whole state machine as a stream: every backend record (keyspace with its history, leases, members,
// meta) from one consistent view, framed as key length | value length (u32 each) | key | value, cut into
// chunks, then an end frame with the byte count and SHA-256. The receiver decodes while it writes a fresh
// backend and swaps it in only after the end frame checked out (StateBackend.replaceWith).

import { createHash } from 'node:crypto';
import type { StateBackend } from './backend.js';
import { CorruptSnapshotError } from './errors.js';

/** A piece of the stream: a chunk of records, or the end with the byte count and SHA-256 of the chunks. */
export type SnapshotStreamFrame =
  | { readonly kind: 'chunk'; readonly data: Uint8Array }
  | { readonly kind: 'end'; readonly totalBytes: number; readonly sha256: Uint8Array };

const DEFAULT_SNAPSHOT_CHUNK_BYTES = 1024 * 1024;

const LENGTHS_BYTES = 8;

export async function* stateSnapshotFrames(backend: StateBackend, chunkBytes = DEFAULT_SNAPSHOT_CHUNK_BYTES): AsyncGenerator<SnapshotStreamFrame> {
  const hash = createHash('sha256');
  let totalBytes = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = (): SnapshotStreamFrame => {
    const data = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    hash.update(data);
    totalBytes += data.length;
    return { kind: 'chunk', data };
  };
  for await (const [key, value] of backend.dump()) {
    const lengths = Buffer.allocUnsafe(LENGTHS_BYTES);
    lengths.writeUInt32BE(key.length, 0);
    lengths.writeUInt32BE(value.length, 4);
    pending.push(lengths, Buffer.from(key), Buffer.from(value));
    pendingBytes += LENGTHS_BYTES + key.length + value.length;
    if (pendingBytes >= chunkBytes) yield flush();
  }
  if (pendingBytes > 0) yield flush();
  yield { kind: 'end', totalBytes, sha256: hash.digest() };
}

/** The records of a state snapshot stream; throws CorruptSnapshotError on a bad length, checksum or framing. */
export async function* stateSnapshotRecords(frames: AsyncIterable<SnapshotStreamFrame>): AsyncGenerator<[Uint8Array, Uint8Array]> {
  const hash = createHash('sha256');
  let totalBytes = 0;
  let buffered = Buffer.alloc(0);
  for await (const frame of frames) {
    if (frame.kind === 'end') {
      if (buffered.length !== 0) throw new CorruptSnapshotError('state snapshot', 'stream ends inside a record');
      if (frame.totalBytes !== totalBytes) throw new CorruptSnapshotError('state snapshot', `length ${totalBytes}, expected ${frame.totalBytes}`);
      if (!hash.digest().equals(Buffer.from(frame.sha256))) throw new CorruptSnapshotError('state snapshot', 'SHA-256 mismatch');
      return;
    }
    hash.update(frame.data);
    totalBytes += frame.data.length;
    buffered = buffered.length === 0 ? Buffer.from(frame.data) : Buffer.concat([buffered, frame.data]);
    let at = 0;
    while (buffered.length - at >= LENGTHS_BYTES) {
      const keyLength = buffered.readUInt32BE(at);
      const valueLength = buffered.readUInt32BE(at + 4);
      const end = at + LENGTHS_BYTES + keyLength + valueLength;
      if (end > buffered.length) break;
      const keyAt = at + LENGTHS_BYTES;
      yield [buffered.subarray(keyAt, keyAt + keyLength), buffered.subarray(keyAt + keyLength, end)];
      at = end;
    }
    buffered = buffered.subarray(at);
  }
  throw new CorruptSnapshotError('state snapshot', 'stream ended without its end frame');
}
