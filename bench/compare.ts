// `npm run bench:compare -- [--quick] [--check-perf-large] [--no-check-perf] [--workers N] [--write] [--json FILE]`
//
// Barge against the real etcd, side by side, on loopback: for each implementation it starts a 3-member
// cluster (fresh data dirs under the OS temp dir, removed afterwards) with the same settings, runs the same
// workload matrix with the load generator, records each member's RSS and data dir size, runs
// `etcdctl check perf`, SIGKILLs the leader and times the first successful write after it, then does a
// 5-member put. It prints one table (workload, etcd, Barge, ratio) and a block for bench/RESULTS.md
// (appended to it with --write).

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync, readdirSync, lstatSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { hrtime } from 'node:process';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { ProcessCluster, type Implementation } from '../test/support/process-cluster.js';
import { measureCeiling, type CeilingRun } from './load/ceiling.js';
import { Connection } from './load/grpc.js';
import { loadSpec, type LoadSpec, type Workload } from './load/options.js';
import { ms, progressPrinter } from './load/report.js';
import { runLoad, type LoadReport } from './load/runner.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const IMPLEMENTATIONS: readonly Implementation[] = ['etcd', 'barge'];
const NAMES: Record<Implementation, string> = { etcd: 'etcd', barge: 'Barge' };

/** The same raft and storage settings for both, written out rather than left to each one's defaults. */
const COMMON_FLAGS = ['--heartbeat-interval=100', '--election-timeout=1000', '--snapshot-count=100000', '--quota-backend-bytes=0', '--log-level=warn'];
const FLAGS: Record<Implementation, string[]> = { etcd: [...COMMON_FLAGS, '--logger=zap'], barge: COMMON_FLAGS };

const RANGE_KEY = 'bench/range-key';

const options = new Command('bench:compare')
  .description('Barge against etcd 3.4 on loopback: the same workloads, one table')
  .option('--quick', 'a tenth of the totals: a smoke run, not figures to keep')
  .option('--check-perf-large', 'also run `etcdctl check perf --load=l` (60 s more per implementation)')
  .option('--no-check-perf', 'skip `etcdctl check perf` altogether')
  .option('--workers <n>', 'load generator processes', (v) => Number(v), Math.min(2, availableParallelism()))
  .option('--only <implementation>', 'run one implementation only (etcd or barge)')
  .option('--write', 'append the results block to bench/RESULTS.md')
  .option('--json <file>', 'also write every raw report to this file')
  .option('--rss-keys <n>', 'also write this many distinct keys (e.g. 1000000) to a fresh 3-member cluster and record RSS', (v) => Number(v), 0)
  .option('--time-limit <minutes>', 'stop everything and fail after this long', (v) => Number(v), 60)
  .parse()
  .opts<{ quick?: boolean; checkPerfLarge?: boolean; checkPerf: boolean; workers: number; only?: string; write?: boolean; json?: string; timeLimit: number; rssKeys: number }>();

const scale = options.quick ? 0.1 : 1;
const total = (n: number): number => Math.max(1, Math.round(n * scale));

interface Case {
  id: string;
  label: string;
  workload: Workload;
  spec: Partial<LoadSpec>;
}

const WRITE = { keySize: 8, valSize: 256, keySpaceSize: 100_000 };

