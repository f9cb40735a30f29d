// Raft snapshot blobs in <data-dir>/member/snap, named like etcd's: <term>-<index>.snap, each number as 16 hex
// digits so names sort by term, then index. File layout:
//   "BSNP" | version (u8) | metadata length (u32) | SnapshotMetadata record | data length (u64) | data
//   | CRC-32 of everything before it (u32)
// Files are written to a temp name, fsynced, renamed and the directory fsynced, so a crash leaves either the
// old set of files or the new one, plus at worst a temp file that open() removes.

import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Snapshot, SnapshotMetadata } from '../raft/types.js';
import { decodeSnapshotMetadata, encodeSnapshotMetadata } from './codec.js';
import { crc32 } from './crc32.js';
import { fsyncDirectory } from './data-dir.js';
import { CorruptLogError, CorruptSnapshotError, SnapshotNotFoundError } from './errors.js';

const MAGIC = new TextEncoder().encode('BSNP');
const FORMAT_VERSION = 1;
const FIXED_HEADER_BYTES = MAGIC.length + 1 + 4;
const DATA_LENGTH_BYTES = 8;
const CRC_BYTES = 4;
const SNAP_SUFFIX = '.snap';
const TEMP_SUFFIX = '.tmp';
const BROKEN_SUFFIX = '.broken';
const NAME_PATTERN = /^([0-9a-f]{16})-([0-9a-f]{16})\.snap$/;

/** etcd keeps five snapshot files by default (--max-snapshots). */
export const DEFAULT_RETAINED_SNAPSHOTS = 5;

export interface SnapshotFile {
  readonly term: number;
  readonly index: number;
  readonly path: string;
}

export function snapshotFileName(term: number, index: number): string {
  const hex = (n: number): string => n.toString(16).padStart(16, '0');
  return `${hex(term)}-${hex(index)}${SNAP_SUFFIX}`;
}

/** The bytes before the data: magic, version, metadata record and data length. */
function encodeHeader(metadata: SnapshotMetadata, dataLength: number): Uint8Array {
  const meta = encodeSnapshotMetadata(metadata);
  const header = new Uint8Array(FIXED_HEADER_BYTES + meta.length + DATA_LENGTH_BYTES);
  const view = new DataView(header.buffer);
  header.set(MAGIC, 0);
  header[MAGIC.length] = FORMAT_VERSION;
  view.setUint32(MAGIC.length + 1, meta.length);
  header.set(meta, FIXED_HEADER_BYTES);
  view.setBigUint64(FIXED_HEADER_BYTES + meta.length, BigInt(dataLength));
  return header;
}

/** Parses and verifies a whole snapshot file; `source` names it in errors. */
function decodeSnapshotFile(bytes: Uint8Array, source: string): Snapshot {
  const corrupt = (detail: string): CorruptSnapshotError => new CorruptSnapshotError(source, detail);
  if (bytes.length < FIXED_HEADER_BYTES + DATA_LENGTH_BYTES + CRC_BYTES) throw corrupt('file is truncated');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const crcAt = bytes.length - CRC_BYTES;
  if (view.getUint32(crcAt) !== crc32(bytes.subarray(0, crcAt))) throw corrupt('checksum mismatch');
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw corrupt('not a snapshot file');
  if (bytes[MAGIC.length] !== FORMAT_VERSION) throw corrupt(`unsupported format version ${bytes[MAGIC.length]}`);
  const metaLength = view.getUint32(MAGIC.length + 1);
  const dataLengthAt = FIXED_HEADER_BYTES + metaLength;
  if (dataLengthAt + DATA_LENGTH_BYTES > crcAt) throw corrupt('metadata runs past the end');
  let metadata: SnapshotMetadata;
  try {
    metadata = decodeSnapshotMetadata(bytes.subarray(FIXED_HEADER_BYTES, dataLengthAt));
  } catch (err) {
    if (err instanceof CorruptLogError) throw corrupt(err.detail);
    throw err;
  }
  const dataAt = dataLengthAt + DATA_LENGTH_BYTES;
  if (view.getBigUint64(dataLengthAt) !== BigInt(crcAt - dataAt)) throw corrupt('data length does not match');
  // A plain Uint8Array view even when the file was read into a Buffer, so callers see one type.
  return { metadata, data: new Uint8Array(bytes.buffer, bytes.byteOffset + dataAt, crcAt - dataAt) };
}

