// Recorded message traces: every script in testdata/ drives a small cluster command by command (see
// test/support/raft-interaction-env.ts for the commands) and compares what each command printed with
// the output recorded under it, so a change in raft's messages or Readies shows as a diff.
//
// After an intended change of behaviour, re-record the traces and review the diff before committing:
//   REWRITE=1 npx vitest run test/unit/raft/traces.test.ts

import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScript, rewriteScript } from '../../support/datadriven.js';
import { InteractionEnv } from '../../support/raft-interaction-env.js';

const TESTDATA = join(import.meta.dirname, 'testdata');
const REWRITE = process.env.REWRITE === '1';

describe('raft message traces', () => {
  for (const file of readdirSync(TESTDATA).filter((f) => f.endsWith('.txt')).sort()) {
    it(file, () => {
      const path = join(TESTDATA, file);
      const text = readFileSync(path, 'utf8');
      const cases = parseScript(file, text);
      const env = new InteractionEnv();
      const actual = cases.map((c) => env.run(c));
      if (REWRITE) {
        writeFileSync(path, rewriteScript(text, cases, actual));
        return;
      }
      // Re-recording keeps comments and spacing: with the recorded output the file comes back unchanged.
      expect(rewriteScript(text, cases, cases.map((c) => c.expected))).toBe(text);
      // One comparison for the whole file: the diff shows each changed line with the commands around it.
      const transcript = (outputs: readonly string[]) => cases.map((c, i) => `${c.pos} ${c.line}\n${outputs[i]}`).join('\n\n');
      expect(transcript(actual)).toBe(transcript(cases.map((c) => c.expected)));
    });
  }
});
