// A bounded chaos run in CI: three real members under kills, pauses, partitions, delays, member
// replacement and compaction must pass every check; and the negative control (reads served locally
// during partitions) must be caught, so a pass means something.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ALL_NEMESES, runChaos } from '../../chaos/chaos-run.js';

const failureDir = mkdtempSync(join(tmpdir(), 'barge-chaos-ci-'));
afterAll(() => rmSync(failureDir, { recursive: true, force: true }));

describe('chaos', () => {
  it('three members under every fault keep linearizability, watch order, convergence and every acknowledged write', async () => {
    const report = await runChaos({ members: 3, durationMs: 45_000, nemeses: ALL_NEMESES, seed: 7, failureDir: join(failureDir, 'run'), progress: (line) => console.log(line) });
    expect(report.failures, `replay: npm run chaos -- --members 3 --duration 45s --seed 7`).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.stats.faults).toBeGreaterThanOrEqual(8);
    expect(report.stats.acknowledgedWrites).toBeGreaterThan(100);
    expect(report.stats.reads).toBeGreaterThan(20);
    expect(report.stats.watchEvents).toBeGreaterThan(report.stats.acknowledgedWrites);
    expect(report.stats.unsettledOutcomes).toBe(0);
  }, 240_000);

  it('the negative control, serializable reads on a partitioned member, is flagged as not linearizable', async () => {
    // 30 s of partitions: at 15 s, one full `npm test` (every file competing for the cores) saw no stale read.
    const report = await runChaos({ members: 3, durationMs: 30_000, nemeses: ['partition'], seed: 8, serializableReads: true, failureDir: join(failureDir, 'control') });
    expect(report.ok).toBe(false);
    expect(report.failures.some((f) => f.includes('not linearizable'))).toBe(true);
  }, 120_000);
});
