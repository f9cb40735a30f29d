// `npm run bench -- density [--nodes 100] [--pods-per-node 30] [--rate 20] [--max-in-flight 50] [--stores barge,etcd] [--runs 1] [--timeout 900] [--cpu-prof DIR] [--write]`
//
// The Deployments are created open-loop, as clusterloader2 does: one due every pods-per-node / rate seconds
// whether or not the earlier creates have answered, at most --max-in-flight at a time; --rate 0 sends them as
// fast as that bound lets. Creates that failed, started over a second late or not before --timeout are counted.
//
// `--pods-per-node 0` creates no pods: the run measures the nodes' heartbeats (Lease renewals) alone,
// for --timeout seconds.
//
// The control plane under clusterloader2's density load, once on Barge and once on the real etcd, same code
// above the store: a table of both side by side (ratio Barge/etcd; with --runs N, medians over N paired runs
// and the median of the per-run ratios, as bench:compare), and with --write a block appended to
// bench/RESULTS.md and an SVG chart of pods Running over time; with --cpu-prof a CPU profile of every Node
// process and a summary of where each spent its time. Progress goes to stderr.

import { execFileSync } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import type { Implementation } from '../../test/support/process-cluster.js';
import { formatSummary, summarizeProfile } from './cpu-profile.js';
import { LATE_MS, runDensity, STARTUP_SLO_MS, type DensityRun, type DensitySpec } from './density-run.js';
import { frequentCalls } from './request-counts.js';
import { lineChart } from './svg-chart.js';
import { pairedFigure, type Paired } from '../paired-runs.js';

const BENCH = join(dirname(fileURLToPath(import.meta.url)), '..');
const NAMES: Record<Implementation, string> = { barge: 'Barge', etcd: 'etcd' };
const VERBS = ['POST', 'PUT', 'PATCH', 'DELETE', 'GET', 'LIST'];
/** The store calls behind the apiserver's: reads (GET without a resourceVersion, the watch cache's lists) and writes (every create, update and delete). */
const STORE_METHODS = ['Range', 'Txn'];

type Pair = Paired<DensityRun>;
type Row = [figure: string, etcd: string, barge: string, ratio: string, byRun: string];

