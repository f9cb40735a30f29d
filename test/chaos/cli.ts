// `npm run chaos -- --members 3|5 --duration 90s|10m --nemesis kill,pause,partition,delay,compact --seed N
//  [--serializable]`: one chaos run with progress lines and a verdict; a failure saves the history and the
// member logs and prints the command that repeats the run.

import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { judgeRun } from './checks.js';
import type { RecordedEvent, RecordedOp } from './workload.js';
import { ALL_NEMESES, runChaos, type NemesisKind } from './chaos-run.js';
import { parseRetentionMs } from '../../src/server/auto-compactor.js';

const program = new Command('chaos')
  .option('--members <n>', '3 or 5', '3')
  .option('--duration <time>', 'how long faults go on (e.g. 90s, 10m)', '60s')
  .option('--nemesis <list>', `faults to mix: ${ALL_NEMESES.join(',')}`, ALL_NEMESES.join(','))
  .option('--seed <n>', 'seed for the fault schedule and the workload', String(Date.now() % 100000))
  .option('--serializable', 'negative control: serve reads locally; the checker must flag stale reads', false)
  .option('--recheck <dir>', 'judge a saved run again (history and watches) without starting a cluster')
  .parse();

const recheckDir = program.opts<{ recheck?: string }>().recheck;
if (recheckDir !== undefined) {
  const history = JSON.parse(readFileSync(join(recheckDir, 'history.json'), 'utf8'), (_k, v: unknown) => (v === 'Infinity' ? Infinity : v)) as RecordedOp[];
  const watchers = JSON.parse(readFileSync(join(recheckDir, 'watches.json'), 'utf8')) as { endpoint: string; events: RecordedEvent[]; problems?: string[] }[];
  // The members are gone: the stream's own last revision stands in for the converged one.
  const finalRevision = watchers.reduce((top, w) => w.events.reduce((t, e) => Math.max(t, e.revision), top), 0);
  console.log(`rechecking ${history.length} operations and ${watchers.reduce((n, w) => n + w.events.length, 0)} watch events up to revision ${finalRevision}`);
  const { failures } = judgeRun(history, watchers, finalRevision);
  console.log(failures.length === 0 ? 'verdict: PASS' : `verdict: FAIL — ${failures.length} problems:\n${failures.slice(0, 20).map((f) => `  ${f}`).join('\n')}`);
  process.exit(failures.length === 0 ? 0 : 1);
}

const o = program.opts<{ members: string; duration: string; nemesis: string; seed: string; serializable: boolean }>();
const durationMs = parseRetentionMs(o.duration);
const nemeses = o.nemesis.split(',').filter((n) => n.length > 0) as NemesisKind[];
if (durationMs === undefined || !['3', '5'].includes(o.members) || nemeses.some((n) => !ALL_NEMESES.includes(n))) {
  console.error('usage: npm run chaos -- --members 3|5 --duration 90s --nemesis kill,pause,partition,delay,compact --seed N');
  process.exit(2);
}
const failureDir = join('.chaos-failures', `seed-${o.seed}`);
const started = Date.now();
const report = await runChaos({
  members: Number(o.members),
  durationMs,
  nemeses,
  seed: Number(o.seed),
  serializableReads: o.serializable,
  failureDir,
  progress: (line) => console.log(line),
});
const minutes = ((Date.now() - started) / 60000).toFixed(1);
console.log(`faults: ${report.faults.length} (${[...new Set(report.faults.map((f) => f.split(' ')[0]))].join(', ')})`);
console.log(`stats: ${Object.entries(report.stats).map(([k, v]) => `${k}=${v}`).join(' ')}`);
console.log(`client errors: ${report.errors.slice(0, 6).map(([message, count]) => `${count}× ${message}`).join('; ') || 'none'}`);
if (report.ok) {
  console.log(`verdict: PASS — ${o.members} members, ${o.duration} of faults, ${minutes} min in all`);
} else {
  console.log(`verdict: FAIL — ${report.failures.length} problems:`);
  for (const failure of report.failures.slice(0, 20)) console.log(`  ${failure}`);
  console.log(`history and logs saved in ${failureDir}`);
  console.log(`repeat: npm run chaos -- --members ${o.members} --duration ${o.duration} --nemesis ${o.nemesis} --seed ${o.seed}${o.serializable ? ' --serializable' : ''}`);
  process.exitCode = 1;
}
