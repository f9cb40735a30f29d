// The segment the WAL appends to. A new segment is made whole before it gets its name: written as a .tmp
// file (start record, then the header records a reader starting there needs), synced, renamed, and the
// directory synced. It is extended with zeros to its full size up front, so the end of the data is where the
// zeros begin (etcd preallocates its 64 MB segments likewise), and the zeros are written ahead of the writer
// (zero-fill.ts). When the segment is full, it is truncated to its data and synced before the next one is
// cut, so only the last segment ever has a tail to repair.

import * as fs from 'node:fs';
import { promisify } from 'node:util';
import { encodeSegmentStart } from '../codec.js';
import { fsyncDirectory } from '../data-dir.js';
import { encodeFrames } from './frame.js';
import type { SyncPlacement } from './sync-placement.js';
import { TEMP_SUFFIX, segmentName, type SegmentName } from './segment-names.js';
import { FILL_CHUNK, ZeroFill, writeZeros } from './zero-fill.js';

const fdatasync = promisify(fs.fdatasync);
const ftruncate = promisify(fs.ftruncate);

export class TailSegment {
  private readonly zeroFill: ZeroFill;

  private constructor(
    readonly name: SegmentName,
    private readonly fd: number,
    /** Where the next frame goes. */
    private offset: number,
    /** crc of the last frame written, which the next one continues. */
    private crc: number,
    private readonly segmentBytes: number,
  ) {
    // create() and reopen() filled the first chunk.
    this.zeroFill = new ZeroFill(fd, Math.min(offset + FILL_CHUNK, segmentBytes), segmentBytes);
  }

  /**
   * Makes segment `seq` (cut for entries from `index` on) holding `records` after its start record: the
   * header records a reader starting there needs, and whatever must appear with them or not at all.
   */
  static async create(dir: string, seq: number, index: number, previousCrc: number, records: readonly Uint8Array[], segmentBytes: number): Promise<TailSegment> {
    const name = segmentName(dir, seq, index);
    const temp = name.file + TEMP_SUFFIX;
    const { bytes, crc } = encodeFrames([encodeSegmentStart(previousCrc), ...records], previousCrc);
    const fd = fs.openSync(temp, 'w+', 0o600);
    try {
      fs.writeSync(fd, bytes, 0, bytes.length, 0);
      await ftruncate(fd, Math.max(segmentBytes, bytes.length));
      await writeZeros(fd, bytes.length, Math.min(bytes.length + FILL_CHUNK, segmentBytes));
      await fdatasync(fd);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
    fs.renameSync(temp, name.file);
    await fsyncDirectory(dir);
    return new TailSegment(name, fd, bytes.length, crc, segmentBytes);
  }

  /**
   * Reopens the last segment to append after its valid data, which ends at `end`. Whatever lies beyond
   * (a torn write, or frames a torn write left unreachable) is cut off and replaced by zeros, so that it
   * can never be read as data after the frames appended next.
   */
  static async reopen(name: SegmentName, end: number, crc: number, segmentBytes: number): Promise<TailSegment> {
    const fd = fs.openSync(name.file, 'r+');
    try {
      await ftruncate(fd, end);
      await ftruncate(fd, Math.max(segmentBytes, end));
      await writeZeros(fd, end, Math.min(end + FILL_CHUNK, segmentBytes));
      await fdatasync(fd);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
    return new TailSegment(name, fd, end, crc, segmentBytes);
  }

  /** Where the next frame goes: everything before it is written. */
  get end(): number {
    return this.offset;
  }

  get lastCrc(): number {
    return this.crc;
  }

  /** Whether the next write should go to a new segment. */
  get full(): boolean {
    return this.offset >= this.segmentBytes;
  }

  /** Appends frames for `records` (to the page cache: sync() makes them durable); returns where each record lies. */
  async append(records: readonly Uint8Array[]): Promise<number[]> {
    const { bytes, crc, recordOffsets } = encodeFrames(records, this.crc, this.offset);
    await this.zeroFill.beforeWrite(this.offset, bytes.length);
    let written = 0;
    while (written < bytes.length) written += fs.writeSync(this.fd, bytes, written, bytes.length - written, this.offset + written);
    this.offset += bytes.length;
    this.crc = crc;
    this.zeroFill.afterWrite(this.offset);
    return recordOffsets;
  }

  /**
   * Makes what append() wrote (`entries` raft entries among it) durable, the sync run where `placement`
   * says; returns how long it took, in ms.
   */
  sync(placement: SyncPlacement, entries: number): Promise<number> {
    return placement.sync(this.fd, entries);
  }

  /** Cuts the preallocated zeros off a full segment and makes it durable, before the next one is made. */
  async seal(): Promise<void> {
    await this.zeroFill.settled();
    await ftruncate(this.fd, this.offset);
    await fdatasync(this.fd);
    await this.close();
  }

  async close(): Promise<void> {
    await this.zeroFill.settled();
    fs.closeSync(this.fd);
  }
}