/** The workloads run on the 3-member cluster. */
const MATRIX: Case[] = [
  { id: 'put-1', label: 'put, 1 client', workload: 'put', spec: { ...WRITE, clients: 1, conns: 1, total: total(3000) } },
  { id: 'put-200', label: 'put, 200 clients', workload: 'put', spec: { ...WRITE, clients: 200, conns: 20, total: total(40_000) } },
  { id: 'range-l', label: 'range, linearizable, 100 clients', workload: 'range', spec: { key: RANGE_KEY, consistency: 'l', clients: 100, conns: 10, total: total(40_000) } },
  { id: 'range-s', label: 'range, serializable, 100 clients', workload: 'range', spec: { key: RANGE_KEY, consistency: 's', clients: 100, conns: 10, total: total(40_000) } },
  { id: 'txn-put', label: 'txn-put, 100 clients', workload: 'txn-put', spec: { ...WRITE, clients: 100, conns: 10, total: total(30_000) } },
  {
    id: 'watch',
    label: 'watch fan-out, 1,000 watchers on 1 key',
    workload: 'watch',
    spec: { streams: 10, watchPerStream: 100, watchedKeyTotal: 1, putTotal: total(300), clients: 1, valSize: 256 },
  },
];
const FIVE: Case = { id: 'put-200-5', label: 'put, 200 clients, 5 members', workload: 'put', spec: { ...WRITE, clients: 200, conns: 20, total: total(20_000) } };
/** The memory target's workload: every key distinct (sequential), on a cluster of its own. */
const MANY_KEYS: Case = {
  id: 'put-many',
  label: `put ${options.rssKeys.toLocaleString('en-US')} distinct keys, 200 clients`,
  workload: 'put',
  spec: { keySize: 8, valSize: 256, keySpaceSize: options.rssKeys, sequentialKeys: true, clients: 200, conns: 20, total: options.rssKeys },
};

interface MemberFigures {
  name: string;
  rssMiB: number;
  peakRssMiB: number;
  dataDirMiB: number;
}

interface CheckPerf {
  load: string;
  pass: boolean;
  writesPerSec: number;
  output: string;
}

interface Run {
  reports: Record<string, LoadReport | { failed: string }>;
  members: MemberFigures[];
  members5: MemberFigures[];
  /** After --rss-keys distinct keys. */
  membersManyKeys: MemberFigures[];
  checkPerf: CheckPerf[];
  failoverMs?: number;
  failoverError?: string;
  /** Members that died during the run, and when. */
  notes: string[];
}

