// The state backend under SIGKILL: a child applies entries and commits them with their consistent index;
// after a kill at a random moment the reopened backend must hold exactly the state of entries
// 1..consistentIndex (never a batch in part), and that index must cover every commit the child saw finish.
// The next round replays from there, as a restarted member replays its raft log.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { KvApplier, MvccStore } from '../../../src/mvcc/index.js';
import { StateBackend } from '../../../src/storage/backend.js';
import { applyEntry, observable } from './backend-crash-ops.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const WRITER = path.join(here, 'backend-crash-writer.ts');
const ROUNDS = 5;

async function runAndKill(dbPath: string, seed: number, killAfterMs: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dbPath, String(seed)], {
    cwd: path.resolve(here, '../../..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let lastAck = 0;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const [word, index] = line.split(' ');
    if (word === 'ack') lastAck = Number(index);
  });
  const closed = new Promise<NodeJS.Signals | null>((resolve) => child.once('close', (_code, signal) => resolve(signal)));
  const deadline = Date.now() + 20_000;
  while (lastAck === 0 && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, killAfterMs));
  child.kill('SIGKILL');
  const signal = await closed;
  if (signal !== 'SIGKILL') throw new Error(`writer ended by itself: ${stderr}`);
  return lastAck;
}

describe('state backend under SIGKILL', () => {
  let dir: string;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reopens at a consistent index covering every finished commit, holding exactly that state', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'barge-backend-crash-'));
    const dbPath = path.join(dir, 'db');
    const reference = new MvccStore();
    const referenceKv = new KvApplier(reference);
    let referenceIndex = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const acked = await runAndKill(dbPath, 1000 + round, 50 + round * 37);
      expect(acked).toBeGreaterThan(0);
      const backend = await StateBackend.open(dbPath);
      const store = await MvccStore.open(backend);
      expect(backend.consistentIndex).toBeGreaterThanOrEqual(acked);
      const compactions: Promise<void>[] = [];
      while (referenceIndex < backend.consistentIndex) {
        const compaction = applyEntry(reference, referenceKv, ++referenceIndex);
        if (compaction) compactions.push(compaction);
      }
      await Promise.all(compactions);
      expect(observable(store)).toEqual(observable(reference));
      await backend.close();
    }
  });
});
