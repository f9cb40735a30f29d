// `npx tsx bench/store-cpu.ts [--workloads put-1,put-100,put-200,range-l,range-s,watch] [--scale 0.5] [--rounds 2] [--prof DIR]
//   [--perf DIR] [--keys N [--heap DIR]] [--impl etcd] [--members 1] [--generator node] [--first-endpoint leader]`
//
// The store's CPU per request, one implementation alone: a fresh 3-member cluster with bench:compare's flags, warmed up
// as bench:compare warms its clusters, then each workload driven by the Go generator (etcd's clientv3; `--generator node`:
// bench:compare's Node generator, 2 worker processes) with the members' CPU (user + system, /proc) summed over exactly its
// timed phase. `--rounds` repeats the list and prints
// each round, so a figure disturbed by the rest of the machine shows as an outlier. CPU per request is
// the figure to read on a shared machine: it moves much less with load than throughput does. `--impl etcd`
// takes the same figures from a real etcd 3.4 (same flags, same generator), to pair with Barge's in the hour.
// `--prof DIR` profiles the members' main threads from start to exit and stops them with SIGTERM at the end,
// so each writes a .cpuprofile into DIR (open it in Chrome DevTools, or summarize it with bench/profile-summary.ts).
// `--perf DIR` samples the members' CPU time with Linux perf over each workload's timed phase and prints where it
// went (see bench/store-cpu-perf.ts): on a loaded machine the wall-clock profiles of --prof exaggerate system calls.
// `--members 1` measures one member alone: the client API's own cost per call, without raft's replication.
// `--keys N` then writes N distinct keys (256-byte values, 200 clients) and prints each member's RSS before
// and after, per key; `--heap DIR` adds a V8 heap snapshot of every member after them (bench/heap-summary.ts).
// `--first-endpoint leader` sends the one-client put to the leader instead of a follower, to measure the hop apart.

import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import { ProcessCluster } from '../test/support/process-cluster.js';
import { caseLoad, cases, COMMON_FLAGS, endpointsFirst, RANGE_KEY, seedRangeKey, WRITE, type FirstEndpoint } from './compare/cases.js';
import { goLoadBinary, runGoLoad, type GeneratorFigures } from './compare/go-load.js';
import { memberCpuSeconds, memberFigures } from './compare/members.js';
import { machineCpuTicks, threadCpuSeconds } from './process-usage.js';
import { formatPerfSummary, perfAvailable, PerfRecording, removePerfMaps, summarizePerf } from './store-cpu-perf.js';
import { loadSpec, type LoadSpec, type Workload } from './load/options.js';
import { runLoad } from './load/runner.js';

/** bench:compare's workloads, with 100 clients for the many-client put (the issue's own measurement). */
const WORKLOADS: Record<string, { workload: Workload; spec: Partial<LoadSpec> }> = {
  'put-1': { workload: 'put', spec: { ...WRITE, clients: 1, conns: 1, total: 2000 } },
  'put-100': { workload: 'put', spec: { ...WRITE, clients: 100, conns: 10, total: 20_000 } },
  // bench:compare's many-client put (its 3- and 5-member rows).
  'put-200': { workload: 'put', spec: { ...WRITE, clients: 200, conns: 20, total: 20_000 } },
  'range-l': { workload: 'range', spec: { key: RANGE_KEY, consistency: 'l', clients: 100, conns: 10, total: 20_000 } },
  'range-s': { workload: 'range', spec: { key: RANGE_KEY, consistency: 's', clients: 100, conns: 10, total: 20_000 } },
  // bench:compare's fan-out: 10 streams of 100 watchers on one key, 300 puts; per event, not per put.
  watch: { workload: 'watch', spec: { streams: 10, watchPerStream: 100, watchedKeyTotal: 1, putTotal: 300, clients: 1, valSize: 256 } },
};

