// The crash test's operations, shared by the writer child and the checking parent.

import type { MemoryStorage } from '../../../src/raft/storage.js';
import { EMPTY_BYTES, EntryType } from '../../../src/raft/types.js';
import type { ConfState, Entry } from '../../../src/raft/types.js';

export type CrashOp =
  | { seq: number; kind: 'append'; from: number; to: number; term: number; commit: number }
  | { seq: number; kind: 'snapshot'; index: number }
  | { seq: number; kind: 'compact'; index: number }
  | { seq: number; kind: 'install'; index: number; term: number; commit: number };

export const CRASH_CONF_STATE: ConfState = { voters: [1n, 2n, 3n], learners: [] };

/** Segments of 16 KiB (a few dozen writes each), at most three files kept. */
export const CRASH_WAL_OPTIONS = { segmentBytes: 16 * 1024, maxWals: 3 } as const;

/** ~200 bytes naming its index and term, so a misplaced or stale entry cannot pass for the right one. */
export function crashEntries(from: number, to: number, term: number): Entry[] {
  const out: Entry[] = [];
  for (let index = from; index <= to; index++) {
    const data = new TextEncoder().encode(`index ${index} term ${term} `.repeat(10));
    out.push({ index, term, type: EntryType.Normal, data });
  }
  return out;
}

/** What the op does to the log, replayed on a MemoryStorage model. */
export function applyCrashOp(model: MemoryStorage, op: CrashOp): void {
  switch (op.kind) {
    case 'append':
      model.append(crashEntries(op.from, op.to, op.term));
      model.setHardState({ term: op.term, vote: 1n, commit: op.commit });
      return;
    case 'snapshot':
      model.createSnapshot(op.index, CRASH_CONF_STATE, EMPTY_BYTES);
      return;
    case 'compact':
      model.compact(op.index);
      return;
    case 'install':
      model.applySnapshot({ metadata: { index: op.index, term: op.term, confState: CRASH_CONF_STATE }, data: EMPTY_BYTES });
      model.setHardState({ term: op.term, vote: 1n, commit: op.commit });
      return;
  }
}
