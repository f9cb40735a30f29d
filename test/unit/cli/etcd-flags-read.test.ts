// Every etcd flag Barge says it handles as etcd does (no "warned" note in etcd-flags.ts) is read by the
// code that starts a member, by its name; one read nowhere would be accepted and silently ignored, the
// difference in behaviour issue 18 rules out. --config-file is the flag parser's own.

import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ETCD_FLAGS } from '../../../src/cli/etcd-flags.js';

const SRC = join(import.meta.dirname, '../../../src');
/** The flag table and its generic parser name every flag; reading one means naming it elsewhere. */
const TABLES = new Set(['cli/etcd-flags.ts', 'cli/etcd-flag-parser.ts']);
const PARSER_OWN = new Set(['config-file']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe("etcd's flags that Barge does not warn about", () => {
  it('are each read by name outside the flag table', () => {
    const texts = sources(SRC)
      .filter((path) => !TABLES.has(relative(SRC, path)))
      .map((path) => readFileSync(path, 'utf8'));
    const unread = ETCD_FLAGS.filter((flag) => !flag.differs && !PARSER_OWN.has(flag.name))
      .map((flag) => flag.name)
      .filter((name) => !texts.some((text) => text.includes(`'${name}'`)));
    expect(unread).toEqual([]);
  });
});
