// Entry point for `npm run bench -- <name> [flags]`. In-process benchmarks (raft-core, mvcc-store) print the
// median of every figure over their runs; the network load generator (put, range, txn-put, txn-mixed, watch,
// watch-latency, lease-keepalive) runs against any endpoints, as etcd's benchmark tool does. Progress goes to
// stderr, results to stdout.
import { benchApiserver } from './apiserver/apiserver-bench.js';
import { benchDensity } from './density/density.js';
import { benchHttp2Floor } from './http2-floor/run.js';
import { runLoadCeiling } from './load/ceiling.js';
import { isWorkload, parseLoadArgs } from './load/options.js';
import { formatReport, progressPrinter } from './load/report.js';
import { runLoad } from './load/runner.js';
import { runMvccStore, type Figure } from './mvcc-store.js';
import { runRaftCore } from './raft-core.js';
import { benchSlowDisk } from './slow-disk.js';

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

async function benchLoad(argv: readonly string[]): Promise<void> {
  let parsed: ReturnType<typeof parseLoadArgs>;
  try {
    parsed = parseLoadArgs(argv);
  } catch (err) {
    // commander has printed help or its own error already when it throws its own kind.
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (e.code?.startsWith('commander.')) process.exit(e.exitCode ?? 2);
    console.error(e.message ?? String(err));
    process.exit(2);
  }
  const { spec, json } = parsed;
  const progress = progressPrinter(spec.workload);
  let report;
  try {
    report = await runLoad(spec, progress.update);
  } catch (err) {
    progress.done();
    console.error(`${spec.workload}: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  progress.done();
  console.log(json ? JSON.stringify(report, null, 2) : formatReport(report));
}

const BENCHMARKS: Record<string, () => Promise<void>> = {
  'raft-core': benchRaftCore,
  'mvcc-store': benchMvccStore,
  'loadgen-ceiling': () => runLoadCeiling(process.argv.slice(3)),
  density: () => benchDensity(process.argv.slice(3)),
  apiserver: () => benchApiserver(process.argv.slice(3)),
  'http2-floor': () => benchHttp2Floor(process.argv.slice(3)),
  'slow-disk': () => benchSlowDisk(process.argv.slice(3)),
};

const name = process.argv[2] ?? 'raft-core';
if (isWorkload(name)) {
  await benchLoad(process.argv.slice(2));
} else {
  const bench = BENCHMARKS[name];
  if (!bench) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(BENCHMARKS).join(', ')}, and the load workloads put, range, txn-put, txn-mixed, watch, watch-latency, lease-keepalive`);
    process.exit(2);
  }
  await bench();
}
