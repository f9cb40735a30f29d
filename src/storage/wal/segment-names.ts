// WAL segment files are named as etcd names its own: `<seq>-<index>.wal`, both 16 hex digits, seq counting
// segments from 0 and index the first entry index the segment was cut for. A segment being made is a
// `.tmp` file until it is complete and synced, then renamed.

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { CorruptLogError } from '../errors.js';

export interface SegmentName {
  readonly seq: number;
  readonly index: number;
  readonly file: string;
}

const NAME = /^([0-9a-f]{16})-([0-9a-f]{16})\.wal$/;
export const TEMP_SUFFIX = '.tmp';

const hex16 = (n: number): string => n.toString(16).padStart(16, '0');

export function segmentName(dir: string, seq: number, index: number): SegmentName {
  return { seq, index, file: path.join(dir, `${hex16(seq)}-${hex16(index)}.wal`) };
}

/** The directory's segments in order; throws CorruptLogError when one in the middle is missing. */
export async function listSegments(dir: string): Promise<SegmentName[]> {
  const segments: SegmentName[] = [];
  for (const name of await fs.readdir(dir)) {
    const match = NAME.exec(name);
    if (match) segments.push({ seq: parseInt(match[1]!, 16), index: parseInt(match[2]!, 16), file: path.join(dir, name) });
  }
  segments.sort((a, b) => a.seq - b.seq);
  for (let i = 1; i < segments.length; i++) {
    if (segments[i]!.seq !== segments[i - 1]!.seq + 1) {
      throw new CorruptLogError(`WAL segment ${segments[i - 1]!.seq + 1} is missing in ${dir} (found ${path.basename(segments[i]!.file)})`);
    }
  }
  return segments;
}

/** Segments left half made by a crash while cutting one; they never held anything acknowledged. */
export async function removeTempSegments(dir: string): Promise<void> {
  for (const name of await fs.readdir(dir)) {
    if (name.endsWith(`.wal${TEMP_SUFFIX}`)) await fs.rm(path.join(dir, name), { force: true });
  }
}
