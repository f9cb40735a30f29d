// `barge --help` against the real `etcd --help` (3.4): the same flags in the same order, with the same
// defaults, and beyond them only the few named here, each for a reason etcd itself shows. So a flag
// etcd lists cannot go missing from Barge, nor Barge list one that etcd would not take unremarked.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BARGE_BIN } from '../../support/process-cluster.js';

interface HelpFlag {
  readonly name: string;
  readonly defaultValue: string;
}

/** etcd 3.4 takes these but its --help leaves them out. */
const UNLISTED_BY_ETCD = ['experimental-enable-lease-checkpoint-persist', 'unsafe-no-fsync'];
/** etcd 3.5's, which Barge takes; etcd 3.4 refuses it. */
const FROM_ETCD_35 = ['experimental-snapshot-catchup-entries'];
/** etcd --help names it among its usage lines rather than its flags. */
const IN_ETCD_USAGE = ['config-file'];
/** A different default, shown as it is: Barge runs pre-vote unless told not to, as etcd 3.5 does. */
const DEFAULT_OF_ETCD_35: Record<string, [etcd: string, barge: string]> = {
  'pre-vote': ['false', 'true'],
};
/** The same default, spelled differently (etcd prints Go's zero duration as '' and a constant by name). */
const SPELLED_OTHERWISE: Record<string, [etcd: string, barge: string]> = {
  'backend-batch-interval': ['', '0s'],
  'max-concurrent-streams': ['math.MaxUint32', '4294967295'],
};

function run(command: string, args: readonly string[]): { status: number; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 25_000 });
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

/** The flags a --help lists ("  --name 'default'" lines), defaults unquoted. */
function helpFlags(help: string): HelpFlag[] {
  return [...help.matchAll(/^ {2}--([a-z0-9-]+)(?: '([^']*)'| (\S+))?$/gm)].map((m) => ({ name: m[1]!, defaultValue: m[2] ?? m[3] ?? '' }));
}

describe("barge --help and the real etcd's", () => {
  const etcdHelp = run('etcd', ['--help']).output;
  const bargeHelp = run(process.execPath, [BARGE_BIN, '--help']);
  const etcd = helpFlags(etcdHelp);
  const barge = helpFlags(bargeHelp.output);
  const extras = new Set([...UNLISTED_BY_ETCD, ...FROM_ETCD_35, ...IN_ETCD_USAGE]);

  it("list etcd's flags in etcd's order, and besides them only the named few", () => {
    expect(bargeHelp.status).toBe(0);
    expect(etcd.length).toBeGreaterThanOrEqual(80);
    expect(barge.map((f) => f.name).filter((name) => !extras.has(name))).toEqual(etcd.map((f) => f.name));
    expect(barge.map((f) => f.name).filter((name) => extras.has(name)).sort()).toEqual([...extras].sort());
  });

  it('give each flag the same default, but for the one taken from etcd 3.5', () => {
    const bargeDefaults = new Map(barge.map((f) => [f.name, f.defaultValue]));
    for (const { name, defaultValue } of etcd) {
      const [etcdSpelling, bargeSpelling] = SPELLED_OTHERWISE[name] ?? DEFAULT_OF_ETCD_35[name] ?? [defaultValue, defaultValue];
      expect(defaultValue, `--${name}`).toBe(etcdSpelling);
      expect(bargeDefaults.get(name), `--${name}`).toBe(bargeSpelling);
    }
  });

  it('differ in the extras for the reasons given: etcd takes the unlisted ones, refuses the 3.5 one, names --config-file in its usage', () => {
    // --version stops etcd once its flags are parsed.
    expect(run('etcd', [...UNLISTED_BY_ETCD.map((name) => `--${name}=false`), '--version'])).toMatchObject({ status: 0 });
    for (const name of FROM_ETCD_35) expect(run('etcd', [`--${name}=5000`, '--version']).output).toContain(`flag provided but not defined: -${name}`);
    for (const name of IN_ETCD_USAGE) expect(etcdHelp).toMatch(new RegExp(`^ {2}etcd --${name}$`, 'm'));
  });
});
