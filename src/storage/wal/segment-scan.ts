// Reads the frames of one segment file, checking each crc against the chain. Where the frames stop being
// valid decides what the file is:
// - a zero length: the end of the data (the rest is the zeros the file was extended with);
// - in the last segment, a frame cut short by the end of the file, or failing its crc with no intact frame
//   anywhere after it: the write that was in progress when the process died. So is a frame with a whole
//   zero disk sector inside it (etcd's sign of a torn write) followed by intact frames: the disk wrote the
//   write's later sectors and not that one. A torn tail: the caller truncates it;
// - anything else: a damaged file. CorruptLogError naming the file and the offset; nothing is guessed.

import * as fs from 'node:fs';
import { CODEC_VERSION, RecordKind, decodeSegmentStart, isIntactRecord, recordKindOf } from '../codec.js';
import { crc32 } from '../crc32.js';
import { CorruptLogError } from '../errors.js';
import { FileWindow, READ_CHUNK } from './file-window.js';
import { FRAME_HEADER_BYTES, frameBytes } from './frame.js';

const SECTOR = 512;
const ZERO_SECTOR = Buffer.alloc(SECTOR);

export interface SegmentScan {
  /** Where the valid frames end: the next frame is written there. */
  readonly end: number;
  /** crc of the last valid frame, which the next one continues. */
  readonly crc: number;
  /** Set when the file held a torn write from `end` on. */
  readonly torn?: { readonly reason: string; readonly bytes: number };
}

/** Whether a frame that decodes on its own (length and record checksum) starts at or after `from`. */
function intactFrameFrom(file: FileWindow, from: number): boolean {
  for (let at = Math.ceil(from / FRAME_HEADER_BYTES) * FRAME_HEADER_BYTES; at + FRAME_HEADER_BYTES <= file.size; ) {
    // A chunk at a time: what follows a torn write is mostly the zeros of a 64 MB segment.
    const chunk = file.bytes(at, Math.min(READ_CHUNK, file.size - at));
    for (let i = 0; i + FRAME_HEADER_BYTES <= chunk.length; i += FRAME_HEADER_BYTES) {
      const length = chunk.readUInt32LE(i);
      if (length === 0 || at + i + FRAME_HEADER_BYTES + length > file.size) continue;
      // Version and kind first: garbage rarely passes them, and then no long read is made for it.
      const start = file.bytes(at + i + FRAME_HEADER_BYTES, Math.min(length, 2));
      if (start[0] !== CODEC_VERSION || recordKindOf(start) === undefined) continue;
      if (isIntactRecord(file.bytes(at + i + FRAME_HEADER_BYTES, length))) return true;
    }
    at += Math.floor(chunk.length / FRAME_HEADER_BYTES) * FRAME_HEADER_BYTES;
  }
  return false;
}

function hasZeroSector(file: FileWindow, from: number, to: number): boolean {
  for (let sector = Math.ceil(from / SECTOR) * SECTOR; sector + SECTOR <= Math.min(to, file.size); sector += SECTOR) {
    if (file.bytes(sector, SECTOR).equals(ZERO_SECTOR)) return true;
  }
  return false;
}

/**
 * Calls `onRecord` for every record after the segment's start record, in order, with where the record lies
 * in the file, until it returns false.
 * `previousCrc` is the crc the previous segment ended with (undefined for the first segment read); `tail`
 * says this is the last one.
 */
export function scanSegment(path: string, tail: boolean, previousCrc: number | undefined, onRecord: (record: Uint8Array, offset: number) => boolean | void): SegmentScan {
  const fd = fs.openSync(path, 'r');
  try {
    const file = new FileWindow(fd, fs.fstatSync(fd).size);
    const corrupt = (offset: number, what: string): CorruptLogError => new CorruptLogError(`WAL segment ${path} at offset ${offset}: ${what}`);
    let crc = 0;
    let offset = 0;
    for (;;) {
      const torn = (reason: string, damage: () => boolean): SegmentScan => {
        if (!tail || offset === 0 || !damage()) throw corrupt(offset, reason);
        return { end: offset, crc, torn: { reason, bytes: file.size - offset } };
      };
      if (offset + FRAME_HEADER_BYTES > file.size) {
        // At or past the end: the last frame's padding may be cut off, its record is whole.
        if (offset >= file.size && offset > 0) return { end: offset, crc };
        return torn('frame header cut short', () => true);
      }
      const length = file.uint32(offset);
      if (length === 0) {
        if (offset === 0) throw corrupt(0, 'no segment start record');
        if (!tail && intactFrameFrom(file, offset + FRAME_HEADER_BYTES)) throw corrupt(offset, 'zeros before the end of the data');
        return { end: offset, crc };
      }
      if (offset + FRAME_HEADER_BYTES + length > file.size) {
        return torn(`frame of ${length} bytes runs past the end of the file`, () => !intactFrameFrom(file, offset + FRAME_HEADER_BYTES));
      }
      const stored = file.uint32(offset + 4);
      const record = file.bytes(offset + FRAME_HEADER_BYTES, length);
      if (offset === 0) {
        if (recordKindOf(record) !== RecordKind.SegmentStart || !isIntactRecord(record)) throw corrupt(0, 'no segment start record');
        crc = decodeSegmentStart(record);
        if (previousCrc !== undefined && crc !== previousCrc) throw corrupt(0, 'segment does not continue the previous one (checksum chain broken)');
      }
      const computed = crc32(record, crc);
      if (computed !== stored) {
        const end = offset + FRAME_HEADER_BYTES + length;
        // A length flipped to a larger one would take in the zeros after the data: the zero sector counts
        // only when intact frames follow where this one says it ends.
        return torn('checksum mismatch', () => !intactFrameFrom(file, offset + FRAME_HEADER_BYTES) || (intactFrameFrom(file, end) && hasZeroSector(file, offset, end)));
      }
      crc = computed;
      let more: boolean | void = true;
      if (offset > 0) {
        try {
          more = onRecord(record, offset + FRAME_HEADER_BYTES);
        } catch (err) {
          if (err instanceof CorruptLogError) throw corrupt(offset, err.detail);
          throw err;
        }
      }
      offset += frameBytes(length);
      if (more === false) return { end: offset, crc };
    }
  } finally {
    fs.closeSync(fd);
  }
}
