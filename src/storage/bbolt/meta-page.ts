// bbolt's meta page (pages 0 and 1; the valid one with the higher txid wins). After the page header:
//   magic u32 | version u32 | page size u32 | flags u32 | root bucket (root page id u64, sequence u64)
//   | freelist page id u64 | high-water page id u64 | txid u64 | checksum u64
// The checksum is 64-bit FNV-1a over the 56 bytes before it.

import { PAGE_HEADER_BYTES, PageFlag, readPageHeader, writePageHeader } from './page-layout.js';

const MAGIC = 0xed0cdaed;
const VERSION = 2;
const CHECKSUMMED_BYTES = 56;
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const U64 = (1n << 64n) - 1n;

export interface Meta {
  readonly pageSize: number;
  readonly root: bigint;
  readonly freelist: bigint;
  /** Pages below this id are in use or free; the file's logical size is pgid × page size. */
  readonly pgid: bigint;
  readonly txid: bigint;
}

function fnv1a64(bytes: Buffer): bigint {
  let hash = FNV_OFFSET;
  for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * FNV_PRIME) & U64;
  return hash;
}

/** The meta at page offset `at`, or why it is not valid (bbolt's error text). */
export function readMeta(bytes: Buffer, at: number): Meta | string {
  if (bytes.length < at + PAGE_HEADER_BYTES + CHECKSUMMED_BYTES + 8) return 'file size too small';
  const m = at + PAGE_HEADER_BYTES;
  if (bytes.readUInt32LE(m) !== MAGIC || (readPageHeader(bytes, at).flags & PageFlag.Meta) === 0) return 'invalid database';
  if (bytes.readUInt32LE(m + 4) !== VERSION) return 'version mismatch';
  const checksum = bytes.readBigUInt64LE(m + CHECKSUMMED_BYTES);
  if (checksum !== 0n && checksum !== fnv1a64(bytes.subarray(m, m + CHECKSUMMED_BYTES))) return 'checksum error';
  return {
    pageSize: bytes.readUInt32LE(m + 8),
    root: bytes.readBigUInt64LE(m + 16),
    freelist: bytes.readBigUInt64LE(m + 32),
    pgid: bytes.readBigUInt64LE(m + 40),
    txid: bytes.readBigUInt64LE(m + 48),
  };
}

/** Writes meta page `pageId` (0 or 1) at page offset `at`. */
export function writeMeta(bytes: Buffer, at: number, pageId: bigint, meta: Meta): void {
  writePageHeader(bytes, at, { id: pageId, flags: PageFlag.Meta, count: 0, overflow: 0 });
  const m = at + PAGE_HEADER_BYTES;
  bytes.writeUInt32LE(MAGIC, m);
  bytes.writeUInt32LE(VERSION, m + 4);
  bytes.writeUInt32LE(meta.pageSize, m + 8);
  bytes.writeUInt32LE(0, m + 12);
  bytes.writeBigUInt64LE(meta.root, m + 16);
  bytes.writeBigUInt64LE(0n, m + 24);
  bytes.writeBigUInt64LE(meta.freelist, m + 32);
  bytes.writeBigUInt64LE(meta.pgid, m + 40);
  bytes.writeBigUInt64LE(meta.txid, m + 48);
  bytes.writeBigUInt64LE(fnv1a64(bytes.subarray(m, m + CHECKSUMMED_BYTES)), m + CHECKSUMMED_BYTES);
}
