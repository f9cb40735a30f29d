// `npm run bench:compare -- [--quick] [--runs N] [--no-go] [--check-perf-loads m,l,xl] [--no-check-perf] [--checks-only]
//   [--workers N] [--default-flags] [--rss-keys N [--rss-revisions N] [--rss-only]] [--write] [--charts DIR] [--json FILE]`
//
// Barge against the real etcd, side by side, on loopback: for each implementation a 3-member cluster (fresh
// data dirs under the OS temp dir, removed afterwards) with the same settings, warmed up, then the same
// workloads driven by two rulers, the project's Node load generator and a Go one on etcd's own client
// (bench/go-load, built when `go` is present), each workload with the members' CPU per request; RSS, data dir
// size, `etcdctl check perf`, leader failover, then a 5-member put. `--runs N` repeats the pair (alternating
// which goes first) and reports medians of the per-run ratios. It prints one table and a block for
// bench/RESULTS.md (appended with --write, which also writes SVG charts beside it).

import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { BARGE_BIN, type Implementation } from '../test/support/process-cluster.js';
import { cases, COMMON_FLAGS, manyKeysCase, manyRevisionsCase, WARM_UP_SHARE, type Case } from './compare/cases.js';
import { compareCharts, memoryChart } from './compare/charts.js';
import { CHECK_PERF_LIMITS, stopCheckPerf } from './compare/checks.js';
import { goLoadBinary } from './compare/go-load.js';
import { NAMES, runImplementation, stopActiveCluster, type Generator } from './compare/run.js';
import { failures, leaderShares, markdownTable, rows, type Pair } from './compare/table.js';
import { fmt } from './paired-runs.js';
import { measureCeiling, type CeilingRun } from './load/ceiling.js';
import { ms } from './load/report.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const IMPLEMENTATIONS: readonly Implementation[] = ['etcd', 'barge'];

const options = new Command('bench:compare')
  .description('Barge against etcd 3.4 on loopback: the same workloads under two load generators, one table')
  .option('--quick', 'a tenth of the totals: a smoke run, not figures to keep')
  .option('--runs <n>', 'paired runs (etcd and Barge each), medians of their ratios', (v) => Number(v), 1)
  .option('--no-go', 'skip the Go load generator')
  .option('--check-perf-loads <list>', `\`etcdctl check perf\` loads, from ${Object.keys(CHECK_PERF_LIMITS).join(', ')} (a minute each per implementation)`, 'm')
  .option('--no-check-perf', 'skip `etcdctl check perf` altogether')
  .option('--checks-only', 'only the checks, in every run: `etcdctl check perf` and the leader failover on a warmed-up 3-member cluster')
  .option('--failover-kills <n>', 'leader SIGKILLs per run (the killed member restarts between them); the run\'s figure is their median', (v) => Number(v), 5)
  .option('--default-flags', 'start both with their own defaults instead of the shared flags')
  .option('--workers <n>', 'Node load generator processes', (v) => Number(v), Math.min(2, availableParallelism()))
  .option('--only <implementation>', 'run one implementation only (etcd or barge)')
  .option('--write', 'append the results block to bench/RESULTS.md and write the charts')
  .option('--charts <dir>', 'write the SVG charts here (default with --write: bench/charts)')
  .option('--json <file>', 'also write every raw report to this file')
  .option('--rss-keys <n>', 'also write this many distinct keys (e.g. 1000000) to a fresh 3-member cluster and record RSS (first run only)', (v) => Number(v), 0)
  .option('--rss-revisions <n>', 'with --rss-keys: then this many puts over those keys, and RSS again (bytes per revision)', (v) => Number(v), 0)
  .option('--rss-only', 'with --rss-keys: only the many-keys stage (no workload matrix, 5-member put or checks)')
  .option('--time-limit <minutes>', 'stop everything and fail after this long', (v) => Number(v), 90)
  .parse()
  .opts<{
    quick?: boolean;
    runs: number;
    go: boolean;
    checkPerfLoads: string;
    checkPerf: boolean;
    checksOnly?: boolean;
    failoverKills: number;
    defaultFlags?: boolean;
    workers: number;
    only?: string;
    write?: boolean;
    charts?: string;
    json?: string;
    timeLimit: number;
    rssKeys: number;
    rssRevisions: number;
    rssOnly?: boolean;
  }>();