const started = Date.now();
function log(message: string): void {
  const s = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[compare ${s}s] ${message}\n`);
}

function vmKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Bytes a directory takes on disk, as du counts them (allocated blocks). */
function diskUsage(path: string): number {
  let bytes = 0;
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return 0;
  }
  bytes += stat.blocks * 512;
  if (stat.isDirectory()) for (const entry of readdirSync(path)) bytes += diskUsage(join(path, entry));
  return bytes;
}

function memberFigures(cluster: ProcessCluster): MemberFigures[] {
  return cluster.members.map((m) => ({
    name: m.name,
    rssMiB: vmKiB(m.process!.pid!, 'VmRSS') / 1024,
    peakRssMiB: vmKiB(m.process!.pid!, 'VmHWM') / 1024,
    dataDirMiB: diskUsage(m.dataDir) / (1024 * 1024),
  }));
}

/** Members that have exited since the last look, with how; the end of each one's log goes to stderr. */
const reported = new Set<string>();
function checkAlive(implementation: Implementation, cluster: ProcessCluster): string[] {
  const dead: string[] = [];
  for (const m of cluster.members) {
    const child = m.process;
    if (!child || (child.exitCode === null && child.signalCode === null)) continue;
    const key = `${cluster.dir}/${m.name}`;
    if (reported.has(key)) continue;
    reported.add(key);
    const how = `${NAMES[implementation]} member ${m.name} of ${cluster.members.length} exited (${child.signalCode ?? `code ${child.exitCode}`})`;
    dead.push(how);
    log(`${how}; the end of its log:\n${m.log.split('\n').slice(-30).join('\n')}`);
  }
  return dead;
}

async function runCase(implementation: Implementation, cluster: ProcessCluster, c: Case): Promise<LoadReport | { failed: string }> {
  const spec = loadSpec(c.workload, { ...c.spec, endpoints: cluster.endpoints, workers: options.workers });
  log(`${NAMES[implementation]}: ${c.label}`);
  const progress = progressPrinter(`  ${implementation} ${c.id}`);
  try {
    const report = await runLoad(spec, progress.update);
    progress.done();
    const errors = report.errors > 0 ? `, ${report.errors} errors (${Object.keys(report.errorMessages)[0]})` : '';
    log(`  ${Math.round(report.throughput)} ${report.unit}/s, p50 ${ms(report.latency.p50Ms)} ms, p99 ${ms(report.latency.p99Ms)} ms${errors}`);
    return report;
  } catch (err) {
    progress.done();
    const message = err instanceof Error ? err.message : String(err);
    log(`  failed: ${message}`);
    return { failed: message };
  }
}

let checkPerfChild: ChildProcess | undefined;

async function checkPerf(cluster: ProcessCluster, load: string): Promise<CheckPerf> {
  log(`etcdctl check perf --load=${load} (about a minute)`);
  return new Promise((resolvePerf) => {
    const child = spawn('etcdctl', [`--endpoints=${cluster.endpoints.join(',')}`, 'check', 'perf', `--load=${load}`], {
      env: { ...process.env, ETCDCTL_API: '3' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    checkPerfChild = child;
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const ticker = setInterval(() => log(`  check perf --load=${load} running`), 15_000);
    const killer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('exit', (code) => {
      checkPerfChild = undefined;
      clearInterval(ticker);
      clearTimeout(killer);
      const clean = output.replace(/\r/g, '\n');
      const throughput = /Throughput (?:is|too low:) (\d+) writes\/s/.exec(clean);
      const verdict = clean.trim().split('\n').pop()?.trim() ?? '';
      const pass = code === 0 && verdict === 'PASS';
      const lines = clean.split('\n').filter((l) => /^(PASS|FAIL)/.test(l.trim()));
      log(`  ${lines.join('; ') || `exit ${code}: ${clean.trim().slice(-200)}`}`);
      resolvePerf({ load, pass, writesPerSec: throughput ? Number(throughput[1]) : 0, output: lines.join('\n') || clean.trim().slice(-500) });
    });
  });
}

/** SIGKILLs the leader and times the first write that any other member then accepts. */
async function failover(cluster: ProcessCluster): Promise<number> {
  const leader = cluster.leader();
  const others = cluster.members.filter((m) => m !== leader);
  const connections = others.map((m) => new Connection(m.clientUrl.replace('http://', '')));
  try {
    // Connections are up and working before the kill, so that dialling is not timed.
    await Promise.all(connections.map((c) => c.unary('KV', 'Range', { key: Buffer.from('failover'), serializable: true }, 5000)));
    log(`SIGKILL to the leader (${leader.name}); timing the first successful write`);
    const t0 = hrtime.bigint();
    const killed = cluster.kill(leader, 'SIGKILL');
    const deadline = Date.now() + 60_000;
    for (let attempt = 0; Date.now() < deadline; attempt++) {
      const value = Buffer.from(`after-kill-${attempt}`);
      const wrote = await Promise.any(connections.map((c) => c.unary('KV', 'Put', { key: Buffer.from('failover'), value }, 250))).then(
        () => true,
        () => false,
      );
      if (wrote) {
        const elapsed = Number(hrtime.bigint() - t0) / 1e6;
        await killed;
        log(`  first write ${elapsed.toFixed(0)} ms after the SIGKILL`);
        return elapsed;
      }
      // Some refusals come at once ("no leader"); do not spin on them.
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('no write succeeded within 60 s of the SIGKILL');
  } finally {
    for (const c of connections) c.close();
  }
}

let active: ProcessCluster | undefined;

async function withCluster<T>(size: number, implementation: Implementation, body: (cluster: ProcessCluster) => Promise<T>): Promise<T> {
  log(`starting a ${size}-member ${NAMES[implementation]} cluster`);
  const cluster = await ProcessCluster.start(size, implementation, FLAGS[implementation]);
  active = cluster;
  try {
    return await body(cluster);
  } finally {
    await cluster.stop();
    active = undefined;
    log(`stopped the ${size}-member ${NAMES[implementation]} cluster and removed its data dirs`);
  }
}

async function runImplementation(implementation: Implementation): Promise<Run> {
  const run: Run = { reports: {}, members: [], members5: [], membersManyKeys: [], checkPerf: [], notes: [] };
  await withCluster(3, implementation, async (cluster) => {
    const seed = new Connection(cluster.endpoints[0]!);
    await seed.unary('KV', 'Put', { key: Buffer.from(RANGE_KEY), value: Buffer.alloc(256, 'v') }, 10_000);
    seed.close();
    for (const c of MATRIX) {
      run.reports[c.id] = await runCase(implementation, cluster, c);
      run.notes.push(...checkAlive(implementation, cluster).map((d) => `${d} after ${c.label}`));
    }
    run.members = memberFigures(cluster);
    log(`RSS ${run.members.map((m) => `${m.name} ${m.rssMiB.toFixed(0)} MiB`).join(', ')}; data dirs ${run.members.map((m) => `${m.dataDirMiB.toFixed(1)} MiB`).join(', ')}`);
    if (options.checkPerf) {
      run.checkPerf.push(await checkPerf(cluster, 'm'));
      run.notes.push(...checkAlive(implementation, cluster).map((d) => `${d} before check perf --load=m ended`));
      if (options.checkPerfLarge) {
        run.checkPerf.push(await checkPerf(cluster, 'l'));
        run.notes.push(...checkAlive(implementation, cluster).map((d) => `${d} before check perf --load=l ended`));
      }
    }
    const down = cluster.members.filter((m) => m.process?.exitCode !== null || m.process?.signalCode !== null);
    if (down.length > 0) {
      run.failoverError = `not measured: ${down.map((m) => m.name).join(', ')} had already exited`;
      log(`  failover ${run.failoverError}`);
    } else {
      try {
        run.failoverMs = await failover(cluster);
      } catch (err) {
        run.failoverError = `failed: ${err instanceof Error ? err.message : String(err)}`;
        log(`  failover ${run.failoverError}`);
      }
    }
  });
  // A later stage whose cluster does not come up is noted under the table; the figures so far stand.
  const stage = async (what: string, size: number, body: (cluster: ProcessCluster) => Promise<void>): Promise<void> => {
    try {
      await withCluster(size, implementation, body);
    } catch (err) {
      const message = `${NAMES[implementation]} ${what}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
      log(message);
      run.notes.push(message);
    }
  };
  await stage(FIVE.label, 5, async (cluster) => {
    run.reports[FIVE.id] = await runCase(implementation, cluster, FIVE);
    run.notes.push(...checkAlive(implementation, cluster).map((d) => `${d} after ${FIVE.label}`));
    run.members5 = memberFigures(cluster);
  });
  if (options.rssKeys > 0) {
    await stage(MANY_KEYS.label, 3, async (cluster) => {
      run.reports[MANY_KEYS.id] = await runCase(implementation, cluster, MANY_KEYS);
      run.notes.push(...checkAlive(implementation, cluster).map((d) => `${d} after ${MANY_KEYS.label}`));
      run.membersManyKeys = memberFigures(cluster);
      log(`RSS ${run.membersManyKeys.map((m) => `${m.name} ${m.rssMiB.toFixed(0)} MiB`).join(', ')}`);
    });
  }
  return run;
}

