// Reads the raft state out of a WAL directory's segments. Not every segment is read: every segment starts
// with a header (snapshot, hard state, log bounds as they were when it was cut), so reading starts at the
// newest segment cut when the log held nothing the newest header's compaction point does not cover. (etcd
// starts likewise at the segment holding its snapshot.) Older segments are what --max-wals purges.

import { RecordKind, decodeLogBounds, recordKindOf } from '../codec.js';
import { CorruptLogError } from '../errors.js';
import type { PersistedRaftState } from './raft-state.js';
import { LogReplay } from './replay.js';
import { scanSegment, type SegmentScan } from './segment-scan.js';
import type { SegmentName } from './segment-names.js';

export interface SegmentInfo {
  readonly name: SegmentName;
  /** The log's last index when the segment was cut: it holds entries after it only. */
  readonly startLast: number;
  /** The log's compaction point then. */
  readonly startCompacted: number;
}

export interface WalContents {
  readonly state: PersistedRaftState;
  readonly segments: SegmentInfo[];
  /** How the last segment ends: where to append, the crc to continue, a torn write found there. */
  readonly tail: SegmentScan;
}

function readHeader(name: SegmentName): SegmentInfo {
  let info: SegmentInfo | undefined;
  scanSegment(name.file, false, undefined, (record) => {
    if (recordKindOf(record) !== RecordKind.LogBounds) return true;
    const bounds = decodeLogBounds(record);
    info = { name, startLast: bounds.lastIndex, startCompacted: bounds.compactedIndex };
    return false;
  });
  if (info === undefined) throw new CorruptLogError(`WAL segment ${name.file} has no header`);
  return info;
}

/** The index in `segments` of the first one a reader (or the purge) needs, for the given compaction point. */
export function firstNeededSegment(segments: readonly SegmentInfo[], compactedIndex: number): number {
  let first = 0;
  for (let i = 0; i < segments.length; i++) if (segments[i]!.startLast <= compactedIndex) first = i;
  return first;
}

/** Reads `names` (in order, at least one). Throws CorruptLogError on damage other than a torn last write. */
export function readWal(names: readonly SegmentName[]): WalContents {
  const segments = names.map(readHeader);
  const first = firstNeededSegment(segments, segments[segments.length - 1]!.startCompacted);
  const replay = new LogReplay();
  let crc: number | undefined;
  let tail: SegmentScan | undefined;
  for (let i = first; i < segments.length; i++) {
    const file = segments[i]!.name.seq;
    tail = scanSegment(segments[i]!.name.file, i === segments.length - 1, crc, (record, offset) => replay.apply(record, { file, offset }));
    crc = tail.crc;
  }
  return { state: replay.result(), segments, tail: tail! };
}