function rows(pairs: readonly Pair[]): Row[] {
  const table: Row[] = [];
  const add = (figure: string, pick: (run: DensityRun) => number | undefined, digits = 0): void => {
    const f = pairedFigure(pairs, pick, digits);
    table.push([figure, f.etcd, f.barge, f.ratio, f.byRun]);
  };
  add('load average (1 min) at start', (r) => r.load.start, 1);
  add('load average (1 min) at the end', (r) => r.load.end, 1);
  add('Deployments created', (r) => r.creation.succeeded);
  add('Deployment creates failed', (r) => r.creation.failed);
  add('Deployment creates not sent by the timeout', (r) => r.creation.notStarted);
  add(`Deployment creates sent > ${LATE_MS / 1000} s behind --rate`, (r) => r.creation.late);
  add('Deployment creates in flight, most', (r) => r.creation.peakInFlight);
  add('pod creation rate sent (pods/s)', (r) => r.creation.sentPodsPerSec, 1);
  add('pods Running', (r) => r.running);
  add('time until all Running (s)', (r) => r.allRunningSec, 1);
  add('pod startup p50 (ms)', (r) => r.startup.p50Ms);
  add('pod startup p90 (ms)', (r) => r.startup.p90Ms);
  add(`pod startup p99 (ms; SLO ≤ ${STARTUP_SLO_MS})`, (r) => r.startup.p99Ms);
  // clusterloader2's create_to_schedule and schedule_to_run: which side of the binding a slow start waited on.
  add('pod startup, first sight → bound: p99 (ms)', (r) => r.startupPhases.toBound.p99Ms);
  add('pod startup, bound → Running: p99 (ms)', (r) => r.startupPhases.boundToRunning.p99Ms);
  add(`pods over ${STARTUP_SLO_MS / 1000} s from first sight to Running`, (r) => r.overSlo.count);
  add(`pods over ${STARTUP_SLO_MS / 1000} s: the first of them seen (s into the run)`, (r) => r.overSlo.firstSec, 1);
  add(`pods over ${STARTUP_SLO_MS / 1000} s: the last of them seen (s into the run)`, (r) => r.overSlo.lastSec, 1);
  add('pods bound/s, average', (r) => r.bindRate.average, 1);
  add('pods bound/s, busiest second', (r) => r.bindRate.peak);
  // kube's API call latency SLO: single-object calls p99 ≤ 1 s; LIST ≤ 30 s cluster-wide (5 s in a namespace).
  const requests = (r: DensityRun): number => r.requests.reduce((sum, [, n]) => sum + n, 0);
  add('apiserver requests served', requests);
  add('apiserver CPU per request (ms)', (r) => (1000 * (r.components['apiserver']?.cpuSec ?? NaN)) / requests(r), 2);
  for (const verb of VERBS) add(`apiserver ${verb} p99 (ms; SLO ≤ ${verb === 'LIST' ? '30000' : '1000'})`, (r) => r.apiP99Ms[verb]);
  // Each call the runs made often enough for a p99 to mean something: the verbs' rows mix calls, in proportions the stores' runs need not share.
  for (const call of frequentCalls(runsOf(pairs))) add(`apiserver ${call} p99 (ms)`, (r) => r.callP99Ms[call]);
  // The store's share of those calls, as the apiserver waited for it (its own event loop's delays included).
  for (const method of STORE_METHODS) add(`apiserver → store ${method} p99 (ms)`, (r) => r.storeP99Ms[method]);
  add('write → watch event: probe writes seen', (r) => r.watchDelivery.count);
  add('write → watch event p50 (ms)', (r) => r.watchDelivery.p50Ms, 1);
  add('write → watch event p99 (ms)', (r) => r.watchDelivery.p99Ms, 1);
  const components = [...new Set(runsOf(pairs).flatMap((r) => Object.keys(r.components)))];
  // Members are named per store ("barge m1", "etcd m1"): compare them as "store member N".
  const key = (name: string): string => name.replace(/^(barge|etcd) /, 'store ');
  for (const component of [...new Set(components.map(key))].sort()) {
    const pick = (field: 'cpuSec' | 'peakRssMiB') => (r: DensityRun): number | undefined =>
      Object.entries(r.components).find(([name]) => key(name) === component)?.[1][field];
    add(`${component}: CPU (s)`, pick('cpuSec'), 1);
    add(`${component}: peak RSS (MiB)`, pick('peakRssMiB'));
  }
  return table;
}

const runsOf = (pairs: readonly Pair[]): DensityRun[] => pairs.flatMap((p) => Object.values(p));

function markdown(table: Row[], runs: number): string {
  if (runs === 1) return ['| figure | etcd | Barge | Barge/etcd |', '|---|---:|---:|---:|', ...table.map((r) => `| ${r.slice(0, 4).join(' | ')} |`)].join('\n');
  const head = '| figure | etcd (median) | Barge (median) | Barge/etcd (median of ratios) | ratio in each run |';
  return [head, '|---|---:|---:|---:|---:|', ...table.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: BENCH, encoding: 'utf8' }).trim();
}

const program = new Command('bench density')
  .option('--nodes <n>', 'hollow nodes', '100')
  .option('--pods-per-node <n>', 'pods per node (one Deployment of this many per node); 0: heartbeats alone for --timeout seconds', '30')
  .option('--rate <pods/s>', 'pod creation rate, open-loop; 0: as fast as --max-in-flight lets', '20')
  .option('--max-in-flight <n>', 'Deployment creates awaiting their answer at most', '50')
  .option('--stores <list>', 'which stores, in order (the order alternates from run to run)', 'barge,etcd')
  .option('--runs <n>', 'paired runs: each figure the median over the runs, ratios the median of the per-run ratios', '1')
  .option('--timeout <s>', 'give up waiting for Running after this long', '900')
  .option('--cpu-prof <dir>', 'write a CPU profile of every Node process under DIR/<store>/ and print where each spent its time')
  .option('--write', 'append the results to bench/RESULTS.md and write bench/charts/density-<nodes>x<pods>-<commit>.svg');