const started = Date.now();
function log(message: string): void {
  const s = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[compare ${s}s] ${message}\n`);
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: REPO, encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}

function etcdVersion(): string {
  try {
    return /etcd Version: (\S+)/.exec(execFileSync('etcd', ['--version'], { encoding: 'utf8' }))?.[1] ?? '?';
  } catch {
    return '?';
  }
}

const loads = (): string => loadavg().map((l) => l.toFixed(2)).join(', ');

// ---- main ----

async function stopAll(): Promise<void> {
  stopCheckPerf();
  await stopActiveCluster();
}

/** Stops the running cluster and exits; a cluster that fails to stop is reported, not hidden behind the exit. */
function stopAndExit(code: number): void {
  void stopAll()
    .catch((err: unknown) => log(`stopping the cluster failed: ${err instanceof Error ? err.message : String(err)}`))
    .finally(() => process.exit(code));
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    log(`${signal}: stopping`);
    stopAndExit(130);
  });
}

setTimeout(() => {
  log(`over the time limit of ${options.timeLimit} min: stopping`);
  stopAndExit(1);
}, options.timeLimit * 60_000).unref();

const implementations = options.only ? IMPLEMENTATIONS.filter((i) => i === options.only) : IMPLEMENTATIONS;
if (implementations.length === 0 || !(options.runs >= 1)) {
  console.error(`--only takes etcd or barge; --runs at least 1`);
  process.exit(2);
}
const checkPerfLoads = options.checkPerf ? options.checkPerfLoads.split(',').filter((l) => l !== '') : [];
const unknownLoad = checkPerfLoads.find((l) => !(l in CHECK_PERF_LIMITS));
if (unknownLoad !== undefined) {
  console.error(`--check-perf-loads: unknown load ${unknownLoad} (from ${Object.keys(CHECK_PERF_LIMITS).join(', ')})`);
  process.exit(2);
}
const checksOnly = options.checksOnly === true;
const { matrix, five, warmUp } = cases(options.quick ? 0.1 : 1);
const manyKeys = options.rssKeys > 0 ? manyKeysCase(options.rssKeys) : undefined;
const manyRevisions = manyKeys && options.rssRevisions > 0 ? manyRevisionsCase(options.rssKeys, options.rssRevisions) : undefined;
const rssOnly = manyKeys !== undefined && options.rssOnly === true;
const measuredCases: Case[] = rssOnly || checksOnly ? [] : [...matrix, five];
const allCases: Case[] = [...measuredCases, ...(manyKeys ? [manyKeys] : []), ...(manyRevisions ? [manyRevisions] : [])];
// The many keys are written by the Node generator alone.
const go = options.go && !rssOnly && !checksOnly ? goLoadBinary(log) : undefined;
if (implementations.includes('barge')) {
  // The first start of a member bundles the sources (bin/launch.js): done here, not while a cluster's health is timed.
  execFileSync(process.execPath, [BARGE_BIN, '--version'], { stdio: 'ignore' });
}
const generators: Generator[] = go ? ['node', 'go'] : ['node'];
const flags = options.defaultFlags ? [] : COMMON_FLAGS;

log(`${options.quick ? 'quick' : 'full'} run, ${options.runs} pair(s): ${implementations.map((i) => NAMES[i]).join(' and ')}; generators ${generators.join(', ')}; ${options.workers} Node workers`);
const pairs: Pair[] = [];
const runLoads: string[] = [];
let ceiling: CeilingRun | undefined;
try {
  if (!rssOnly && !checksOnly) {
    log(`the Node load generator alone: put against a null gRPC server (its ceiling on this machine)`);
    ceiling = (await measureCeiling({ total: options.quick ? 4000 : 20_000, clients: 200, conns: 20, workers: [options.workers], valSize: 256 }))[0];
  }
  if (ceiling) log(`  ${Math.round(ceiling.report.throughput)} puts/s at ${ceiling.report.clientCpuUsPerOp.toFixed(0)} µs of generator CPU per put; null server ${Math.round(ceiling.serverCpuPercent)} % busy`);
  for (let i = 0; i < options.runs; i++) {
    // Alternating which goes first keeps a drift in machine load from favouring one side.
    const order = i % 2 === 0 ? implementations : [...implementations].reverse();
    const before = loads();
    const pair: Pair = {};
    for (const implementation of order) {
      log(`run ${i + 1} of ${options.runs}: ${NAMES[implementation]}`);
      pair[implementation] = await runImplementation(implementation, {
        workers: options.workers,
        go,
        flags: [...flags, ...(implementation === 'etcd' && !options.defaultFlags ? ['--logger=zap'] : [])],
        // A minute per load: in the first run only, unless the checks are all this run measures.
        checkPerfLoads: i === 0 || checksOnly ? checkPerfLoads : [],
        failoverKills: options.failoverKills,
        matrix: checksOnly ? [] : matrix,
        checksOnly,
        five,
        warmUp,
        manyKeys: i === 0 || rssOnly ? manyKeys : undefined,
        manyRevisions,
        rssOnly,
        log,
      });
    }
    pairs.push(pair);
    // Each pair's own table as it ends: a run stopped later still leaves these.
    log(`run ${i + 1} done:\n${markdownTable(rows([pair], allCases, generators), 1)}`);
    runLoads.push(`run ${i + 1} (${order.map((o) => NAMES[o]).join(' first, then ')}): ${before} before, ${loads()} after`);
  }
} finally {
  await stopAll();
}

function resultsBlock(table: string, elapsedSec: number, chartFiles: string[]): string {
  const argv = process.argv.slice(2);
  const command = `npm run bench:compare${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`;
  // The charts this run just wrote (and earlier results) are its output, not changed code.
  const dirty = git(['status', '--porcelain', '--', 'src', 'bench', 'bin', ':!bench/RESULTS.md', ':!bench/charts']) !== '' ? ' (with uncommitted changes)' : '';
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const notes = [...allCases.flatMap((c) => generators.flatMap((g) => failures(pairs, c, g))), ...pairs.flatMap((p, i) => Object.values(p).flatMap((run) => run.notes.map((n) => `run ${i + 1}: ${n}`)))];
  const checkFindings = pairs.flatMap((p, i) => implementations.flatMap((impl) => (p[impl]?.checkPerf ?? []).map((c) => `run ${i + 1}, ${NAMES[impl]}, \`etcdctl check perf --load=${c.load}\`: ${c.output} (members busy ${c.membersCores.toFixed(2)} cores)`)));
  const kills = pairs.flatMap((p, i) => implementations.flatMap((impl) => (p[impl]?.failoverKillsMs ? [`run ${i + 1}, ${NAMES[impl]}, leader SIGKILL → first successful write, kill by kill: ${p[impl]!.failoverKillsMs!.map((t) => fmt(t)).join(', ')} ms`] : [])));
  const generatorsText = `Generators: Node (${options.workers} worker process${options.workers === 1 ? '' : 'es'}, bench/load)${go ? ', then Go (one process, etcd 3.4 clientv3, bench/go-load)' : ''}, on the same machine, with connection j to member j mod n (the one-client puts: their only connection to a follower, or to the leader). Keys 8 bytes, values 256 bytes, ${rssOnly ? `${fmt(options.rssKeys)} distinct keys` : '100,000 possible keys'}. Members' CPU is user + system time from /proc/<pid>/stat over each timed phase, all members summed, per request (watch: per event).`;
  const version = etcdVersion();
  const lines = [
    `## compare — Barge against etcd ${version}, side by side${options.quick ? ' (quick smoke run: not figures to keep)' : ''}`,
    '',
    `Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. Machine: ${availableParallelism()} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. Commit: ${git(['rev-parse', '--short', 'HEAD'])}${dirty}.`,
    '',
    `Command: \`${command}\` (${Math.round(elapsedSec / 60)} min). Both run 3 members on loopback with ${flags.length > 0 ? flags.join(' ') : 'their own default flags'}; fresh data dirs under the OS temp dir; ${rssOnly ? 'no warm-up' : `each cluster first runs each workload of the 3-member matrix at ${Math.round(WARM_UP_SHARE * 100)} % of its size, untimed${go ? ' (Go generator)' : ''}`}. ${checksOnly ? `Only the checks, in every run: ${checkPerfLoads.length > 0 ? `\`etcdctl check perf\` (etcdctl ${version}, a client per simulated writer, against every member's endpoint), then ` : ''}${options.failoverKills} SIGKILLs of the leader.` : generatorsText}`,
    '',
    `Machine load (uptime's 1, 5, 15-minute load averages): ${runLoads.join('; ')}.`,
    '',
    table,
    ...(notes.length > 0 ? ['', ...notes.map((n) => `- ${n}`)] : []),
    ...(checkFindings.length > 0 ? ['', ...checkFindings.map((n) => `- ${n}`)] : []),
    ...(kills.length > 0 ? ['', ...kills.map((n) => `- ${n}`)] : []),
    ...(measuredCases.length > 0 ? ['', `Leader's share of the members' CPU (median; etcd / Barge): ${leaderShares(pairs, measuredCases, generators)}.`] : []),
    ...(rssOnly
      ? []
      : [
          '',
          'Data dirs are measured as du does (blocks allocated): etcd preallocates its 64 MiB WAL segment and the next one, so its figure is mostly preallocation.',
        ]),
  ];
  if (ceiling) {
    const r = ceiling.report;
    lines.push(
      '',
      `Node load generator ceiling, measured first: put with 200 clients over ${ceiling.workers} worker process${ceiling.workers === 1 ? '' : 'es'} against a null gRPC server (own process) ran at ${fmt(r.throughput)} puts/s, p99 ${ms(r.latency.p99Ms)} ms, ${r.clientCpuUsPerOp.toFixed(0)} µs of generator CPU per put (the null server ${Math.round(ceiling.serverCpuPercent)} % of a core).`,
    );
  }
  if (chartFiles.length > 0) lines.push('', ...chartFiles.map((f) => `![${f}](${f})`));
  return lines.join('\n');
}

