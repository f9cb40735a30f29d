// `npm run bench -- slow-disk [--iops 150,50] [--runs 3] [--seconds 15] [--consistency s|l]`
//
// Reads and writes on a disk that stalls, etcd and Barge side by side. Each run starts a fresh 3-member
// cluster of each store on a throttled disk (test/support/throttled-disk.ts: write IOPS capped, so syncs
// stall until the next 100 ms slice), writes through one client to the leader without pause, and
// meanwhile reads one key from the leader every 10 ms (serializable, or linearizable with --consistency l),
// timing each read. With --runs N, the pairs alternate which store goes first; the table gives medians over
// the runs and the median of the per-run ratios Barge ÷ etcd. Needs root. Progress goes to stderr, the table
// to stdout.

import { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProcessCluster, type Implementation } from '../test/support/process-cluster.js';
import { ThrottledDisk, canThrottleDisks } from '../test/support/throttled-disk.js';
import { Connection } from './load/grpc.js';
import { pairedFigure, type Paired } from './paired-runs.js';

interface SlowDiskRun {
  writesPerSecond: number;
  reads: number;
  readP50: number;
  readP90: number;
  readP99: number;
  readMax: number;
}

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function measure(implementation: Implementation, writeIops: number, seconds: number, serializable: boolean): Promise<SlowDiskRun> {
  const cluster = await ProcessCluster.start(3, implementation, ['--log-level=warn']);
  const disk = new ThrottledDisk(cluster.members[0]!.dataDir, writeIops);
  const leader = cluster.leader().clientUrl.replace('http://', '');
  const writer = new Connection(leader);
  const reader = new Connection(leader);
  try {
    for (const member of cluster.members) disk.add(member.process!.pid!);
    await Promise.all([writer.ready(10_000), reader.ready(10_000)]);
    let writing = true;
    let writes = 0;
    const value = Buffer.alloc(256, 'v');
    const writing$ = (async () => {
      while (writing) await writer.unary('KV', 'Put', { key: Buffer.from(`slow/${writes++ % 1000}`), value }, 60_000);
    })();
    const latencies: number[] = [];
    const started = performance.now();
    while (performance.now() - started < seconds * 1000) {
      const t = performance.now();
      await reader.unary('KV', 'Range', { key: Buffer.from('slow/0'), serializable }, 60_000);
      latencies.push(performance.now() - t);
      await sleep(10);
    }
    writing = false;
    await writing$;
    latencies.sort((a, b) => a - b);
    return { writesPerSecond: writes / seconds, reads: latencies.length, readP50: quantile(latencies, 0.5), readP90: quantile(latencies, 0.9), readP99: quantile(latencies, 0.99), readMax: latencies.at(-1)! };
  } finally {
    writer.close();
    reader.close();
    await cluster.stop();
    disk.remove();
  }
}

export async function benchSlowDisk(argv: readonly string[]): Promise<void> {
  const options = new Command('slow-disk')
    .option('--iops <list>', 'write IOPS caps, one table each', '150,50')
    .option('--runs <n>', 'paired runs per cap', (v) => Number(v), 3)
    .option('--seconds <n>', 'seconds of reads and writes per store and run', (v) => Number(v), 15)
    .option('--consistency <s|l>', 'the reads: serializable (s) or linearizable (l)', 's')
    .parse(['node', 'slow-disk', ...argv])
    .opts<{ iops: string; runs: number; seconds: number; consistency: string }>();
  if (options.consistency !== 's' && options.consistency !== 'l') {
    console.error('--consistency must be s or l');
    process.exit(2);
  }
  const serializable = options.consistency === 's';
  if (!canThrottleDisks()) {
    console.error('slow-disk needs cgroup v1 blkio (/sys/fs/cgroup/blkio) and root');
    process.exit(2);
  }
  for (const iops of options.iops.split(',').map(Number)) {
    const pairs: Paired<SlowDiskRun>[] = [];
    for (let run = 1; run <= options.runs; run++) {
      const pair: Paired<SlowDiskRun> = {};
      for (const implementation of run % 2 === 1 ? (['etcd', 'barge'] as const) : (['barge', 'etcd'] as const)) {
        process.stderr.write(`[slow-disk] ${iops} write IOPS, run ${run}: ${implementation}… `);
        const r = (pair[implementation] = await measure(implementation, iops, options.seconds, serializable));
        process.stderr.write(`${r.writesPerSecond.toFixed(1)} writes/s; reads p50 ${r.readP50.toFixed(2)} p90 ${r.readP90.toFixed(2)} p99 ${r.readP99.toFixed(2)} max ${r.readMax.toFixed(2)} ms\n`);
      }
      pairs.push(pair);
    }
    console.log(`\nWrite IOPS capped at ${iops}; one writer and one reader (${serializable ? 'serializable' : 'linearizable'}, every 10 ms) on the leader, ${options.seconds} s, ${options.runs} run(s):\n`);
    console.log('| figure | etcd | Barge | Barge ÷ etcd (median of ratios) | ratio in each run |\n| --- | --- | --- | --- | --- |');
    const figures: [string, (r: SlowDiskRun) => number, number][] = [
      ['writes/s', (r) => r.writesPerSecond, 1],
      ['reads served', (r) => r.reads, 0],
      ['read p50 ms', (r) => r.readP50, 2],
      ['read p90 ms', (r) => r.readP90, 2],
      ['read p99 ms', (r) => r.readP99, 2],
      ['read max ms', (r) => r.readMax, 2],
    ];
    for (const [name, pick, digits] of figures) {
      const f = pairedFigure(pairs, pick, digits);
      console.log(`| ${name} | ${f.etcd} | ${f.barge} | ${f.ratio} | ${f.byRun} |`);
    }
  }
}
