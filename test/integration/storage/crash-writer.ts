// Child process for the crash test: writes to the raft WAL as fast as it can until it is killed, with small
// segments so that kills land in segment cuts and purges too.
// Before issuing each write it prints `op <json>` and, once the write's promise resolved (synced),
// `ack <seq> <last index>`. Pipes are synchronous on Linux, so a printed line survives SIGKILL.
//
// Usage: node --import tsx crash-writer.ts <data-dir> <seed>

import { prepareDataDir } from '../../../src/storage/data-dir.js';
import { RaftWal } from '../../../src/storage/wal/raft-wal.js';
import { CRASH_CONF_STATE, CRASH_WAL_OPTIONS, crashEntries } from './crash-ops.js';
import type { CrashOp } from './crash-ops.js';

const [dataDir, seedArg] = process.argv.slice(2);
if (dataDir === undefined || seedArg === undefined) throw new Error('usage: crash-writer <data-dir> <seed>');

// mulberry32: small, seeded, good enough to vary the workload between rounds.
let seed = Number(seedArg) >>> 0;
function random(): number {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const between = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));

const layout = await prepareDataDir(dataDir);
const { store, state } = await RaftWal.open(layout, CRASH_WAL_OPTIONS);
let term = Math.max(1, state.hardState.term);
let commit = state.hardState.commit;
let last = state.bounds.lastIndex;
let compacted = state.bounds.compactedIndex;
let snapshotIndex = state.snapshot.index;
let seq = 0;

/** Picks the next operation from the writer's view of the log (the store's view after every issued write). */
function nextOp(): CrashOp {
  const roll = random();
  if (roll < 0.04) {
    if (commit <= snapshotIndex) return nextOp();
    snapshotIndex = commit;
    return { seq: seq++, kind: 'snapshot', index: snapshotIndex };
  }
  if (roll < 0.08) {
    if (snapshotIndex - 3 <= compacted) return nextOp();
    compacted = snapshotIndex - 3;
    return { seq: seq++, kind: 'compact', index: compacted };
  }
  if (roll < 0.1) {
    // A snapshot from a leader that is ahead: replaces the whole log.
    term++;
    last += between(1, 5);
    commit = last;
    snapshotIndex = last;
    compacted = last;
    return { seq: seq++, kind: 'install', index: last, term, commit };
  }
  let from = last + 1;
  if (roll < 0.2 && last > Math.max(commit, snapshotIndex) + 1) {
    // A new leader overwrites the uncommitted tail, possibly with fewer entries than it replaces.
    term++;
    from = between(Math.max(commit, snapshotIndex) + 1, last);
  }
  const to = from + between(0, 6);
  last = to;
  commit = Math.max(commit, to - 4);
  return { seq: seq++, kind: 'append', from, to, term, commit };
}

function issue(op: CrashOp): Promise<unknown> {
  switch (op.kind) {
    case 'append':
      return store.save(
        {
          entries: crashEntries(op.from, op.to, op.term),
          hardState: { term: op.term, vote: 1n, commit: op.commit },
        },
        { sync: true },
      );
    case 'snapshot':
      return store.recordSnapshot({ index: op.index, term: store.term(op.index), confState: CRASH_CONF_STATE });
    case 'compact':
      return store.compact(op.index);
    case 'install':
      return store.save(
        {
          snapshot: { index: op.index, term: op.term, confState: CRASH_CONF_STATE },
          hardState: { term: op.term, vote: 1n, commit: op.commit },
        },
        { sync: true },
      );
  }
}

const MAX_IN_FLIGHT = 4;
const inFlight = new Set<Promise<void>>();
for (;;) {
  while (inFlight.size < MAX_IN_FLIGHT) {
    const op = nextOp();
    const lastAtIssue = last;
    process.stdout.write(`op ${JSON.stringify(op)}\n`);
    const done: Promise<void> = issue(op).then(() => {
      inFlight.delete(done);
      process.stdout.write(`ack ${op.seq} ${lastAtIssue}\n`);
    });
    inFlight.add(done);
  }
  await Promise.race(inFlight);
}
