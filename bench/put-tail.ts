// `npx tsx bench/put-tail.ts [--impl barge|etcd] [--puts 30000] [--bin-seconds 2] [--slow-ms 2.5] [--prefill N]`
//
// One client's puts over time, from a fresh cluster's first write: a fresh 3-member cluster with bench:compare's
// flags, no warm-up, then --puts puts one after another to the leader (the project's Node client). Every
// --bin-seconds it prints the puts in that bin and how many took --slow-ms or more, and at the end the latency
// percentiles of the first and the second half apart. bench:compare reports a workload's p99 after a warm-up of its own
// size; this shows when the tail settles: a Node member compiles its put path for thousands of requests
// after it starts (V8's TurboFan on a core the members share), a Go one does not. --prefill first writes N puts
// from 200 clients over bench:compare's 100,000 keys, untimed, so that the lone client meets a member that is
// warm and holds state, as bench:compare's one-client rows do. Last, per put over the timed puts, each member's and
// the client's time on a core, time runnable but waiting for one, and times put on one (all threads, from
// /proc/<pid>/task/*/schedstat): on a machine the members share with the client, where a slow put's time went.

import { Command } from 'commander';
import { ProcessCluster, type Implementation } from '../test/support/process-cluster.js';
import { COMMON_FLAGS, WRITE } from './compare/cases.js';
import { memberCpuSeconds } from './compare/members.js';
import { Connection } from './load/grpc.js';
import { Latency } from './load/histogram.js';
import { loadSpec } from './load/options.js';
import { runLoad } from './load/runner.js';
import { latencyLine } from './load/report.js';
import { schedulerStats } from './process-usage.js';

const program = new Command('put-tail')
  .description("one client's puts to a fresh cluster's leader over time: the tail from the first write on")
  .option('--impl <name>', 'barge or etcd', 'barge')
  .option('--puts <n>', 'puts in all', (v) => Number(v), 30_000)
  .option('--bin-seconds <s>', 'seconds per line of progress', (v) => Number(v), 2)
  .option('--slow-ms <ms>', 'a put this slow or slower counts as slow', (v) => Number(v), 2.5)
  .option('--prefill <n>', 'first, untimed: this many puts from 200 clients over 100,000 keys', (v) => Number(v), 0)
  .parse();
const options = program.opts<{ impl: string; puts: number; binSeconds: number; slowMs: number; prefill: number }>();
if (options.impl !== 'barge' && options.impl !== 'etcd') program.error(`error: --impl: barge or etcd, not ${options.impl}`);
if (!(options.puts >= 2) || !(options.binSeconds > 0) || !(options.slowMs > 0)) program.error('error: --puts (2 or more), --bin-seconds and --slow-ms must be positive numbers');
if (!Number.isInteger(options.prefill) || options.prefill < 0) program.error(`error: --prefill: a whole number of puts, not ${options.prefill}`);

const cluster = await ProcessCluster.start(3, options.impl as Implementation, COMMON_FLAGS, undefined, { startTimeoutMs: 120_000 });
process.on('SIGINT', () => void cluster.stop().then(() => process.exit(130), () => process.exit(1)));
try {
  if (options.prefill > 0) {
    console.log(`${options.impl}: prefill, ${options.prefill} puts from 200 clients (untimed)`);
    const spec = { ...WRITE, endpoints: cluster.endpoints, clients: 200, conns: 20, workers: 2, total: options.prefill };
    await runLoad(loadSpec('put', spec));
  }
  const leader = cluster.members.indexOf(cluster.leader());
  const connection = new Connection(cluster.endpoints[leader]!);
  await connection.ready(10_000);
  const value = Buffer.alloc(WRITE.valSize, 'v');
  // Each half's latencies apart: the first holds the member's warm-up, the second what it settles to.
  const halves = [Latency.create(), Latency.create()] as const;
  const binMs = options.binSeconds * 1000;
  console.log(`${options.impl}: ${options.puts} puts, one client, to the leader of a ${options.prefill > 0 ? 'prefilled' : 'fresh'} 3-member cluster; puts ≥ ${options.slowMs} ms, and members' CPU (leader, then followers), by ${options.binSeconds} s`);
  const started = process.hrtime.bigint();
  let cpuBefore = memberCpuSeconds(cluster);
  // Who ran and who waited for a core over the timed puts: the members, and this process (the client).
  const pids = [...cluster.members.map((m) => m.process?.pid ?? 0), process.pid];
  const scheduledBefore = pids.map(schedulerStats);
  let bin = 0;
  let binPuts = 0;
  let binSlow = 0;
  const flush = (): void => {
    const from = bin * options.binSeconds;
    const cpuNow = memberCpuSeconds(cluster);
    // CPU as a share of one core over the bin: a member busy with something other than the lone client's puts
    // (a follower still applying what came before, background compaction) shows here.
    const shares = cpuNow.map((t, i) => `${Math.round((100 * (t - cpuBefore[i]!)) / options.binSeconds)} %`);
    const cpu = [shares[leader], ...shares.filter((_, i) => i !== leader)].join(' / ');
    cpuBefore = cpuNow;
    console.log(`  ${String(from).padStart(4)}–${String(from + options.binSeconds).padEnd(4)} s  ${String(binPuts).padStart(6)} puts  ${String(binSlow).padStart(5)} slow  CPU ${cpu}`);
    binPuts = 0;
    binSlow = 0;
    bin++;
  };
  for (let i = 0; i < options.puts; i++) {
    const sent = process.hrtime.bigint();
    while (Number(sent - started) / 1e6 >= (bin + 1) * binMs) flush();
    await connection.unary('KV', 'Put', { key: Buffer.from(`put-tail-${i % 1000}`), value }, 10_000);
    const took = process.hrtime.bigint() - sent;
    halves[i < options.puts >> 1 ? 0 : 1].recordNs(took);
    binPuts++;
    if (Number(took) / 1e6 >= options.slowMs) binSlow++;
  }
  flush();
  connection.close();
  console.log(`first half: ${latencyLine(halves[0].summary())} ms; second half: ${latencyLine(halves[1].summary())} ms`);
  const perPut = (ms: number): string => `${Math.round((1000 * ms) / options.puts)} µs`;
  const scheduled = pids.map((pid, i) => {
    const [now, before] = [schedulerStats(pid), scheduledBefore[i]!];
    const who = i === leader ? 'leader' : i < cluster.members.length ? 'follower' : 'client';
    return `${who} ${perPut(now.runMs - before.runMs)} on a core, ${perPut(now.waitMs - before.waitMs)} waiting, ${((now.slices - before.slices) / options.puts).toFixed(1)} times on`;
  });
  console.log(`per put, all threads: ${scheduled.join('; ')}`);
} finally {
  await cluster.stop();
}
