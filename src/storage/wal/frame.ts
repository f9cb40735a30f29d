// How records sit in a WAL segment file, one frame each:
//   length (u32 LE, bytes of the record) | crc (u32 LE) | record | zeros up to a multiple of 8
// The crc is CRC-32 of the record continued from the previous frame's crc (chained, as etcd's WAL chains
// its records), so a frame that is dropped, repeated or out of order fails as a flipped byte does. Frames
// start at multiples of 8, so a frame header never straddles a disk sector. A zero length marks the end of
// the data: segment files are extended with zeros ahead of the writer.

import { crc32 } from '../crc32.js';

export const FRAME_HEADER_BYTES = 8;
const ALIGN = 8;

/** Bytes a frame holding a record of `recordLength` bytes takes in the file, padding included. */
export function frameBytes(recordLength: number): number {
  return Math.ceil((FRAME_HEADER_BYTES + recordLength) / ALIGN) * ALIGN;
}

/** Writes a frame for `record` at `at` in `out` and returns its crc, which the next frame continues. */
export function writeFrame(out: Buffer, at: number, record: Uint8Array, previousCrc: number): number {
  const crc = crc32(record, previousCrc);
  out.writeUInt32LE(record.length, at);
  out.writeUInt32LE(crc, at + 4);
  out.set(record, at + FRAME_HEADER_BYTES);
  out.fill(0, at + FRAME_HEADER_BYTES + record.length, at + frameBytes(record.length));
  return crc;
}

/**
 * The frames for `records` in one buffer, for one write; returns it with the crc of the last frame and
 * where each record lies, counted from `start` (where the buffer will be written).
 */
export function encodeFrames(records: readonly Uint8Array[], previousCrc: number, start = 0): { bytes: Buffer; crc: number; recordOffsets: number[] } {
  let total = 0;
  for (const record of records) total += frameBytes(record.length);
  const bytes = Buffer.allocUnsafe(total);
  const recordOffsets = new Array<number>(records.length);
  let crc = previousCrc;
  let at = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    crc = writeFrame(bytes, at, record, crc);
    recordOffsets[i] = start + at + FRAME_HEADER_BYTES;
    at += frameBytes(record.length);
  }
  return { bytes, crc, recordOffsets };
}
