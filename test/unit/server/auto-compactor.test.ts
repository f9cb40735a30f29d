import { describe, expect, it } from 'vitest';
import { AutoCompactor, parseRetentionMs } from '../../../src/server/auto-compactor.js';

describe('auto-compaction', () => {
  it('reads retentions as etcd does: a bare number is hours, otherwise a duration', () => {
    expect(parseRetentionMs('1')).toBe(3_600_000);
    expect(parseRetentionMs('30m')).toBe(1_800_000);
    expect(parseRetentionMs('1h30m')).toBe(5_400_000);
    expect(parseRetentionMs('5s')).toBe(5000);
    expect(parseRetentionMs('soon')).toBeUndefined();
  });

  it('periodic: compacts to the revision that was current one retention ago', () => {
    const compactor = new AutoCompactor('periodic', 10_000);
    expect(compactor.intervalMs).toBe(1000);
    expect(compactor.decide(0, 5, 0)).toBeUndefined();
    expect(compactor.decide(5000, 20, 0)).toBeUndefined();
    expect(compactor.decide(10_000, 30, 0)).toBe(5);
    expect(compactor.decide(15_000, 40, 5)).toBe(20);
    expect(compactor.decide(16_000, 41, 20)).toBeUndefined();
  });

  it('revision: keeps the last N revisions, and never compacts backwards', () => {
    const compactor = new AutoCompactor('revision', 100);
    expect(compactor.decide(0, 50, 0)).toBeUndefined();
    expect(compactor.decide(0, 250, 0)).toBe(150);
    expect(compactor.decide(0, 250, 150)).toBeUndefined();
  });
});
