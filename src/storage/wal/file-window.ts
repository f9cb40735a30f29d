// Sequential reads of a WAL segment through a window, so that a 64 MB segment is never read whole: by the
// scan on open (segment-scan.ts) and by reads of entries back (entry-read-back.ts).

import * as fs from 'node:fs';
import { CorruptLogError } from '../errors.js';

export const READ_CHUNK = 1024 * 1024;

/** Reads of `size` bytes of a file (through `fd`), a chunk at a time. */
export class FileWindow {
  private buffer = Buffer.alloc(0);
  private start = 0;

  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  /** `length` bytes at `offset`, which must lie within the file; valid until the next call. */
  bytes(offset: number, length: number): Buffer {
    if (offset < this.start || offset + length > this.start + this.buffer.length) {
      this.buffer = Buffer.allocUnsafe(Math.min(Math.max(length, READ_CHUNK), this.size - offset));
      const read = fs.readSync(this.fd, this.buffer, 0, this.buffer.length, offset);
      this.buffer = this.buffer.subarray(0, read);
      this.start = offset;
      if (read < length) throw new CorruptLogError(`short read at offset ${offset}`);
    }
    return this.buffer.subarray(offset - this.start, offset - this.start + length);
  }

  uint32(offset: number): number {
    return this.bytes(offset, 4).readUInt32LE(0);
  }
}
