// Entry point for `npm run bench -- <name>`; each benchmark prints a progress line per run and the median.
import { runRaftCore } from './raft-core.js';

const RUNS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function benchRaftCore(): void {
  for (const [members, batch] of [
    [3, 1],
    [3, 64],
    [5, 64],
  ] as const) {
    const rates: number[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const r = runRaftCore(members, batch, 20_000);
      rates.push(r.proposalsPerSecond);
      process.stderr.write(`\rraft-core members=${members} batch=${batch}: run ${run}/${RUNS}`);
    }
    process.stderr.write('\n');
    console.log(`raft-core members=${members} batch=${batch}: median ${Math.round(median(rates))} proposals/s over ${RUNS} runs`);
  }
}

const BENCHMARKS: Record<string, () => void> = { 'raft-core': benchRaftCore };

const name = process.argv[2] ?? 'raft-core';
const bench = BENCHMARKS[name];
if (!bench) {
  console.error(`unknown benchmark "${name}"; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  process.exit(2);
}
bench();
