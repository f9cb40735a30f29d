// Data dirs written before Barge had its own WAL keep the raft log in LevelDB, in the WAL directory:
//   'e' + index (8 bytes, big-endian) → Entry record; 'm' + name → HardState, SnapshotMetadata, LogBounds
// (the bounds say which entries are live). Opening such a directory converts it once, crash-safe: the whole
// log is written as segment 0 (a .tmp file until synced, then renamed), and only then are the LevelDB files
// removed. A crash before the rename leaves the LevelDB log as it was; one after it, a WAL that is complete.

import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Level } from 'level';
import { EMPTY_SNAPSHOT } from '../../raft/storage.js';
import { EMPTY_HARD_STATE, type Entry } from '../../raft/types.js';
import { decodeEntry, decodeHardState, decodeLogBounds, decodeSnapshotMetadata, encodeEntry, type LogBounds } from '../codec.js';
import { fsyncDirectory } from '../data-dir.js';
import { CorruptLogError } from '../errors.js';
import { headRecords } from './log-view.js';
import { checkRaftState, type PersistedRaftState } from './raft-state.js';
import { listSegments } from './segment-names.js';
import { TailSegment } from './tail-segment.js';

const LEVELDB_FILE = /^(CURRENT|LOCK|LOG|LOG\.old|MANIFEST-\d+|\d+\.(log|ldb|sst))$/;
const ENTRY_PREFIX = 0x65; // 'e'
const metaKey = (name: string): Uint8Array => Uint8Array.of(0x6d, ...new TextEncoder().encode(name));

function entryKey(index: number): Uint8Array {
  const key = new Uint8Array(9);
  key[0] = ENTRY_PREFIX;
  new DataView(key.buffer).setBigUint64(1, BigInt(index));
  return key;
}

async function readLevelDbLog(dir: string): Promise<PersistedRaftState> {
  const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view', createIfMissing: false });
  await db.open();
  try {
    const [hardStateBytes, snapshotBytes, boundsBytes] = await db.getMany([metaKey('hardstate'), metaKey('snapshot'), metaKey('bounds')]);
    const bounds: LogBounds = boundsBytes === undefined ? { compactedIndex: 0, compactedTerm: 0, lastIndex: 0 } : decodeLogBounds(boundsBytes);
    const entries: Entry[] = [];
    for await (const [key, value] of db.iterator({ gt: entryKey(bounds.compactedIndex), lte: entryKey(bounds.lastIndex) })) {
      const index = Number(Buffer.from(key).readBigUInt64BE(1));
      const entry = decodeEntry(value);
      if (entry.index !== index) throw new CorruptLogError(`entry stored at ${index} says index ${entry.index}`);
      entries.push({ ...entry, data: entry.data.slice() });
    }
    const state: PersistedRaftState = {
      hardState: hardStateBytes === undefined ? EMPTY_HARD_STATE : decodeHardState(hardStateBytes),
      snapshot: snapshotBytes === undefined ? EMPTY_SNAPSHOT.metadata : decodeSnapshotMetadata(snapshotBytes),
      bounds,
      entries,
    };
    checkRaftState(state);
    return state;
  } finally {
    await db.close();
  }
}

async function removeLevelDbFiles(dir: string, names: readonly string[]): Promise<void> {
  // CURRENT first: without it the rest is no longer a database, should the removal stop halfway.
  const doomed = names.filter((name) => LEVELDB_FILE.test(name)).sort((a, b) => (a === 'CURRENT' ? -1 : b === 'CURRENT' ? 1 : 0));
  for (const name of doomed) await fs.rm(path.join(dir, name), { force: true });
  if (doomed.length > 0) await fsyncDirectory(dir);
}

/** Converts a LevelDB raft log in `dir` to WAL segment 0, if there is one and no segment yet. */
export async function migrateLevelDbLog(dir: string, segmentBytes: number, log: (level: 'info', msg: string, fields: Record<string, unknown>) => void): Promise<void> {
  const names = await fs.readdir(dir);
  if (names.includes('CURRENT') && (await listSegments(dir)).length === 0) {
    const state = await readLevelDbLog(dir);
    const { compactedIndex, compactedTerm } = state.bounds;
    // The header starts the log at its compaction point; the entries follow in the same file.
    const head = { snapshot: state.snapshot, hardState: state.hardState, bounds: { compactedIndex, compactedTerm, lastIndex: compactedIndex } };
    const records = [...headRecords(head), ...state.entries.map(encodeEntry)];
    await (await TailSegment.create(dir, 0, compactedIndex + 1, 0, records, segmentBytes)).close();
    log('info', 'converted the LevelDB raft log of an earlier version to WAL segments', { dir, entries: state.entries.length, 'last-index': state.bounds.lastIndex });
  }
  // Listed again: opening the database may have rewritten its files.
  await removeLevelDbFiles(dir, await fs.readdir(dir));
}
