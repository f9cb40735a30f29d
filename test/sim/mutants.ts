// Shows the simulator has teeth: breaks one Raft rule at a time in src/raft, runs a sweep that stops
// at the first failing seed, and restores the file. `npm run sim:mutants` (takes a few minutes).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface Mutant {
  readonly name: string;
  readonly file: string;
  readonly from: string;
  readonly to: string;
}

const MUTANTS: readonly Mutant[] = [
  {
    name: 'grant a vote without the up-to-date log check (§5.4.1)',
    file: 'src/raft/raft.ts',
    from: 'if (canVote && this.raftLog.isUpToDate(m.index, m.logTerm)) {',
    to: 'if (canVote) {',
  },
  {
    name: 'commit a previous-term entry by counting replicas (§5.4.2)',
    file: 'src/raft/log.ts',
    from: 'if (index > this.committed && this.term(index) === term) {',
    to: 'if (index > this.committed && term > 0) {',
  },
  {
    name: 'vote for more than one candidate per term (§5.2)',
    file: 'src/raft/raft.ts',
    from: 'this.vote === m.from ||',
    to: 'true ||',
  },
  {
    name: 'accept appends without the log-matching check (§5.3)',
    file: 'src/raft/log.ts',
    from: 'if (!this.matchTerm(index, logTerm)) return undefined;',
    to: 'if (index > this.lastIndex()) return undefined;',
  },
  {
    name: 'heartbeats tell followers to commit past what they are known to have',
    file: 'src/raft/raft-replication.ts',
    from: 'const commit = Math.min(pr.match, this.raftLog.committed);',
    to: 'const commit = this.raftLog.committed;',
  },
  {
    name: 'serve ReadIndex without confirming leadership with a quorum',
    file: 'src/raft/raft-leader.ts',
    from: 'if (this.trk.voters.size <= 1) {\n      // Alone, we are trivially still the leader',
    to: 'if (this.trk.voters.size >= 1) {\n      // Alone, we are trivially still the leader',
  },
];

const root = join(import.meta.dirname, '../..');
const seeds = process.argv[2] ?? '500';
let caught = 0;
for (const m of MUTANTS) {
  const path = join(root, m.file);
  const original = readFileSync(path, 'utf8');
  const occurrences = original.split(m.from).length - 1;
  if (occurrences !== 1) throw new Error(`mutant "${m.name}": expected the pattern once in ${m.file}, found ${occurrences}`);
  writeFileSync(path, original.replace(m.from, m.to));
  try {
    console.log(`mutant: ${m.name}`);
    const sweep = spawnSync(process.execPath, ['--import', 'tsx', 'test/sim/cli.ts', '--seeds', seeds, '--stop-at-first'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 600_000,
    });
    const verdict = /first failure at seed (\d+), after (\d+) seeds and ([\d.]+) s/.exec(sweep.stdout);
    const invariant = /FAILED \([^)]*\): tick \d+: ([^:]+):/.exec(sweep.stderr)?.[1] ?? 'unknown';
    console.log(
      verdict
        ? `  simulator: caught by "${invariant}" at seed ${verdict[1]} (${verdict[2]} seeds, ${verdict[3]} s)`
        : `  simulator: not caught in ${seeds} seeds`,
    );
    const started = Date.now();
    const unit = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'test/unit/raft'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 600_000,
    });
    const failing = /(\d+) failed/.exec(unit.stdout)?.[1] ?? '0';
    const unitCaught = unit.status !== 0;
    console.log(
      unitCaught
        ? `  scenario and paper tests: ${failing} failing (${((Date.now() - started) / 1000).toFixed(1)} s)`
        : '  scenario and paper tests: all pass',
    );
    if (verdict || unitCaught) caught++;
  } finally {
    writeFileSync(path, original);
  }
}
console.log(`${caught} of ${MUTANTS.length} mutants caught`);
if (caught < MUTANTS.length) process.exitCode = 1;
