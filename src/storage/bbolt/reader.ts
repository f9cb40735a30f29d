// Reads a whole bbolt file: the newest valid meta page, then the root bucket's B+tree down to every
// bucket's key/values (inline buckets included). Values are views into the file's bytes.

import { readMeta, type Meta } from './meta-page.js';
import {
  BUCKET_HEADER_BYTES,
  BUCKET_LEAF_FLAG,
  ELEMENT_BYTES,
  PAGE_HEADER_BYTES,
  PAGE_SIZE,
  PageFlag,
  readPageHeader,
  type BoltBucket,
  type LeafEntry,
} from './page-layout.js';

/** The file is not a readable bbolt database (the message is bbolt's where bbolt has one). */
export class BoltFormatError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'BoltFormatError';
  }
}

export interface BoltFile {
  readonly meta: Meta;
  /** The top-level buckets in name order. */
  readonly buckets: readonly BoltBucket[];
}

/** The meta bbolt would open: the valid one of pages 0 and 1 with the higher txid. */
function currentMeta(bytes: Buffer): Meta {
  const first = readMeta(bytes, 0);
  const pageSize = typeof first === 'string' ? PAGE_SIZE : first.pageSize;
  const second = readMeta(bytes, pageSize);
  if (typeof first === 'string' && typeof second === 'string') throw new BoltFormatError(first);
  if (typeof first === 'string') return second as Meta;
  if (typeof second === 'string') return first;
  return second.txid > first.txid ? second : first;
}

export function readBoltFile(bytes: Buffer): BoltFile {
  const meta = currentMeta(bytes);
  if (meta.pageSize < 1024 || meta.pgid * BigInt(meta.pageSize) > BigInt(bytes.length)) {
    throw new BoltFormatError(`file holds ${bytes.length} bytes, meta says ${meta.pgid} pages of ${meta.pageSize}`);
  }
  const pageAt = (id: bigint): number => {
    if (id < 2n || id >= meta.pgid) throw new BoltFormatError(`page ${id} out of bounds (high water ${meta.pgid})`);
    return Number(id) * meta.pageSize;
  };

  /** The leaf entries under the page at `at` (a page of the file, or an inline page inside a value). */
  const collect = (source: Buffer, at: number, out: LeafEntry[], depth: number): void => {
    if (depth > 64) throw new BoltFormatError('tree too deep (a page cycle?)');
    const header = readPageHeader(source, at);
    const end = source === bytes ? Math.min(at + (header.overflow + 1) * meta.pageSize, bytes.length) : source.length;
    const elements = at + PAGE_HEADER_BYTES;
    if (elements + header.count * ELEMENT_BYTES > end) throw new BoltFormatError(`page ${header.id}: ${header.count} elements overrun it`);
    for (let i = 0; i < header.count; i++) {
      const element = elements + i * ELEMENT_BYTES;
      if (header.flags & PageFlag.Branch) {
        collect(bytes, pageAt(source.readBigUInt64LE(element + 8)), out, depth + 1);
      } else if (header.flags & PageFlag.Leaf) {
        const keyAt = element + source.readUInt32LE(element + 4);
        const keySize = source.readUInt32LE(element + 8);
        const valueSize = source.readUInt32LE(element + 12);
        if (keyAt + keySize + valueSize > end) throw new BoltFormatError(`page ${header.id}: element ${i} runs past the page`);
        out.push({
          flags: source.readUInt32LE(element),
          key: source.subarray(keyAt, keyAt + keySize),
          value: source.subarray(keyAt + keySize, keyAt + keySize + valueSize),
        });
      } else {
        throw new BoltFormatError(`page ${header.id}: not a branch or leaf page (flags ${header.flags})`);
      }
    }
  };

  const bucket = (name: Buffer, value: Buffer, depth: number): BoltBucket => {
    if (value.length < BUCKET_HEADER_BYTES) throw new BoltFormatError(`bucket ${name.toString()}: header too short`);
    const root = value.readBigUInt64LE(0);
    const entries: LeafEntry[] = [];
    // Inline: the bucket's only leaf page follows its header inside the value.
    if (root === 0n) collect(value.subarray(BUCKET_HEADER_BYTES), 0, entries, depth);
    else collect(bytes, pageAt(root), entries, depth);
    return split(name, entries, depth);
  };

  const split = (name: Buffer, entries: LeafEntry[], depth: number): BoltBucket => ({
    name,
    entries: entries.filter((e) => (e.flags & BUCKET_LEAF_FLAG) === 0).map((e) => [e.key, e.value] as const),
    buckets: entries.filter((e) => e.flags & BUCKET_LEAF_FLAG).map((e) => bucket(e.key, e.value, depth + 1)),
  });

  const top: LeafEntry[] = [];
  collect(bytes, pageAt(meta.root), top, 0);
  return { meta, buckets: split(Buffer.alloc(0), top, 0).buckets };
}
