import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { EntryType } from '../../../src/raft/types.js';
import type { Entry } from '../../../src/raft/types.js';
import type { LogStorage } from '../../../src/raft/storage.js';

/** A fresh directory under the OS temp dir; remove it with removeTempDir. */
export function makeTempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `barge-${prefix}-`));
}

export function removeTempDir(dir: string): Promise<void> {
  return fs.rm(dir, { recursive: true, force: true });
}

/** Deterministic payload, so a reader can tell which (index, term) wrote an entry. */
export function payload(index: number, term: number): Uint8Array {
  return new TextEncoder().encode(`entry ${index} of term ${term}`);
}

export function entry(index: number, term: number): Entry {
  return { index, term, type: EntryType.Normal, data: payload(index, term) };
}

export function entries(from: number, to: number, term: number): Entry[] {
  const out: Entry[] = [];
  for (let i = from; i <= to; i++) out.push(entry(i, term));
  return out;
}

/** Everything raft can read from a LogStorage, in a form `toEqual` compares. */
export function describeStorage(storage: LogStorage): unknown {
  const first = storage.firstIndex();
  const last = storage.lastIndex();
  return {
    first,
    last,
    initialState: storage.initialState(),
    snapshotMetadata: storage.snapshot().metadata,
    termBeforeFirst: storage.term(first - 1),
    entries: last >= first ? storage.entries(first, last + 1, Number.MAX_SAFE_INTEGER) : [],
  };
}
