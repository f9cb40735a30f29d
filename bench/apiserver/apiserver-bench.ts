// `npm run bench -- apiserver [--pods 5000] [--concurrency 32] [--lists 10] [--watchers 1000] [--updates 50]
//  [--update-rate 10] [--runs 3] [--stores barge,etcd] [--write]`
//
// The apiserver alone (no controllers, scheduler or nodes) over a 3-member Barge and a 3-member real etcd:
// create, get, a kubelet's status patch, list and watch latency and throughput, and CPU per request, the median of each figure over
// the runs, side by side with Kubernetes' API call SLOs. With --write the table is appended to
// bench/RESULTS.md with the command, commit, date and load average. Progress goes to stderr.

import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import type { Implementation } from '../../test/support/process-cluster.js';
import { ApiserverPlane } from './apiserver-plane.js';
import { runOnce, type Phase, type PhaseFigures, type RunFigures, type RunSpec } from './apiserver-run.js';

const BENCH = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Each phase's name in the table, and its SLO (kube's API call latency SLOs, p99) where one applies. */
const PHASES: ReadonlyArray<[Phase, string, string]> = [
  ['create', 'create pod', 'p99 ≤ 1 s (mutating)'],
  ['get', 'get pod', 'p99 ≤ 1 s (single object)'],
  ['status', "patch a pod's status (a kubelet's)", 'p99 ≤ 1 s (mutating)'],
  ['list', 'list all pods, consistent', 'p99 ≤ 30 s (cluster-wide list)'],
  ['list-rv0', 'list all pods, resourceVersion=0', 'p99 ≤ 30 s'],
  ['watch', 'watch event delivery', '–'],
];

type Row = [figure: string, etcd: string, barge: string, ratio: string];

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function fixed(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '–';
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function rows(runs: Partial<Record<Implementation, RunFigures[]>>): Row[] {
  const table: Row[] = [];
  // higherIsBetter orients the ratio so that above 1.0 always means Barge does better.
  const add = (figure: string, pick: (f: PhaseFigures) => number, phase: Phase, higherIsBetter: boolean): void => {
    const of = (implementation: Implementation) => {
      const all = runs[implementation];
      return all && all.length > 0 ? median(all.map((run) => pick(run[phase]))) : undefined;
    };
    const etcd = of('etcd');
    const barge = of('barge');
    const ratio = etcd && barge ? (higherIsBetter ? barge / etcd : etcd / barge) : undefined;
    table.push([figure, fixed(etcd), fixed(barge), ratio === undefined ? '–' : `${ratio.toFixed(2)}`]);
  };
  for (const [phase, name, slo] of PHASES) {
    add(`${name}: ${phase === 'watch' ? 'events' : 'requests'}/s`, (f) => f.perSecond, phase, true);
    add(`${name}: p50 (ms)`, (f) => f.latency.p50Ms, phase, false);
    add(`${name}: p99 (ms)${slo === '–' ? '' : `; SLO ${slo}`}`, (f) => f.latency.p99Ms, phase, false);
    add(`${name}: apiserver CPU per ${phase === 'watch' ? 'event' : 'request'} (ms)`, (f) => f.apiserverCpuMs, phase, false);
    add(`${name}: store CPU per ${phase === 'watch' ? 'event' : 'request'} (ms, 3 members)`, (f) => f.storeCpuMs, phase, false);
  }
  return table;
}

function markdown(table: Row[]): string {
  return ['| figure | etcd | Barge | ratio (≥ 1: Barge as good or better) |', '|---|---:|---:|---:|', ...table.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

const program = new Command('bench apiserver')
  .option('--pods <n>', 'pods created, got and listed per run', '5000')
  .option('--concurrency <n>', 'requests in flight for creates and gets', '32')
  .option('--lists <n>', 'lists of all the pods per run (each way)', '10')
  .option('--watchers <n>', 'watches open during the watch phase', '1000')
  .option('--updates <n>', 'writes the watchers receive', '50')
  .option('--update-rate <n>', 'writes per second during the watch phase', '10')
  .option('--runs <n>', 'runs per store (the table shows medians)', '3')
  .option('--stores <list>', 'which stores, in order', 'barge,etcd')
  .option('--write', 'append the results to bench/RESULTS.md');

export async function benchApiserver(argv: readonly string[]): Promise<void> {
  program.parse([...argv], { from: 'user' });
  const o = program.opts<Record<'pods' | 'concurrency' | 'lists' | 'watchers' | 'updates' | 'updateRate' | 'runs' | 'stores', string> & { write?: boolean }>();
  const numbers = { pods: o.pods, concurrency: o.concurrency, lists: o.lists, watchers: o.watchers, updates: o.updates, updateRate: o.updateRate, runs: o.runs };
  for (const [flag, text] of Object.entries(numbers)) {
    if (!/^\d+$/.test(text) || Number(text) <= 0) throw new Error(`--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} must be a positive integer`);
  }
  const spec: RunSpec = { pods: Number(o.pods), concurrency: Number(o.concurrency), lists: Number(o.lists), watchers: Number(o.watchers), updates: Number(o.updates), updateRate: Number(o.updateRate) };
  const stores = o.stores.split(',').map((s) => s.trim());
  for (const store of stores) if (store !== 'barge' && store !== 'etcd') throw new Error(`--stores: unknown store "${store}" (barge, etcd)`);

  const log = (line: string): void => void process.stderr.write(`[apiserver] ${line}\n`);
  const startedAt = new Date();
  const runs: Partial<Record<Implementation, RunFigures[]>> = {};
  for (const store of stores as Implementation[]) {
    const plane = await ApiserverPlane.start(store, log);
    try {
      runs[store] = [];
      for (let run = 1; run <= Number(o.runs); run++) runs[store].push(await runOnce(plane, `bench-${run}`, spec, (line) => log(`${store} ${line}`)));
    } finally {
      await plane.stop();
    }
  }

  const table = markdown(rows(runs));
  console.log(table);
  if (!o.write) return;
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: BENCH, encoding: 'utf8' }).trim();
  const command = `npm run bench -- apiserver --pods ${spec.pods} --concurrency ${spec.concurrency} --lists ${spec.lists} --watchers ${spec.watchers} --updates ${spec.updates} --update-rate ${spec.updateRate} --runs ${o.runs} --stores ${o.stores} --write`;
  appendFileSync(
    join(BENCH, 'RESULTS.md'),
    [
      '', `### The apiserver alone over Barge and over etcd 3.4, ${startedAt.toISOString().slice(0, 10)}`, '',
      `Command: \`${command}\`; commit ${commit}; started ${startedAt.toISOString().slice(0, 16)}Z; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}. ` +
        'One `barge apiserver` over a 3-member store, no other control-plane component; one client process (`KubeClient`, JSON); medians of the runs. ' +
        'CPU per request is the process CPU time of the phase over its requests; the watch phase counts deliveries (watchers × updates).', '',
      table, '',
    ].join('\n'),
  );
  log('appended to bench/RESULTS.md');
}