// ---- the table ----

type Row = [label: string, etcd: string, barge: string, ratio: string];

function fmt(n: number | undefined, digits = 0): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function ratio(etcd: number | undefined, barge: number | undefined): string {
  if (etcd === undefined || barge === undefined || !(etcd > 0)) return '—';
  return `${(barge / etcd).toFixed(2)}×`;
}

function isReport(r: LoadReport | { failed: string } | undefined): r is LoadReport {
  return r !== undefined && !('failed' in r);
}

function rows(runs: Partial<Record<Implementation, Run>>): Row[] {
  const out: Row[] = [];
  const cell = (impl: Implementation, id: string, pick: (r: LoadReport) => number, digits: number): { text: string; value?: number } => {
    const r = runs[impl]?.reports[id];
    if (r === undefined) return { text: '—' };
    if (!isReport(r)) return { text: `failed: ${r.failed.slice(0, 60)}` };
    const errors = r.errors > 0 ? ` (${fmt(r.errors)} errors)` : '';
    return { text: `${fmt(pick(r), digits)}${errors}`, value: pick(r) };
  };
  for (const c of [...MATRIX, FIVE, ...(options.rssKeys > 0 ? [MANY_KEYS] : [])]) {
    const unit = c.workload === 'watch' ? 'events/s' : c.workload === 'range' ? 'reads/s' : c.workload === 'txn-put' ? 'txns/s' : 'writes/s';
    const t = IMPLEMENTATIONS.map((impl) => cell(impl, c.id, (r) => r.throughput, 0));
    out.push([`${c.label}: ${unit}`, t[0]!.text, t[1]!.text, ratio(t[0]!.value, t[1]!.value)]);
    const p = IMPLEMENTATIONS.map((impl) => cell(impl, c.id, (r) => r.latency.p99Ms, 1));
    out.push([`${c.label}: p99 ms`, p[0]!.text, p[1]!.text, ratio(p[0]!.value, p[1]!.value)]);
  }
  const member = (impl: Implementation, pick: (m: MemberFigures[]) => number | undefined): number | undefined => {
    const members = runs[impl]?.members;
    return members && members.length > 0 ? pick(members) : undefined;
  };
  const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
  const memberRow = (label: string, pick: (m: MemberFigures[]) => number | undefined, digits: number): void => {
    const [e, b] = IMPLEMENTATIONS.map((impl) => member(impl, pick));
    out.push([label, fmt(e, digits), fmt(b, digits), ratio(e, b)]);
  };
  memberRow('RSS per member after the 3-member workloads, mean (MiB)', (list) => mean(list.map((m) => m.rssMiB)), 0);
  memberRow('peak RSS of any member, VmHWM (MiB)', (list) => Math.max(...list.map((m) => m.peakRssMiB)), 0);
  memberRow('data dir per member, mean (MiB on disk)', (list) => mean(list.map((m) => m.dataDirMiB)), 1);
  const five = IMPLEMENTATIONS.map((impl) => {
    const ms5 = runs[impl]?.members5;
    return ms5 && ms5.length > 0 ? mean(ms5.map((m) => m.rssMiB)) : undefined;
  });
  out.push(['RSS per member after the 5-member put, mean (MiB)', fmt(five[0]), fmt(five[1]), ratio(five[0], five[1])]);
  if (options.rssKeys > 0) {
    const many = IMPLEMENTATIONS.map((impl) => {
      const list = runs[impl]?.membersManyKeys;
      return list && list.length > 0 ? mean(list.map((m) => m.rssMiB)) : undefined;
    });
    out.push([`RSS per member after ${options.rssKeys.toLocaleString('en-US')} distinct keys, mean (MiB)`, fmt(many[0]), fmt(many[1]), ratio(many[0], many[1])]);
  }
  const fo = IMPLEMENTATIONS.map((impl) => runs[impl]?.failoverMs);
  const foText = IMPLEMENTATIONS.map((impl, i) => (fo[i] !== undefined ? fmt(fo[i]) : (runs[impl]?.failoverError?.slice(0, 70) ?? '—')));
  out.push(['leader SIGKILL → first successful write (ms)', foText[0]!, foText[1]!, ratio(fo[0], fo[1])]);
  for (const load of ['m', 'l']) {
    const perf = IMPLEMENTATIONS.map((impl) => runs[impl]?.checkPerf.find((p) => p.load === load));
    if (perf.every((p) => p === undefined)) continue;
    const text = perf.map((p) => (p ? `${p.pass ? 'PASS' : 'FAIL'}, ${fmt(p.writesPerSec)} writes/s` : '—'));
    out.push([`etcdctl check perf --load=${load}`, text[0]!, text[1]!, ratio(perf[0]?.writesPerSec, perf[1]?.writesPerSec)]);
  }
  return out;
}

