// Entry point for `npm run bench -- <name> [--keys N] [--runs N]`; each benchmark shows progress on stderr
// and prints the median of every figure over its runs.
import { runMvccStore, type Figure } from './mvcc-store.js';
import { runRaftCore } from './raft-core.js';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`--${name} needs a positive integer`);
    process.exit(2);
  }
  return value;
}

async function benchRaftCore(): Promise<void> {
  const runs = option('runs', 5);
  for (const [members, batch] of [
    [3, 1],
    [3, 64],
    [5, 64],
  ] as const) {
    const rates: number[] = [];
    for (let run = 1; run <= runs; run++) {
      rates.push(runRaftCore(members, batch, 20_000).proposalsPerSecond);
      process.stderr.write(`\rraft-core members=${members} batch=${batch}: run ${run}/${runs}`);
    }
    process.stderr.write('\n');
    console.log(`raft-core members=${members} batch=${batch}: median ${Math.round(median(rates))} proposals/s over ${runs} runs`);
  }
}

async function benchMvccStore(): Promise<void> {
  const keys = option('keys', 100_000);
  const runs = option('runs', 3);
  const all: Figure[][] = [];
  for (let run = 1; run <= runs; run++) {
    process.stderr.write(`mvcc-store keys=${keys}: run ${run}/${runs}\n`);
    all.push(await runMvccStore(keys));
  }
  for (const [i, figure] of all[0]!.entries()) {
    const value = median(all.map((figures) => figures[i]!.value));
    console.log(`${figure.name}: median ${value >= 100 ? Math.round(value) : value.toFixed(2)} ${figure.unit} over ${runs} runs`);
  }
}

const BENCHMARKS: Record<string, () => Promise<void>> = { 'raft-core': benchRaftCore, 'mvcc-store': benchMvccStore };

const name = process.argv[2] ?? 'raft-core';
const bench = BENCHMARKS[name];
if (!bench) {
  console.error(`unknown benchmark "${name}"; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  process.exit(2);
}
await bench();