const options = new Command('store-cpu')
  .option('--workloads <list>', 'comma-separated, from put-1, put-100, put-200, range-l, range-s, watch', 'put-1,put-100,range-l,range-s')
  .option('--scale <x>', 'multiply every total', (v) => Number(v), 1)
  .option('--rounds <n>', 'times to run the whole list', (v) => Number(v), 1)
  .option('--impl <name>', 'barge, or etcd to take the same figures from a real etcd', 'barge')
  .option('--members <n>', 'cluster size', (v) => Number(v), 3)
  .option('--generator <name>', 'go, or node for the timed workloads (the warm-up is Go, as in bench:compare)', 'go')
  .option('--prof <dir>', 'write a CPU profile of each member here')
  .option('--perf <dir>', "sample the members' CPU time with perf over each workload, recordings here, and summarize them")
  .option('--first-endpoint <role>', 'follower, or leader: where the one-client put connects', 'follower')
  .option('--keys <n>', 'then write this many distinct keys and report RSS per key', (v) => Number(v), 0)
  .option('--heap <dir>', 'with --keys: a heap snapshot of every member after the keys, here')
  .parse()
  .opts<{ workloads: string; scale: number; rounds: number; impl: string; members: number; generator: string; prof?: string; perf?: string; firstEndpoint: FirstEndpoint; keys: number; heap?: string }>();
if (options.impl !== 'barge' && options.impl !== 'etcd') throw new Error(`--impl: barge or etcd, not ${options.impl}`);
if (options.generator !== 'go' && options.generator !== 'node') throw new Error(`--generator: go or node, not ${options.generator}`);
if (options.firstEndpoint !== 'follower' && options.firstEndpoint !== 'leader') throw new Error(`--first-endpoint: follower or leader, not ${String(options.firstEndpoint)}`);
if (options.impl === 'etcd' && (options.prof || options.heap || options.perf)) throw new Error('--prof, --perf and --heap profile Node members: barge only');
if (options.perf && !perfAvailable()) throw new Error('--perf needs Linux perf');
if (options.perf) mkdirSync(options.perf, { recursive: true });
// V8 writes a snapshot only into a directory that exists.
if (options.heap) mkdirSync(options.heap, { recursive: true });

const perOpOf = (seconds: number, count: number): number => (seconds * 1e6) / Math.max(1, count);
/** µs with a decimal below 100 (a watch event costs a few). */
const us = (value: number): string => value.toFixed(value < 100 ? 1 : 0);
/**
 * A module each member loads first (NODE_OPTIONS="--import ..."; Node refuses --cpu-prof there): it runs the
 * profiler --cpu-prof would, on the main thread from start to exit, and writes CPU.<pid>.cpuprofile into
 * `dir` on exit. The in-process inspector session answers synchronously, so the exit handler can write it.
 */
function profileHook(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'cpu-profile-hook.mjs');
  writeFileSync(
    file,
    `import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.start');
process.on('exit', () => session.post('Profiler.stop', (err, result) => {
  if (!err) writeFileSync(${JSON.stringify(dir)} + '/CPU.' + process.pid + '.cpuprofile', JSON.stringify(result.profile));
}));
`,
  );
  return file;
}

const log = (message: string): void => void process.stderr.write(`[store-cpu] ${message}\n`);
const go = goLoadBinary(log);
if (!go) throw new Error('the Go load generator is needed (apt-get install golang-go golang-etcd-server-dev)');
const names = options.workloads.split(',').filter((n) => n !== '');
for (const name of names) if (!WORKLOADS[name]) throw new Error(`unknown workload ${name}`);