function markdownTable(table: Row[]): string {
  const lines = ['| workload | etcd | Barge | Barge ÷ etcd |', '| --- | --- | --- | --- |'];
  for (const row of table) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
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

/** Notes under the table: members that died, and how busy the load generator itself was. */
function extraLines(): string[] {
  const lines: string[] = [];
  const notes = IMPLEMENTATIONS.flatMap((impl) => runs[impl]?.notes ?? []);
  if (notes.length > 0) lines.push('', ...notes.map((n) => `- ${n}`));
  const busy: string[] = [];
  for (const c of [...MATRIX, FIVE]) {
    const cores = IMPLEMENTATIONS.map((impl) => {
      const r = runs[impl]?.reports[c.id];
      return isReport(r) && r.elapsedSec > 0 ? ((r.clientCpuUsPerOp * r.count) / 1e6 / r.elapsedSec).toFixed(2) : '—';
    });
    busy.push(`${c.id} ${cores.join('/')}`);
  }
  lines.push('', 'Data dirs are measured as du does (blocks allocated): etcd preallocates its 64 MiB WAL segment and the next one, so its figure is mostly preallocation.');
  if (ceiling) {
    const r = ceiling.report;
    lines.push(
      '',
      `Load generator ceiling, measured first in the same run: put with 200 clients over ${ceiling.workers} worker process${ceiling.workers === 1 ? '' : 'es'} against a null gRPC server (own process) ran at ${fmt(r.throughput)} puts/s, p99 ${ms(r.latency.p99Ms)} ms, ${r.clientCpuUsPerOp.toFixed(0)} µs of generator CPU per put (the null server ${Math.round(ceiling.serverCpuPercent)} % of a core).`,
    );
  }
  lines.push('', `Load generator CPU, in cores busy during each workload (etcd/Barge): ${busy.join(', ')}.`);
  return lines;
}

function resultsBlock(table: Row[], elapsedSec: number): string {
  const argv = process.argv.slice(2);
  const command = `npm run bench:compare${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`;
  const dirty = git(['status', '--porcelain', '--', 'src', 'bench', 'bin']) !== '' ? ' (with uncommitted changes)' : '';
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return [
    `## compare — Barge against etcd ${etcdVersion()}, side by side${options.quick ? ' (quick smoke run: not figures to keep)' : ''}`,
    '',
    `Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. Machine: ${availableParallelism()} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. Commit: ${git(['rev-parse', '--short', 'HEAD'])}${dirty}.`,
    '',
    `Command: \`${command}\` (${Math.round(elapsedSec / 60)} min). Both run 3 members on loopback with ${COMMON_FLAGS.join(' ')}; fresh data dirs under the OS temp dir; the load generator runs ${options.workers} worker process${options.workers === 1 ? '' : 'es'} on the same machine, and sends to every member's endpoint. Keys 8 bytes, values 256 bytes, 100,000 possible keys.`,
    '',
    markdownTable(table),
    ...extraLines(),
  ].join('\n');
}

// ---- main ----

async function stopActive(): Promise<void> {
  checkPerfChild?.kill('SIGKILL');
  const cluster = active;
  active = undefined;
  await cluster?.stop();
}

/** Stops the running cluster and exits; a cluster that fails to stop is reported, not hidden behind the exit. */
function stopAndExit(code: number): void {
  void stopActive()
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
if (implementations.length === 0) {
  console.error(`--only takes etcd or barge`);
  process.exit(2);
}
log(`${options.quick ? 'quick run' : 'full run'}: ${implementations.map((i) => NAMES[i]).join(' then ')}; ${options.workers} load generator workers`);
const runs: Partial<Record<Implementation, Run>> = {};
let ceiling: CeilingRun | undefined;
try {
  log(`the load generator alone: put against a null gRPC server (its ceiling on this machine)`);
  ceiling = (await measureCeiling({ total: 20_000, clients: 200, conns: 20, workers: [options.workers], valSize: 256 }))[0];
  if (ceiling) log(`  ${Math.round(ceiling.report.throughput)} puts/s at ${ceiling.report.clientCpuUsPerOp.toFixed(0)} µs of generator CPU per put; null server ${Math.round(ceiling.serverCpuPercent)} % busy`);

  for (const implementation of implementations) runs[implementation] = await runImplementation(implementation);
} finally {
  await stopActive();
}

const table = rows(runs);
const block = resultsBlock(table, (Date.now() - started) / 1000);
console.log('');
console.log(markdownTable(table));
console.log('');
if (options.json) {
  writeFileSync(options.json, JSON.stringify({ ceiling, runs }, null, 2));
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
