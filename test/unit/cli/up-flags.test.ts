// `barge up --wait`, as kind's `create cluster --wait`: a Go duration, 2m by default (the fixed 120 s it
// replaces), refused by name when malformed or not above zero; and the "N/M nodes Ready" lines printed
// while waiting, as the count moves but not more often than every 2 s.
import { describe, expect, it } from 'vitest';
import { parseUpArgs } from '../../../src/cli/up-command.js';
import { goMs, ReadyProgress } from '../../../src/cli/up-wait.js';

describe('barge up --wait', () => {
  it('defaults to 2m, the fixed 120 s it replaces', () => {
    expect(parseUpArgs([]).waitMs).toBe(120_000);
    expect(parseUpArgs(['--nodes=5']).flags['nodes']).toBe('5');
  });

  it('takes Go durations', () => {
    expect(parseUpArgs(['--wait', '5m']).waitMs).toBe(300_000);
    expect(parseUpArgs(['--wait=1m30s']).waitMs).toBe(90_000);
    expect(parseUpArgs(['--wait=1h']).waitMs).toBe(3_600_000);
    expect(parseUpArgs(['--wait=2500ms']).waitMs).toBe(2_500);
  });

  it('refuses malformed and non-positive values with pflag\'s wording, and unknown flags', () => {
    expect(() => parseUpArgs(['--wait=120'])).toThrow('invalid argument "120" for "--wait" flag: time: missing unit in duration "120"');
    expect(() => parseUpArgs(['--wait=soon'])).toThrow('invalid argument "soon" for "--wait" flag: time: invalid duration "soon"');
    expect(() => parseUpArgs(['--wait=0s'])).toThrow('invalid argument "0s" for "--wait" flag: must be above zero');
    expect(() => parseUpArgs(['--wait=-1m'])).toThrow('must be above zero');
    expect(() => parseUpArgs(['--wait-for=1m'])).toThrow('unknown flag: --wait-for');
  });

  it('prints the wait as kind does', () => {
    expect(goMs(120_000)).toBe('2m0s');
    expect(goMs(420_000)).toBe('7m0s');
    expect(goMs(90_500)).toBe('1m30.5s');
  });
});

describe('nodes Ready progress', () => {
  it('prints a count when it moved and 2 s have passed, and always the last one', () => {
    let now = 0;
    const lines: string[] = [];
    const progress = new ReadyProgress(1000, (line) => lines.push(line), 2000, () => now);
    progress.seen(0);
    now = 500;
    progress.seen(10); // too soon after the first line
    now = 2500;
    progress.seen(10); // moved since the last line, 2 s later
    now = 5000;
    progress.seen(10); // did not move
    now = 5100;
    progress.seen(1000); // all Ready: printed at once
    progress.seen(1000);
    expect(lines).toEqual(['[nodes] 0/1000 nodes Ready', '[nodes] 10/1000 nodes Ready', '[nodes] 1000/1000 nodes Ready']);
    expect(progress.ready).toBe(1000);
  });
});