// Members inherit this process's environment; only they are Node programs among its children.
const nodeOptions = [
  ...(options.prof ? [`--import=${profileHook(options.prof)}`] : []),
  ...(options.heap ? [`--heapsnapshot-signal=SIGUSR2`, `--diagnostic-dir=${options.heap}`] : []),
  ...(options.perf ? ['--perf-basic-prof'] : []),
];
if (nodeOptions.length > 0) process.env['NODE_OPTIONS'] = nodeOptions.join(' ');
const cluster = await ProcessCluster.start(options.members, options.impl, COMMON_FLAGS, undefined, { startTimeoutMs: 120_000 });
delete process.env['NODE_OPTIONS'];
const memberPids = cluster.members.map((m) => m.process!.pid!);
const stopAll = async (): Promise<void> => {
  // SIGTERM lets a profiled member write its profile on the way out; SIGKILL after is a no-op then.
  if (options.prof) await Promise.all(cluster.members.map((m) => cluster.kill(m, 'SIGTERM')));
  await cluster.stop();
  if (options.perf) removePerfMaps(memberPids);
};
process.on('SIGINT', () => void stopAll().then(() => process.exit(130), () => process.exit(1)));
try {
  await seedRangeKey(cluster);
  let endpoints = cluster.endpoints;
  const spec = (name: string, scale: number): LoadSpec => {
    const { workload, spec: partial } = WORKLOADS[name]!;
    const scaled = (n: number | undefined): number => Math.max(1, Math.round((n ?? 1000) * scale));
    return loadSpec(workload, { ...partial, total: scaled(partial.total), putTotal: scaled(partial.putTotal), endpoints, workers: 2 });
  };
  const drive = (load: LoadSpec, onTimedPhase: () => void): Promise<GeneratorFigures> =>
    options.generator === 'node' ? runLoad(load, undefined, onTimedPhase) : runGoLoad(go, load, onTimedPhase, 1_200_000);
  // bench:compare's warm-up, so that both tools time members equally warm.
  for (const c of cases(1).warmUp) {
    log(`${c.label} (untimed)`);
    await runGoLoad(go, caseLoad(cluster, c), () => {}, 600_000);
  }
  const leader = cluster.members.indexOf(cluster.leader());
  // The one-client put talks to the first endpoint only: a follower unless told otherwise, so that runs compare
  // (a follower forwards the proposal, one more hop, as it does for two clients in three).
  endpoints = endpointsFirst(cluster, options.firstEndpoint, leader);
  const first = cluster.endpoints.indexOf(endpoints[0]!);
  log(`leader: ${cluster.members[leader]?.name} (pid ${cluster.members[leader]?.process?.pid}); the one-client put goes to ${cluster.members[first]?.name} (pid ${cluster.members[first]?.process?.pid})`);
  for (let round = 1; round <= options.rounds; round++) {
    for (const name of names) {
      let before: number[] = [];
      let threadsBefore: Record<string, number> = {};
      const leaderPid = cluster.members[leader]!.process!.pid!;
      const load = loadavg()[0]!.toFixed(1);
      const roundsBefore = await readIndexRounds();
      let recording: PerfRecording | undefined;
      // The members' main threads alone: V8's compiler threads come and go with when a workload's code gets
      // optimized (a twentieth to a quarter of the members' CPU in one phase or the next), which is noise
      // when comparing two versions of our code.
      const mainSeconds = (): number => memberPids.reduce((sum, pid) => sum + (threadCpuSeconds(pid)['main'] ?? 0), 0);
      let mainBefore = 0;
      let machineBefore = { idle: 0, total: 0 };
      const r = await drive(spec(name, options.scale), () => {
        machineBefore = machineCpuTicks();
        before = memberCpuSeconds(cluster);
        mainBefore = mainSeconds();
        threadsBefore = threadCpuSeconds(leaderPid);
        if (options.perf) recording = new PerfRecording(join(options.perf, `${name}-round${round}.data`), memberPids);
      });
      const machine = machineCpuTicks();
      // The cores nobody used while the workload ran: a cluster that waits on itself (a member idle while
      // another works) leaves more of them than one limited by the CPU alone.
      const idleShare = (machine.idle - machineBefore.idle) / Math.max(1, machine.total - machineBefore.total);
      await recording?.stop();
      const used = memberCpuSeconds(cluster).map((t, i) => t - (before[i] ?? t));
      const mainUsed = mainSeconds() - mainBefore;
      const rounds = (await readIndexRounds()) - roundsBefore;
      const threads = Object.entries(threadCpuSeconds(leaderPid)).map(([role, t]) => `${role} ${us(perOpOf(t - (threadsBefore[role] ?? 0), r.count))}`);
      const perOp = (s: number): number => perOpOf(s, r.count);
      const total = used.reduce((a, b) => a + b, 0);
      console.log(
        `round ${round} ${name.padEnd(8)} ${String(Math.round(r.throughput)).padStart(6)}/s  p50 ${r.latency.p50Ms.toFixed(2)} ms  p99 ${r.latency.p99Ms.toFixed(2)} ms  ` +
          `members ${us(perOp(total))} µs/op (main threads ${us(perOp(mainUsed))}; leader ${us(perOp(used[leader] ?? 0))}: ${threads.join(', ')}; ` +
          `others ${used.filter((_, i) => i !== leader).map((u) => us(perOp(u))).join(' ')})  generator ${us(r.clientCpuUsPerOp)} µs/op  ` +
          `errors ${r.errors}  idle ${(100 * idleShare).toFixed(0)} %  load ${load}` +
          (r.eventResponses ? `  responses ${r.eventResponses}` : '') +
          (rounds > 0 ? `  ReadIndex rounds ${((100 * rounds) / Math.max(1, r.count)).toFixed(1)} per 100 requests` : ''),
      );
      if (recording) console.log(formatPerfSummary(`round ${round} ${name}`, summarizePerf(recording.file, memberPids)));
    }
  }
  if (options.keys > 0) await manyKeys(options.keys, spec('put-100', 1));
} finally {
  await stopAll();
}

