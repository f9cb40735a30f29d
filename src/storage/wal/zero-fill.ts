// Zeros written ahead of the WAL's writer. A segment extended with ftruncate is a hole: the first write into
// each block of it allocates the block, so that write's fdatasync must also commit the filesystem's journal.
// Blocks filled with zeros (and synced) beforehand, in the background, cost an fdatasync only their data:
// measured here, a 250-byte write and fdatasync took about half the time. etcd gets the same from fallocate,
// which Node does not offer.
//
// The zeros go in one page per write. Linux's page cache holds a file in folios as large as the write that
// brought them in (ext4 does so since 6.x: a 1 MiB write, a 1 MiB folio), and a folio is written back whole:
// after zeros written a megabyte at a time, every append and fdatasync then wrote the megabyte around it
// (a member wrote 20× what an etcd member writes over the same workload, bench/RESULTS.md, "The WAL's zeros,
// a page at a time").

import * as fs from 'node:fs';
import { promisify } from 'node:util';

const write = promisify(fs.write);
const fdatasync = promisify(fs.fdatasync);

export const FILL_CHUNK = 1024 * 1024;
const PAGE = 4096;
/** Page writes in flight at once: a chunk in a few turns of the event loop, without filling libuv's pool for long. */
const PAGES_AT_ONCE = 16;
/** A fill starts once the writer is this close to the end of the filled part. */
const LEAD = 512 * 1024;
const ZEROS = Buffer.alloc(PAGE);

/** Writes zeros over [from, to), not synced: one page (or the part of one in the range) per write. */
export async function writeZeros(fd: number, from: number, to: number): Promise<void> {
  const pieces: [number, number][] = [];
  for (let at = from; at < to; ) {
    const end = Math.min(to, (Math.floor(at / PAGE) + 1) * PAGE);
    pieces.push([at, end]);
    at = end;
  }
  for (let i = 0; i < pieces.length; i += PAGES_AT_ONCE) {
    await Promise.all(pieces.slice(i, i + PAGES_AT_ONCE).map(([at, end]) => writeFully(fd, at, end)));
  }
}

async function writeFully(fd: number, from: number, to: number): Promise<void> {
  for (let at = from; at < to; ) at += (await write(fd, ZEROS, 0, to - at, at)).bytesWritten;
}

export class ZeroFill {
  private inFlight: { from: number; done: Promise<void> } | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly fd: number,
    /** Everything from here on may still be a hole. */
    private filledTo: number,
    private readonly limit: number,
  ) {}

  /** Waits for a fill that would overlap a write of `bytes` at `offset` (it would write zeros over it). */
  async beforeWrite(offset: number, bytes: number): Promise<void> {
    if (this.inFlight !== undefined && offset + bytes > this.inFlight.from) await this.inFlight.done;
    if (this.failure !== undefined) throw this.failure;
  }

  /** After a write that ends at `offset`: fills the next chunk if the writer is getting close. */
  afterWrite(offset: number): void {
    if (this.inFlight !== undefined || this.filledTo >= this.limit || offset + LEAD < this.filledTo) return;
    const from = Math.max(this.filledTo, offset);
    const to = Math.min(from + FILL_CHUNK, this.limit);
    const done = this.fill(from, to).then(
      () => {
        this.filledTo = to;
      },
      (err: unknown) => {
        this.failure = err instanceof Error ? err : new Error(String(err));
      },
    );
    this.inFlight = { from, done: done.finally(() => (this.inFlight = undefined)) };
  }

  /** Resolves once no fill is writing (before the file is truncated or closed). */
  async settled(): Promise<void> {
    await this.inFlight?.done;
  }

  private async fill(from: number, to: number): Promise<void> {
    await writeZeros(this.fd, from, to);
    await fdatasync(this.fd);
  }
}