export class SnapshotStore {
  private constructor(
    readonly dir: string,
    private readonly retain: number,
  ) {}

  /** Opens the snap directory and removes temp files a crash left behind. */
  static async open(snapDir: string, retain = DEFAULT_RETAINED_SNAPSHOTS): Promise<SnapshotStore> {
    if (retain < 1) throw new RangeError(`must retain at least one snapshot, got ${retain}`);
    for (const name of await fs.readdir(snapDir)) {
      if (name.endsWith(TEMP_SUFFIX)) await fs.rm(path.join(snapDir, name), { force: true });
    }
    return new SnapshotStore(snapDir, retain);
  }

  pathOf(term: number, index: number): string {
    return path.join(this.dir, snapshotFileName(term, index));
  }

  /** A fresh temp path in the snap directory, for writers that swap the file in with install(). */
  tempPath(): string {
    return path.join(this.dir, `${randomUUID()}${TEMP_SUFFIX}`);
  }

  /** Valid-looking snapshot file names, newest (highest index) first. Contents are not checked here. */
  async list(): Promise<SnapshotFile[]> {
    const files: SnapshotFile[] = [];
    for (const name of await fs.readdir(this.dir)) {
      const match = NAME_PATTERN.exec(name);
      if (match === null) continue;
      files.push({ term: parseInt(match[1]!, 16), index: parseInt(match[2]!, 16), path: path.join(this.dir, name) });
    }
    return files.sort((a, b) => b.index - a.index || b.term - a.term);
  }

  /** Writes the snapshot durably, then deletes the oldest files beyond the retention count. */
  async save(snapshot: Snapshot): Promise<SnapshotFile> {
    const temp = this.tempPath();
    const header = encodeHeader(snapshot.metadata, snapshot.data.length);
    const trailer = new Uint8Array(CRC_BYTES);
    new DataView(trailer.buffer).setUint32(0, crc32(snapshot.data, crc32(header)));
    const handle = await fs.open(temp, 'wx', 0o600);
    try {
      try {
        // writeFile loops until every byte is written, unlike a single write/writev call.
        for (const part of [header, snapshot.data, trailer]) await handle.writeFile(part);
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw err;
    }
    return this.install(temp, snapshot.metadata);
  }

  /**
   * Moves a complete, fsynced snapshot file from `temp` to its final name, makes the rename durable and
   * prunes old files.
   */
  async install(temp: string, metadata: SnapshotMetadata): Promise<SnapshotFile> {
    const file = { term: metadata.term, index: metadata.index, path: this.pathOf(metadata.term, metadata.index) };
    await fs.rename(temp, file.path);
    await fsyncDirectory(this.dir);
    await this.prune();
    return file;
  }

  /** Loads the snapshot with exactly this term and index; throws SnapshotNotFoundError or CorruptSnapshotError. */
  async load(term: number, index: number): Promise<Snapshot> {
    const file = this.pathOf(term, index);
    let bytes: Uint8Array;
    try {
      bytes = await fs.readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new SnapshotNotFoundError(`${file} does not exist`);
      throw err;
    }
    const snapshot = decodeSnapshotFile(bytes, file);
    if (snapshot.metadata.term !== term || snapshot.metadata.index !== index) {
      throw new CorruptSnapshotError(file, `holds ${snapshot.metadata.term}-${snapshot.metadata.index}`);
    }
    return snapshot;
  }

  /**
   * The newest valid snapshot with index ≤ maxIndex. A file that fails its checks is renamed to *.broken
   * (as etcd does) and the previous one is tried.
   */
  async loadNewest(maxIndex = Number.MAX_SAFE_INTEGER): Promise<Snapshot | undefined> {
    for (const file of await this.list()) {
      if (file.index > maxIndex) continue;
      try {
        return await this.load(file.term, file.index);
      } catch (err) {
        if (!(err instanceof CorruptSnapshotError)) throw err;
        await fs.rename(file.path, `${file.path}${BROKEN_SUFFIX}`);
      }
    }
    return undefined;
  }

  private async prune(): Promise<void> {
    const stale = (await this.list()).slice(this.retain);
    for (const file of stale) await fs.rm(file.path, { force: true });
    if (stale.length > 0) await fsyncDirectory(this.dir);
  }
}
