// `npm run bench -- slow-disk [--iops 150,50] [--runs 3] [--seconds 15] [--consistency s|l] [--probe read|keepalive]`
//
// Reads and writes on a disk that stalls, etcd and Barge side by side. Each run starts a fresh 3-member
// cluster of each store on a throttled disk (test/support/throttled-disk.ts: write IOPS capped, so syncs
// stall until the next 100 ms slice), writes through one client to the leader without pause, and
// meanwhile reads one key from the leader every 10 ms (serializable, or linearizable with --consistency l),
// timing each read; with --probe keepalive it renews a lease on the leader as often instead (a keep-alive
// stream, one request at a time), timing each renewal. With --runs N, the pairs alternate which store goes
// first; the table gives medians over the runs and the median of the per-run ratios Barge ÷ etcd. Needs
// root. Progress goes to stderr, the table to stdout.

import { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProcessCluster, type Implementation } from '../test/support/process-cluster.js';
import { ThrottledDisk, canThrottleDisks } from '../test/support/throttled-disk.js';
import { Connection } from './load/grpc.js';
import { Latency } from './load/histogram.js';
import { LeaseStream } from './load/workloads.js';
import { pairedFigure, type Paired } from './paired-runs.js';

interface SlowDiskRun {
  writesPerSecond: number;
  /** Probes answered (reads or renewals). */
  timed: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** What is timed every 10 ms while the writes run: a read of one key, or a lease renewal. */
type Probe = 'read-s' | 'read-l' | 'keepalive';

/** One round trip of the probe over `connection`, ready to be timed. */
async function probeCall(probe: Probe, connection: Connection): Promise<{ call: () => Promise<unknown>; close: () => void }> {
  if (probe !== 'keepalive') {
    const request = { key: Buffer.from('slow/0'), serializable: probe === 'read-s' };
    return { call: () => connection.unary('KV', 'Range', request, 60_000), close: () => undefined };
  }
  const granted = await connection.unary('Lease', 'LeaseGrant', { TTL: 600 }, 60_000);
  const lease = new LeaseStream(connection, granted['ID']);
  await lease.keepAlive(60_000);
  return { call: () => lease.keepAlive(60_000), close: () => lease.close() };
}

async function measure(implementation: Implementation, writeIops: number, seconds: number, probe: Probe): Promise<SlowDiskRun> {
  const cluster = await ProcessCluster.start(3, implementation, ['--log-level=warn']);
  const disk = new ThrottledDisk(cluster.members[0]!.dataDir, writeIops);
  const leader = cluster.leader().clientUrl.replace('http://', '');
  const writer = new Connection(leader);
  const prober = new Connection(leader);
  try {
    for (const member of cluster.members) disk.add(member.process!.pid!);
    await Promise.all([writer.ready(10_000), prober.ready(10_000)]);
    const timed = await probeCall(probe, prober);
    let writing = true;
    let writes = 0;
    const value = Buffer.alloc(256, 'v');
    const writing$ = (async () => {
      while (writing) await writer.unary('KV', 'Put', { key: Buffer.from(`slow/${writes++ % 1000}`), value }, 60_000);
    })();
    const latency = Latency.create();
    const started = performance.now();
    while (performance.now() - started < seconds * 1000) {
      const t = process.hrtime.bigint();
      await timed.call();
      latency.recordNs(process.hrtime.bigint() - t);
      await sleep(10);
    }
    writing = false;
    await writing$;
    timed.close();
    const summary = latency.summary();
    return { writesPerSecond: writes / seconds, timed: summary.count, p50: summary.p50Ms, p90: summary.p90Ms, p99: summary.p99Ms, max: summary.maxMs };
  } finally {
    writer.close();
    prober.close();
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
    .option('--probe <read|keepalive>', 'what is timed: reads, or lease renewals', 'read')
    .parse(['node', 'slow-disk', ...argv])
    .opts<{ iops: string; runs: number; seconds: number; consistency: string; probe: string }>();
  if (options.consistency !== 's' && options.consistency !== 'l') {
    console.error('--consistency must be s or l');
    process.exit(2);
  }
  if (options.probe !== 'read' && options.probe !== 'keepalive') {
    console.error('--probe must be read or keepalive');
    process.exit(2);
  }
  const probe: Probe = options.probe === 'keepalive' ? 'keepalive' : options.consistency === 's' ? 'read-s' : 'read-l';
  const noun = probe === 'keepalive' ? 'renewal' : 'read';
  const probed = { 'read-s': 'one reader (serializable, every 10 ms)', 'read-l': 'one reader (linearizable, every 10 ms)', keepalive: 'one lease renewed every 10 ms' }[probe];
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
        const r = (pair[implementation] = await measure(implementation, iops, options.seconds, probe));
        process.stderr.write(`${r.writesPerSecond.toFixed(1)} writes/s; ${noun}s p50 ${r.p50.toFixed(2)} p90 ${r.p90.toFixed(2)} p99 ${r.p99.toFixed(2)} max ${r.max.toFixed(2)} ms\n`);
      }
      pairs.push(pair);
    }
    console.log(`\nWrite IOPS capped at ${iops}; one writer and ${probed} on the leader, ${options.seconds} s, ${options.runs} run(s):\n`);
    console.log('| figure | etcd | Barge | Barge ÷ etcd (median of ratios) | ratio in each run |\n| --- | --- | --- | --- | --- |');
    const figures: [string, (r: SlowDiskRun) => number, number][] = [
      ['writes/s', (r) => r.writesPerSecond, 1],
      [`${noun}s served`, (r) => r.timed, 0],
      [`${noun} p50 ms`, (r) => r.p50, 2],
      [`${noun} p90 ms`, (r) => r.p90, 2],
      [`${noun} p99 ms`, (r) => r.p99, 2],
      [`${noun} max ms`, (r) => r.max, 2],
    ];
    for (const [name, pick, digits] of figures) {
      const f = pairedFigure(pairs, pick, digits);
      console.log(`| ${name} | ${f.etcd} | ${f.barge} | ${f.ratio} | ${f.byRun} |`);
    }
  }
}