/**
 * ReadIndex rounds the members started so far (Barge's /metrics; 0 for etcd, which exports no such count):
 * a linearizable read costs the leader a heartbeat to every follower per round, so reads per round is
 * what batching buys. Read around each workload, so the warm-up's rounds fall outside it.
 */
async function readIndexRounds(): Promise<number> {
  if (options.impl !== 'barge') return 0;
  const counts = await Promise.all(
    cluster.endpoints.map(async (endpoint) => {
      const text = await (await fetch(`http://${endpoint}/metrics`)).text();
      return Number(/^barge_server_read_index_rounds_total (\d+)$/m.exec(text)?.[1] ?? 0);
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/** Writes `keys` distinct keys; prints RSS per member before and after, and takes heap snapshots if asked. */
async function manyKeys(keys: number, base: LoadSpec): Promise<void> {
  const before = memberFigures(cluster);
  const r = await runGoLoad(go!, { ...base, clients: 200, conns: 20, total: keys, keySpaceSize: keys, sequentialKeys: true }, () => {}, 3_600_000);
  const after = memberFigures(cluster);
  console.log(`${keys.toLocaleString('en-US')} distinct keys: ${Math.round(r.throughput)}/s, errors ${r.errors}`);
  for (const [i, m] of after.entries()) {
    const grown = (m.rssMiB - before[i]!.rssMiB) * 1024 * 1024;
    console.log(`  ${m.name}: RSS ${before[i]!.rssMiB.toFixed(0)} → ${m.rssMiB.toFixed(0)} MiB (peak ${m.peakRssMiB.toFixed(0)}), ${(grown / keys).toFixed(0)} B per key`);
  }
  if (!options.heap) return;
  for (const m of cluster.members) m.process?.kill('SIGUSR2');
  const snapshots = (): string[] => (existsSync(options.heap!) ? readdirSync(options.heap!).filter((f) => f.endsWith('.heapsnapshot')) : []);
  // A snapshot of a large heap takes a while, written as it is taken: done once every file stops growing.
  const sizes = (): string => snapshots().map((f) => statSync(join(options.heap!, f)).size).join(',');
  let last = '';
  for (let waited = 0; waited < 600; waited += 5) {
    await sleep(5000);
    const now = sizes();
    // A file exists, empty, while its heap is still being walked.
    if (snapshots().length === cluster.members.length && now === last && !now.split(',').includes('0')) break;
    last = now;
  }
  console.log(`heap snapshots in ${options.heap}: ${snapshots().join(', ')}`);
}
