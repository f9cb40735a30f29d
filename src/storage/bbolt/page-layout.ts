// bbolt's on-disk layout (go.etcd.io/bbolt 1.3, as etcd 3.4 writes it), little-endian throughout:
//   page header (16 bytes): id u64 | flags u16 | count u16 | overflow u32 (extra pages that follow)
//   branch element (16):    pos u32 | key size u32 | child page id u64
//   leaf element (16):      flags u32 | pos u32 | key size u32 | value size u32
// An element's pos counts from the element's own first byte to its key; the value follows the key.
// A bucket's value in its parent leaf is a 16-byte header (root page id u64, sequence u64); root 0 means
// an inline bucket whose leaf page follows the header inside the value.

export const PAGE_SIZE = 4096;
export const PAGE_HEADER_BYTES = 16;
export const ELEMENT_BYTES = 16;
export const BUCKET_HEADER_BYTES = 16;

export const enum PageFlag {
  Branch = 0x01,
  Leaf = 0x02,
  Meta = 0x04,
}

/** Leaf element flag: the value is a bucket. */
export const BUCKET_LEAF_FLAG = 0x01;

/** A bucket small enough (a quarter page, no sub-buckets) is stored inline in its parent. */
export const MAX_INLINE_BUCKET_BYTES = PAGE_SIZE / 4;

export interface PageHeader {
  readonly id: bigint;
  readonly flags: number;
  readonly count: number;
  readonly overflow: number;
}

export function readPageHeader(bytes: Buffer, at: number): PageHeader {
  return {
    id: bytes.readBigUInt64LE(at),
    flags: bytes.readUInt16LE(at + 8),
    count: bytes.readUInt16LE(at + 10),
    overflow: bytes.readUInt32LE(at + 12),
  };
}

export function writePageHeader(bytes: Buffer, at: number, header: PageHeader): void {
  bytes.writeBigUInt64LE(header.id, at);
  bytes.writeUInt16LE(header.flags, at + 8);
  bytes.writeUInt16LE(header.count, at + 10);
  bytes.writeUInt32LE(header.overflow, at + 12);
}

/** One key/value of a bucket as bbolt holds it; `flags` marks a nested bucket. */
export interface LeafEntry {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly flags: number;
}

/** A bucket's contents in key order: plain key/values, and nested buckets by name. */
export interface BoltBucket {
  readonly name: Buffer;
  readonly entries: readonly (readonly [Buffer, Buffer])[];
  readonly buckets: readonly BoltBucket[];
}
