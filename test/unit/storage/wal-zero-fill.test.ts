// The zeros the WAL writes ahead of its writer: exactly the range asked for, and in pieces the page cache
// keeps page-sized, so that a small append and its fdatasync write back a page, not a megabyte.

import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SyncPlacement } from '../../../src/storage/wal/sync-placement.js';
import { TailSegment } from '../../../src/storage/wal/tail-segment.js';
import { writeZeros } from '../../../src/storage/wal/zero-fill.js';
import { makeTempDir, removeTempDir } from './fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir('zero-fill');
});
afterEach(async () => removeTempDir(dir));

/** Bytes this thread has sent to be written to storage: Linux counts a page (or folio) each time it is dirtied. */
function bytesWrittenByThisThread(): number {
  const io = fs.readFileSync('/proc/thread-self/io', 'utf8');
  return Number(/^write_bytes: (\d+)$/m.exec(io)?.[1]);
}

describe('writeZeros', () => {
  it('zeros exactly the range given, whatever its alignment', async () => {
    const file = join(dir, 'f');
    const size = 3 * 4096 + 777;
    fs.writeFileSync(file, Buffer.alloc(size, 0xab));
    const fd = fs.openSync(file, 'r+');
    try {
      await writeZeros(fd, 100, 2 * 4096 + 5);
      await writeZeros(fd, 3 * 4096 + 1, 3 * 4096 + 2);
    } finally {
      fs.closeSync(fd);
    }
    const bytes = fs.readFileSync(file);
    expect(bytes.length).toBe(size);
    bytes.forEach((byte, at) => {
      const zeroed = (at >= 100 && at < 2 * 4096 + 5) || at === 3 * 4096 + 1;
      if (byte !== (zeroed ? 0 : 0xab)) throw new Error(`byte ${at} is ${byte}`);
    });
  });
});

describe('TailSegment', () => {
  it.runIf(fs.existsSync('/proc/thread-self/io'))('writes back about a page per small append and fdatasync', async () => {
    const segment = await TailSegment.create(dir, 0, 1, 0, [], 8 * 1024 * 1024);
    const placement = new SyncPlacement();
    try {
      const record = new Uint8Array(300).fill(7);
      // Past the first filled chunk, into zeros the background fill wrote.
      const appends = 6000;
      const before = bytesWrittenByThisThread();
      for (let i = 0; i < appends; i++) {
        await segment.append([record]);
        await segment.sync(placement, 1);
      }
      const perAppend = (bytesWrittenByThisThread() - before) / appends;
      // A page, sometimes two when a frame crosses into the next; zeros written a megabyte at a time made it 1 MiB.
      expect(perAppend).toBeLessThan(16 * 1024);
    } finally {
      await segment.close();
    }
  });
});
