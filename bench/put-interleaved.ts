// `npx tsx bench/put-interleaved.ts [--puts 20000] [--block 100] [--rounds 4] [--first-endpoint follower|leader] [--baseline etcd|DIR] [--slow-ms 2.5]`
//
// One client's puts to two clusters in turn: a fresh 3-member Barge and a fresh 3-member etcd with
// bench:compare's flags, warmed up as bench:compare warms its clusters (the range key written, then each
// warm-up workload given to one cluster and then the other, which goes first swapped each time), then
// --block puts to one, --block to the other, and so
// on, which goes first swapped every pair of blocks, --puts to each. bench:compare times each store's
// one-client puts in a phase of its own, so a slow minute of the machine (two cores, shared with whatever
// else runs) lands on one store and not the other, and its p99 ratios swing by half from run to run. Here
// both stores meet the same moments of the machine, a fraction of a second apart, and within a block a
// cluster works as it does alone (with --block 1 every put follows one to the other cluster, whose
// processes then hold the caches, and both stores' puts slow down). --rounds gives each round's ratios
// beside the whole run's, to show how steady they are. --baseline DIR puts the Barge of another checkout
// (one with node_modules) in etcd's place: a change's before and after, taken the same way.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { ProcessCluster, type Implementation } from '../test/support/process-cluster.js';
import { caseLoad, cases, COMMON_FLAGS, endpointsFirst, seedRangeKey, WRITE, type FirstEndpoint } from './compare/cases.js';
import { goLoadBinary, runGoLoad } from './compare/go-load.js';
import { memberCpuSeconds } from './compare/members.js';
import { Connection } from './load/grpc.js';
import { Latency, type LatencySummary } from './load/histogram.js';
import { KeyMaker, randomValue } from './load/keys.js';
import { latencyLine } from './load/report.js';
import { median, times } from './paired-runs.js';

const program = new Command('put-interleaved')
  .description("one client's puts to Barge and to etcd (or another checkout's Barge) in turn, so that both meet the same machine")
  .option('--puts <n>', 'timed puts to each store', (v) => Number(v), 20_000)
  .option('--block <n>', 'puts to one store before the client turns to the other', (v) => Number(v), 100)
  .option('--rounds <n>', 'rounds the puts are split into, each with its own ratios', (v) => Number(v), 4)
  .option('--first-endpoint <role>', 'follower or leader: the member the client talks to', 'follower')
  .option('--baseline <store>', "etcd, or a directory holding another checkout of Barge", 'etcd')
  .option('--slow-ms <ms>', 'a put this slow or slower counts as slow', (v) => Number(v), 2.5)
  .parse();
const options = program.opts<{ puts: number; block: number; rounds: number; firstEndpoint: FirstEndpoint; baseline: string; slowMs: number }>();
if (!Number.isInteger(options.rounds) || options.rounds < 1) program.error(`error: --rounds: a whole number from 1, not ${options.rounds}`);
if (!Number.isInteger(options.block) || options.block < 1) program.error(`error: --block: a whole number from 1, not ${options.block}`);
// Each round holds whole pairs of blocks, so that each store goes first in half of its blocks.
const perRound = 2 * options.block * Math.floor(options.puts / options.rounds / (2 * options.block));
if (!Number.isInteger(options.puts) || perRound < 100) program.error(`error: --puts: a whole number, at least 100 per round in pairs of blocks, not ${options.puts}`);
if (options.firstEndpoint !== 'follower' && options.firstEndpoint !== 'leader') program.error(`error: --first-endpoint: follower or leader, not ${String(options.firstEndpoint)}`);
if (!(options.slowMs > 0)) program.error('error: --slow-ms must be a positive number');
if (options.baseline !== 'etcd' && !existsSync(join(options.baseline, 'test/support/process-cluster.ts'))) program.error(`error: --baseline: etcd, or a checkout of Barge; ${options.baseline} holds none`);

interface Store {
  label: string;
  cluster: ProcessCluster;
  connection?: Connection;
  rounds: Latency[];
  slow: number;
  cpuBefore: number[];
}

const log = (message: string): void => void process.stderr.write(`[put-interleaved] ${message}\n`);
const go = goLoadBinary(log) ?? program.error('error: the Go load generator is needed for the warm-up (apt-get install golang-go golang-etcd-server-dev)');

/** A fresh 3-member cluster with bench:compare's flags, by `harness` (this checkout's or another's). */
const startCluster = (harness: typeof ProcessCluster, implementation: Implementation): Promise<ProcessCluster> =>
  harness.start(3, implementation, COMMON_FLAGS, undefined, { startTimeoutMs: 120_000 });