export async function benchDensity(argv: readonly string[]): Promise<void> {
  program.parse([...argv], { from: 'user' });
  const o = program.opts<{ nodes: string; podsPerNode: string; rate: string; maxInFlight: string; stores: string; runs: string; timeout: string; cpuProf?: string; write?: boolean }>();
  const spec: DensitySpec = { nodes: Number(o.nodes), podsPerNode: Number(o.podsPerNode), rate: Number(o.rate), maxInFlight: Number(o.maxInFlight), timeoutSec: Number(o.timeout) };
  for (const [flag, value] of Object.entries(spec)) {
    if (!Number.isFinite(value) || value < 0 || (flag !== 'rate' && flag !== 'podsPerNode' && value === 0)) throw new Error(`--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} must be a positive number`);
  }
  const stores = o.stores.split(',').map((s) => s.trim());
  for (const store of stores) if (store !== 'barge' && store !== 'etcd') throw new Error(`--stores: unknown store "${store}" (barge, etcd)`);

  const runCount = Number(o.runs);
  if (!Number.isInteger(runCount) || runCount < 1) throw new Error('--runs must be a positive integer');

  const log = (line: string): void => void process.stderr.write(`[density] ${line}\n`);
  const startedAt = new Date();
  const pairs: Pair[] = [];
  for (let i = 0; i < runCount; i++) {
    const pair: Pair = {};
    pairs.push(pair);
    // Which store goes first alternates, so that neither always meets the machine fresher.
    const order = i % 2 === 0 ? stores : [...stores].reverse();
    for (const store of order as Implementation[]) {
      if (runCount > 1) log(`run ${i + 1} of ${runCount}: ${NAMES[store]}`);
      const profileDir = o.cpuProf && resolve(o.cpuProf, ...(runCount > 1 ? [`run-${i + 1}`] : []));
      const run = await runDensity(store, { ...spec, cpuProfileDir: profileDir }, log);
      pair[store] = run;
      log(`${NAMES[store]}: requests served during the run: ${run.requests.map(([key, n]) => `${key} ${n}`).join(', ')}`);
      if (!profileDir) continue;
      const text = [...run.profiles].map(([component, file]) => formatSummary(`${NAMES[store]}: ${component}`, summarizeProfile(file))).join('\n\n');
      writeFileSync(join(profileDir, store, 'summary.txt'), `${text}\n`);
      log(`profiles of ${[...run.profiles.keys()].join(', ')} in ${join(profileDir, store)}:\n${text}`);
    }
  }

  const table = markdown(rows(pairs), runCount);
  console.log(table);
  if (!o.write) return;
  const chart = lineChart(
    `Pods Running: ${spec.nodes} hollow nodes × ${spec.podsPerNode} pods, ${spec.rate > 0 ? `${spec.rate} pods/s` : 'as fast as possible'}`,
    'seconds since the first Deployment',
    'pods Running',
    pairs.flatMap((pair, i) =>
      Object.values(pair).map((run) => ({
        label: `${NAMES[run.implementation]}${runCount > 1 ? ` (run ${i + 1})` : ''}`,
        color: run.implementation === 'barge' ? '#1f77b4' : '#d62728',
        points: run.runningOverTime,
      })),
    ),
  );
  // Named by the commit measured, so that the charts of earlier blocks in RESULTS.md stay as they were.
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const chartName = `density-${spec.nodes}x${spec.podsPerNode}-${commit}.svg`;
  writeFileSync(join(BENCH, 'charts', chartName), chart);
  const command = `npm run bench -- density --nodes ${spec.nodes} --pods-per-node ${spec.podsPerNode} --rate ${spec.rate} --max-in-flight ${spec.maxInFlight} --stores ${o.stores}${runCount > 1 ? ` --runs ${runCount}` : ''} --write`;
  appendFileSync(
    join(BENCH, 'RESULTS.md'),
    [
      '', `### Control-plane density, ${startedAt.toISOString().slice(0, 10)}`, '',
      `Command: \`${command}\`; commit ${commit}; started ${startedAt.toISOString().slice(11, 16)} UTC; load average (1, 5, 15 min) at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}.`, '',
      table, '', `![pods Running over time](charts/${chartName})`, '',
    ].join('\n'),
  );
  log(`appended to bench/RESULTS.md and wrote bench/charts/${chartName}`);
}
