// README's table of etcd's flags says what etcd-flags.ts says: one row per flag, in the table's order;
// a flag Barge does not act on reads "warned: <what Barge does>" (or "warned unless <value>: ..." when
// some value is what Barge does anyway), and every other flag does not read "warned".

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ETCD_FLAGS, type EtcdFlag } from '../../../src/cli/etcd-flags.js';

const README = readFileSync(join(import.meta.dirname, '../../../README.md'), 'utf8');

/** The rows of the table under "### etcd's flags": flag name → what the Barge column says. */
function readmeRows(): [string, string][] {
  const section = README.split("### etcd's flags")[1]!.split('\n### ')[0]!;
  const rows: [string, string][] = [];
  for (const line of section.split('\n')) {
    const match = /^\| `--([a-z0-9-]+)` \| (.*) \|$/.exec(line);
    if (match) rows.push([match[1]!, match[2]!]);
  }
  return rows;
}

/** The Barge column for a flag Barge does not act on, as the data words it. */
function warnedCell(flag: EtcdFlag): string {
  const same = flag.sameWhen ?? flag.defaultValue;
  return `${same === '' ? 'warned' : `warned unless ${same}`}: ${flag.differs}`;
}

describe("README's flag table and src/cli/etcd-flags.ts", () => {
  it('list the same flags in the same order', () => {
    expect(readmeRows().map(([name]) => name)).toEqual(ETCD_FLAGS.map((f) => f.name));
  });

  it('agree on what Barge does with each', () => {
    const cells = new Map(readmeRows());
    for (const flag of ETCD_FLAGS) {
      const cell = cells.get(flag.name);
      if (flag.differs) expect(cell, `--${flag.name}`).toBe(warnedCell(flag));
      else expect(cell, `--${flag.name}`).not.toMatch(/^warned/);
    }
  });
});
