// The pieces of etcd's flag handling that need no process: Go's ParseBool and ParseDuration, the flag
// syntax Go's flag package takes, and which settings count as differing from what Barge does.

import { describe, expect, it } from 'vitest';
import { FlagValues, differingFlags, goBool, goDurationMs, parseEtcdFlags } from '../../../src/cli/etcd-flag-parser.js';

const noFile = (): string => {
  throw new Error('no such file');
};

describe('Go value syntax', () => {
  it("booleans as strconv.ParseBool takes them", () => {
    for (const text of ['1', 't', 'T', 'TRUE', 'true', 'True']) expect(goBool(text), text).toBe(true);
    for (const text of ['0', 'f', 'F', 'FALSE', 'false', 'False']) expect(goBool(text), text).toBe(false);
    for (const text of ['yes', 'on', '', 'tRUE']) expect(goBool(text), text).toBeUndefined();
  });

  it('durations as time.ParseDuration takes them, in milliseconds', () => {
    expect(goDurationMs('5s')).toBe(5000);
    expect(goDurationMs('1h30m')).toBe(5_400_000);
    expect(goDurationMs('100ms')).toBe(100);
    expect(goDurationMs('1.5s')).toBe(1500);
    expect(goDurationMs('60000000000ns')).toBeCloseTo(60_000);
    expect(goDurationMs('0')).toBe(0);
    for (const text of ['5', 'soon', '', 's', '5 s', '1h-5m']) expect(goDurationMs(text), text).toBeUndefined();
  });
});

describe('command lines', () => {
  it('the last of a repeated flag wins; a non-boolean takes the next argument even if it starts with a dash', async () => {
    const parsed = await parseEtcdFlags(['--name=a', '-name', 'b', '--initial-cluster-token', '-weird-'], {}, noFile);
    const flags = new FlagValues(parsed);
    expect(flags.text('name')).toBe('b');
    expect(flags.text('initial-cluster-token')).toBe('-weird-');
    expect(flags.text('snapshot-count')).toBe('100000');
  });

  it('parsing stops at "--"; what follows is a leftover argument, as etcd reports it', async () => {
    await expect(parseEtcdFlags(['--name=a', '--', '--name=b'], {}, noFile)).rejects.toThrow("'--name=b' is not a valid flag");
  });

  it('a flag set to what Barge does anyway is not reported; tick advance, which Barge never does, only when on', async () => {
    const report = async (args: string[]): Promise<string[]> => differingFlags(await parseEtcdFlags(args, {}, noFile)).map((d) => `${d.flag}=${d.value}`);
    expect(await report(['--enable-v2=false', '--initial-election-tick-advance=false', '--experimental-watch-progress-notify-interval=600s'])).toEqual([]);
    expect(await report(['--initial-election-tick-advance=true', '--enable-v2=1'])).toEqual(['--initial-election-tick-advance=true', '--enable-v2=1']);
    // Acted on either way: never reported.
    expect(await report(['--pre-vote=false', '--strict-reconfig-check=false', '--bcrypt-cost=12', '--max-snapshots=0', '--max-wals=0'])).toEqual([]);
  });
});
