// Writes a whole bbolt file from bucket contents, as a freshly compacted database: meta pages 0 and 1,
// then each bucket's B+tree packed into full pages (leaves, then branch levels up to one root page), a
// node too big for one page continuing over overflow pages, small buckets inline in their parent. Like
// etcd 3.4's backend (NoFreelistSync) it stores no freelist page: every page is in use.

import { writeMeta } from './meta-page.js';
import {
  BUCKET_HEADER_BYTES,
  BUCKET_LEAF_FLAG,
  ELEMENT_BYTES,
  MAX_INLINE_BUCKET_BYTES,
  PAGE_HEADER_BYTES,
  PAGE_SIZE,
  PageFlag,
  writePageHeader,
  type BoltBucket,
  type LeafEntry,
} from './page-layout.js';

/** bbolt's freelist id meaning "no freelist stored". */
const NO_FREELIST = 0xffffffffffffffffn;
const FIRST_DATA_PAGE = 2n;

interface ChildRef {
  readonly firstKey: Buffer;
  readonly pgid: bigint;
}

class PageAllocator {
  private next = FIRST_DATA_PAGE;
  readonly written: Buffer[] = [];

  /** A zeroed run of pages big enough for `bytes`; its first page id and its buffer. */
  allocate(bytes: number): { id: bigint; page: Buffer; overflow: number } {
    const pages = Math.max(1, Math.ceil(bytes / PAGE_SIZE));
    const id = this.next;
    this.next += BigInt(pages);
    const page = Buffer.alloc(pages * PAGE_SIZE);
    this.written.push(page);
    return { id, page, overflow: pages - 1 };
  }

  get highWater(): bigint {
    return this.next;
  }
}

const leafBytes = (entries: readonly LeafEntry[]): number =>
  entries.reduce((sum, e) => sum + ELEMENT_BYTES + e.key.length + e.value.length, PAGE_HEADER_BYTES);

/** Lays a leaf node (header, elements, then each key and value) into `page` from `at`. */
function writeLeaf(page: Buffer, at: number, id: bigint, overflow: number, entries: readonly LeafEntry[]): void {
  writePageHeader(page, at, { id, flags: PageFlag.Leaf, count: entries.length, overflow });
  let data = at + PAGE_HEADER_BYTES + entries.length * ELEMENT_BYTES;
  entries.forEach((entry, i) => {
    const element = at + PAGE_HEADER_BYTES + i * ELEMENT_BYTES;
    page.writeUInt32LE(entry.flags, element);
    page.writeUInt32LE(data - element, element + 4);
    page.writeUInt32LE(entry.key.length, element + 8);
    page.writeUInt32LE(entry.value.length, element + 12);
    data += entry.key.copy(page, data);
    data += entry.value.copy(page, data);
  });
}

function writeBranch(page: Buffer, id: bigint, overflow: number, children: readonly ChildRef[]): void {
  writePageHeader(page, 0, { id, flags: PageFlag.Branch, count: children.length, overflow });
  let data = PAGE_HEADER_BYTES + children.length * ELEMENT_BYTES;
  children.forEach((child, i) => {
    const element = PAGE_HEADER_BYTES + i * ELEMENT_BYTES;
    page.writeUInt32LE(data - element, element);
    page.writeUInt32LE(child.firstKey.length, element + 4);
    page.writeBigUInt64LE(child.pgid, element + 8);
    data += child.firstKey.copy(page, data);
  });
}

/** Groups items into runs that fill a page each (an item bigger than a page gets a run of its own). */
function packIntoPages<T>(items: readonly T[], itemBytes: (item: T) => number): T[][] {
  const runs: T[][] = [];
  let run: T[] = [];
  let size = PAGE_HEADER_BYTES;
  for (const item of items) {
    const bytes = ELEMENT_BYTES + itemBytes(item);
    if (run.length > 0 && size + bytes > PAGE_SIZE) {
      runs.push(run);
      run = [];
      size = PAGE_HEADER_BYTES;
    }
    run.push(item);
    size += bytes;
  }
  if (run.length > 0 || runs.length === 0) runs.push(run);
  return runs;
}

/** Writes a bucket's B+tree and returns its root page id. */
function writeTree(allocator: PageAllocator, entries: readonly LeafEntry[]): bigint {
  let level: ChildRef[] = packIntoPages(entries, (e) => e.key.length + e.value.length).map((run) => {
    const { id, page, overflow } = allocator.allocate(leafBytes(run));
    writeLeaf(page, 0, id, overflow, run);
    return { firstKey: run[0]?.key ?? Buffer.alloc(0), pgid: id };
  });
  while (level.length > 1) {
    level = packIntoPages(level, (c) => c.firstKey.length).map((run) => {
      const { id, page, overflow } = allocator.allocate(run.reduce((sum, c) => sum + ELEMENT_BYTES + c.firstKey.length, PAGE_HEADER_BYTES));
      writeBranch(page, id, overflow, run);
      return { firstKey: run[0]!.firstKey, pgid: id };
    });
  }
  return level[0]!.pgid;
}

const byKey = (a: LeafEntry, b: LeafEntry): number => Buffer.compare(a.key, b.key);

/** A bucket's leaf entries: its key/values and, flagged, its nested buckets' headers. */
function leafEntries(allocator: PageAllocator, bucket: Pick<BoltBucket, 'entries' | 'buckets'>): LeafEntry[] {
  const entries: LeafEntry[] = bucket.entries.map(([key, value]) => ({ key, value, flags: 0 }));
  for (const nested of bucket.buckets) entries.push({ key: nested.name, value: bucketValue(allocator, nested), flags: BUCKET_LEAF_FLAG });
  return entries.sort(byKey);
}

/** The value a bucket has in its parent: its header, followed by its leaf page when it is inline. */
function bucketValue(allocator: PageAllocator, bucket: BoltBucket): Buffer {
  const entries = leafEntries(allocator, bucket);
  if (bucket.buckets.length === 0 && leafBytes(entries) <= MAX_INLINE_BUCKET_BYTES) {
    const inline = Buffer.alloc(BUCKET_HEADER_BYTES + leafBytes(entries));
    writeLeaf(inline, BUCKET_HEADER_BYTES, 0n, 0, entries);
    return inline;
  }
  const header = Buffer.alloc(BUCKET_HEADER_BYTES);
  header.writeBigUInt64LE(writeTree(allocator, entries), 0);
  return header;
}

/** A complete bbolt file holding `buckets` (top level, any order; their entries need not be sorted). */
export function writeBoltFile(buckets: readonly BoltBucket[], txid = 1n): Buffer {
  const allocator = new PageAllocator();
  const root = writeTree(allocator, leafEntries(allocator, { entries: [], buckets }));
  const metas = Buffer.alloc(2 * PAGE_SIZE);
  const meta = { pageSize: PAGE_SIZE, root, freelist: NO_FREELIST, pgid: allocator.highWater };
  writeMeta(metas, 0, 0n, { ...meta, txid });
  writeMeta(metas, PAGE_SIZE, 1n, { ...meta, txid: txid + 1n });
  return Buffer.concat([metas, ...allocator.written]);
}