const table = markdownTable(rows(pairs, allCases, generators), pairs.length);
console.log('');
console.log(table);
console.log('');
const chartDir = options.charts ?? (options.write ? join(REPO, 'bench/charts') : undefined);
const chartFiles: string[] = [];
if (chartDir) {
  mkdirSync(chartDir, { recursive: true });
  const subtitle = `median of ${pairs.length} run${pairs.length === 1 ? '' : 's'}, ${new Date().toISOString().slice(0, 10)}`;
  const charts = { ...(measuredCases.length > 0 ? compareCharts(pairs, measuredCases, generators, subtitle) : {}), ...(manyKeys ? memoryChart(pairs, allCases, subtitle) : {}) };
  // Named by the commit measured, so that the charts of earlier blocks in RESULTS.md stay as they were.
  const commit = git(['rev-parse', '--short', 'HEAD']);
  for (const [name, svg] of Object.entries(charts)) {
    const file = join(chartDir, name.replace(/\.svg$/, `-${commit}.svg`));
    writeFileSync(file, svg);
    chartFiles.push(relative(join(REPO, 'bench'), file));
  }
  log(`charts written to ${chartDir}`);
}
const block = resultsBlock(table, (Date.now() - started) / 1000, chartFiles);
if (options.json) {
  writeFileSync(options.json, JSON.stringify({ ceiling, pairs, runLoads }, null, 2));
  log(`raw reports written to ${options.json}`);
}
if (options.write) {
  appendFileSync(join(REPO, 'bench/RESULTS.md'), `\n${block}\n`);
  log('appended the results block to bench/RESULTS.md');
} else {
  console.log('---- block for bench/RESULTS.md ----');
  console.log(block);
  console.log('---- end ----');
}
log(`done in ${((Date.now() - started) / 60_000).toFixed(1)} min`);