/** A cluster of the other checkout's Barge, started by that checkout's own harness (its bin/barge.js). */
async function baselineCluster(dir: string): Promise<{ label: string; cluster: ProcessCluster }> {
  const commit = execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['-C', dir, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim() !== '';
  const harness = (await import(resolve(dir, 'test/support/process-cluster.ts'))) as { ProcessCluster: typeof ProcessCluster };
  return { label: `barge ${commit}${dirty ? '+' : ''}`, cluster: await startCluster(harness.ProcessCluster, 'barge') };
}

const stores: Store[] = [];
/** The stores in the order of turn `i`: which goes first swaps from one turn to the next. */
const inTurn = (i: number): Store[] => (i % 2 === 0 ? stores : [...stores].reverse());
const stopAll = (): Promise<unknown> => {
  for (const store of stores) store.connection?.close();
  return Promise.all(stores.map((s) => s.cluster.stop()));
};
process.on('SIGINT', () => void stopAll().then(() => process.exit(130), () => process.exit(1)));
try {
  const add = (label: string, cluster: ProcessCluster): void => {
    stores.push({ label, cluster, rounds: Array.from({ length: options.rounds }, () => Latency.create()), slow: 0, cpuBefore: [] });
  };
  log('starting a 3-member Barge');
  add('barge', await startCluster(ProcessCluster, 'barge'));
  if (options.baseline === 'etcd') {
    log('starting a 3-member etcd');
    add('etcd', await startCluster(ProcessCluster, 'etcd'));
  } else {
    log(`starting a 3-member Barge of the checkout in ${options.baseline}`);
    const { label, cluster } = await baselineCluster(options.baseline);
    add(label, cluster);
  }
  // Workload by workload, to one store and then the other, which goes first swapped each time: warmed up one
  // after the other, the first store sat idle through the second's whole warm-up, and with the same code
  // on both sides its p99 came out 1.09–1.20× the second's.
  for (const store of stores) await seedRangeKey(store.cluster);
  for (const [i, c] of cases(1).warmUp.entries()) {
    for (const store of inTurn(i)) {
      log(`${store.label}: ${c.label} (untimed)`);
      await runGoLoad(go, caseLoad(store.cluster, c), () => {}, 600_000);
    }
  }
  for (const store of stores) {
    store.connection = new Connection(endpointsFirst(store.cluster, options.firstEndpoint)[0]!);
    await store.connection.ready(10_000);
  }
  const keys = new KeyMaker(WRITE.keySize, WRITE.keySpaceSize, false, '');
  const value = randomValue(WRITE.valSize);
  console.log(
    `${perRound * options.rounds} puts to each of ${stores.map((s) => s.label).join(' and ')}, one client, to ${options.firstEndpoint === 'leader' ? 'the leader' : 'a follower'}, ` +
      `${options.block} to one, then ${options.block} to the other (which goes first swapped every pair); ${options.rounds} rounds of ${perRound}`,
  );
  for (const store of stores) store.cpuBefore = memberCpuSeconds(store.cluster);
  // A pair is a block to each store; perRound (a store's puts in a round) holds an even number of them.
  const pairsPerRound = perRound / options.block;
  for (let pair = 0; pair < pairsPerRound * options.rounds; pair++) {
    const round = Math.floor(pair / pairsPerRound);
    for (const store of inTurn(pair)) {
      for (let i = pair * options.block; i < (pair + 1) * options.block; i++) {
        const sent = process.hrtime.bigint();
        await store.connection!.unary('KV', 'Put', { key: keys.key(i), value }, 10_000);
        const took = process.hrtime.bigint() - sent;
        store.rounds[round]!.recordNs(took);
        if (Number(took) / 1e6 >= options.slowMs) store.slow++;
      }
    }
    if ((pair + 1) % pairsPerRound === 0) printRound(round);
  }
  printTotals();
} finally {
  await stopAll();
}

function printRound(round: number): void {
  const [a, b] = stores.map((s) => s.rounds[round]!.summary()) as [LatencySummary, LatencySummary];
  console.log(
    `round ${round + 1}: ${stores[0]!.label} p50 ${a.p50Ms.toFixed(2)} p99 ${a.p99Ms.toFixed(2)} ms, ${stores[1]!.label} p50 ${b.p50Ms.toFixed(2)} p99 ${b.p99Ms.toFixed(2)} ms; ` +
      `${stores[0]!.label} ÷ ${stores[1]!.label}: p50 ${times(a.p50Ms / b.p50Ms)}, p99 ${times(a.p99Ms / b.p99Ms)}`,
  );
}

function printTotals(): void {
  const all = stores.map((s) => {
    const total = Latency.create();
    for (const r of s.rounds) total.add(r);
    return total.summary();
  }) as [LatencySummary, LatencySummary];
  for (const [i, s] of stores.entries()) {
    const cpu = memberCpuSeconds(s.cluster).reduce((sum, t, m) => sum + t - s.cpuBefore[m]!, 0);
    const count = all[i]!.count;
    console.log(`${s.label}: ${latencyLine(all[i]!)} ms; ${s.slow} puts of ${options.slowMs} ms or more; members' CPU ${Math.round((cpu * 1e6) / count)} µs per put`);
  }
  const [a, b] = all;
  const ratio = (key: keyof LatencySummary): string => times(a[key] / b[key]);
  const p99s = stores[0]!.rounds.map((r, i) => r.summary().p99Ms / stores[1]!.rounds[i]!.summary().p99Ms);
  console.log(
    `${stores[0]!.label} ÷ ${stores[1]!.label}, all puts: p50 ${ratio('p50Ms')}, p90 ${ratio('p90Ms')}, p99 ${ratio('p99Ms')}, p99.9 ${ratio('p999Ms')}; ` +
      `p99 by round: median ${times(median(p99s))} (${p99s.map(times).join(', ')})`,
  );
}
