// Crash safety with real processes: a child writes to the raft WAL (synced saves, group-committed, segments cut
// and purged), the parent SIGKILLs it at a random moment, reopens the store and checks what survived. Acknowledged writes
// must all be there; unacknowledged ones may or may not be, but only whole and in order. Precisely: the
// reopened log must equal the log after the first k operations the child issued, for some k at least the
// number it acknowledged. Then the next round continues on the same data dir.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareDataDir } from '../../../src/storage/data-dir.js';
import type { DataDirLayout } from '../../../src/storage/data-dir.js';
import { DataDirInUseError } from '../../../src/storage/errors.js';
import { RaftWal } from '../../../src/storage/wal/raft-wal.js';
import type { PersistedRaftState } from '../../../src/storage/wal/raft-state.js';
import { restoreMemoryStorage } from '../../../src/storage/memory-storage-from-log.js';
import { describeStorage, makeTempDir, removeTempDir } from '../../unit/storage/fixtures.js';
import { CRASH_WAL_OPTIONS, applyCrashOp, crashEntries } from './crash-ops.js';
import type { CrashOp } from './crash-ops.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(here, '../../..');
const WRITER = path.join(here, 'crash-writer.ts');
const ROUNDS = 6;

interface Round {
  readonly child: ChildProcess;
  readonly ops: CrashOp[];
  /** Sequence numbers acknowledged. */
  readonly acked: number[];
  stderr: string;
  exited: Promise<NodeJS.Signals | null>;
}

function startWriter(dataDir: string, seed: number): Round {
  // node itself with tsx's loader, not the tsx CLI: the CLI runs the script in a grandchild that SIGKILL
  // would not reach.
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dataDir, String(seed)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const round: Round = {
    child,
    ops: [],
    acked: [],
    stderr: '',
    // 'close', not 'exit': it waits until stdout is drained, so every line the writer printed is counted.
    exited: new Promise((resolve) => child.once('close', (_code, signal) => resolve(signal))),
  };
  child.stderr!.on('data', (chunk: Buffer) => (round.stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const [word, seq] = line.split(' ');
    if (word === 'op') round.ops.push(JSON.parse(line.slice(3)) as CrashOp);
    if (word === 'ack') round.acked.push(Number(seq));
  });
  return round;
}

async function waitFor(condition: () => boolean, round: Round, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!condition()) {
    if (round.child.exitCode !== null) throw new Error(`writer exited early (${what}): ${round.stderr}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${round.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function reopen(layout: DataDirLayout): Promise<PersistedRaftState> {
  const { store, state } = await RaftWal.open(layout, CRASH_WAL_OPTIONS);
  await store.close();
  return state;
}

describe('raft WAL under SIGKILL', () => {
  let dir: string;
  let layout: DataDirLayout;
  beforeAll(async () => {
    dir = await makeTempDir('crash');
    layout = await prepareDataDir(dir);
  });
  afterAll(async () => removeTempDir(dir));

  it(`keeps every acknowledged write and opens cleanly, over ${ROUNDS} kills`, async () => {
    const baseSeed = Date.now() % 1_000_000;
    let before = await reopen(layout);
    let totalAcked = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const seed = baseSeed + r;
      const context = `round ${r}, seed ${seed}`;
      const round = startWriter(dir, seed);
      try {
        await waitFor(() => round.acked.length > 0, round, 'the first ack');
        if (r === 0) {
          // The running writer holds the data dir; the kernel lock goes away with it.
          await expect(RaftWal.open(layout)).rejects.toThrow(DataDirInUseError);
        }
        // A random moment: anywhere from right after the first ack to a few hundred writes later.
        const killAfterMs = (seed * 7919) % 400;
        await new Promise((resolve) => setTimeout(resolve, killAfterMs));
      } finally {
        round.child.kill('SIGKILL');
      }
      expect(await round.exited, context).toBe('SIGKILL');

      const after = await reopen(layout);
      // Writes resolve in issue order, so everything up to the highest acknowledged op is acknowledged.
      const acked = Math.max(...round.acked) + 1;
      totalAcked += round.acked.length;

      // Replay the issued ops on a model of the state before the round; some prefix must match.
      const model = restoreMemoryStorage(before);
      const observed = describeStorage(restoreMemoryStorage(after));
      let matched: number | undefined;
      for (let k = 0; k <= round.ops.length; k++) {
        if (k > 0) applyCrashOp(model, round.ops[k - 1]!);
        if (k >= acked && isDeepStrictEqual(describeStorage(model), observed)) {
          matched = k;
          break;
        }
      }
      expect(matched, `${context}: reopened log is not any prefix of the issued ops at or after the ${acked} acked`).toBeDefined();

      // And directly: each acknowledged append is there with its content, unless a later op that also
      // survived replaced it; entries compacted away are covered by the snapshot instead.
      const survivingOps = round.ops.slice(0, matched);
      for (const op of survivingOps) {
        if (op.kind !== 'append' || op.seq >= acked) continue;
        const replaced = survivingOps.some(
          (later) => later.seq > op.seq && ((later.kind === 'append' && later.from <= op.to) || later.kind === 'install'),
        );
        if (replaced) continue;
        const live = (index: number): boolean => index > after.bounds.compactedIndex;
        const stored = after.entries.filter((e) => e.index >= op.from && e.index <= op.to);
        const expected = crashEntries(op.from, op.to, op.term).filter((e) => live(e.index));
        expect(stored, `${context}: acked op ${op.seq}`).toEqual(expected);
      }
      before = after;
    }
    expect(totalAcked).toBeGreaterThan(ROUNDS);
  }, 60_000);
});
