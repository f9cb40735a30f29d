// A whole-state snapshot as a file (what `etcdctl snapshot save` writes from the Maintenance.Snapshot
// stream): a magic header, the backend's records framed as key length | value length | key | value, an
// end mark, zero padding to a multiple of 512 bytes, then the SHA-256 of everything before it. The 512
// alignment and the trailing hash are what etcdctl checks before it keeps the file.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { StateBackend } from './backend.js';
import { CorruptSnapshotError } from './errors.js';

const MAGIC = Buffer.from('BARGESNP', 'latin1');
const FORMAT_VERSION = 1;
const END_MARK = 0xffffffff;
const ALIGN = 512;
const HASH_BYTES = 32;

/** The snapshot's payload in chunks of about `chunkBytes`, then the 32-byte hash as the last chunk. */
export async function* snapshotFileChunks(backend: StateBackend, chunkBytes = 1024 * 1024): AsyncGenerator<Uint8Array> {
  const hash = createHash('sha256');
  let total = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const take = (): Buffer => {
    const chunk = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    hash.update(chunk);
    total += chunk.length;
    return chunk;
  };
  const push = (bytes: Buffer): void => {
    pending.push(bytes);
    pendingBytes += bytes.length;
  };
  const header = Buffer.alloc(MAGIC.length + 4);
  MAGIC.copy(header);
  header.writeUInt32BE(FORMAT_VERSION, MAGIC.length);
  push(header);
  for await (const [key, value] of backend.dump()) {
    const lengths = Buffer.alloc(8);
    lengths.writeUInt32BE(key.length, 0);
    lengths.writeUInt32BE(value.length, 4);
    push(lengths);
    push(Buffer.from(key));
    push(Buffer.from(value));
    if (pendingBytes >= chunkBytes) yield take();
  }
  const end = Buffer.alloc(4);
  end.writeUInt32BE(END_MARK);
  push(end);
  const used = total + pendingBytes;
  push(Buffer.alloc((ALIGN - (used % ALIGN)) % ALIGN));
  yield take();
  yield hash.digest();
}

/** Reads and checks a snapshot file; returns its records in key order. */
export async function readSnapshotFile(path: string): Promise<[Uint8Array, Uint8Array][]> {
  const bytes = await readFile(path);
  const corrupt = (detail: string): CorruptSnapshotError => new CorruptSnapshotError(path, detail);
  if (bytes.length < MAGIC.length + 4 + HASH_BYTES || (bytes.length - HASH_BYTES) % ALIGN !== 0) throw corrupt('unexpected size');
  const payload = bytes.subarray(0, bytes.length - HASH_BYTES);
  if (!createHash('sha256').update(payload).digest().equals(bytes.subarray(bytes.length - HASH_BYTES))) throw corrupt('SHA-256 mismatch');
  if (!payload.subarray(0, MAGIC.length).equals(MAGIC)) throw corrupt('not a Barge snapshot');
  if (payload.readUInt32BE(MAGIC.length) !== FORMAT_VERSION) throw corrupt(`unsupported format version ${payload.readUInt32BE(MAGIC.length)}`);
  const records: [Uint8Array, Uint8Array][] = [];
  let at = MAGIC.length + 4;
  for (;;) {
    if (at + 4 > payload.length) throw corrupt('no end mark');
    const keyLength = payload.readUInt32BE(at);
    if (keyLength === END_MARK) return records;
    if (at + 8 > payload.length) throw corrupt('record header runs past the end');
    const valueLength = payload.readUInt32BE(at + 4);
    const keyAt = at + 8;
    const end = keyAt + keyLength + valueLength;
    if (end > payload.length) throw corrupt('record runs past the end');
    records.push([payload.subarray(keyAt, keyAt + keyLength), payload.subarray(keyAt + keyLength, end)]);
    at = end;
  }
}
