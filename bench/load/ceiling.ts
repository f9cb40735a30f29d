// `npm run bench -- loadgen-ceiling`: how fast the load generator itself can go. It runs the put workload
// against a server that answers at once (null-server.ts, in a process of its own) with 1, 2, … workers and
// reports throughput, latency, the generator's CPU per request, and how busy the null server was. When the
// null server is not saturated, the generator is the limit; 1e6 / (CPU µs per request) is what one core of
// generator can drive.

import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { processCpuSeconds } from '../process-usage.js';
import { loadSpec } from './options.js';
import { ms, progressPrinter } from './report.js';
import { runLoad, type LoadReport } from './runner.js';

export interface CeilingRun {
  workers: number;
  report: LoadReport;
  /** How busy the null server's process was during the timed run (100 = one core). */
  serverCpuPercent: number;
}

/** Starts the null server in a process of its own, runs put against it once per worker count, stops it. */
export async function measureCeiling(o: { total: number; clients: number; conns: number; workers: number[]; valSize: number }, progress = true): Promise<CeilingRun[]> {
  const here = fileURLToPath(import.meta.url);
  const serverFile = resolve(dirname(here), here.endsWith('.ts') ? 'null-server.ts' : 'null-server.js');
  const server = fork(serverFile, ['--serve'], {
    cwd: resolve(dirname(here), '../..'),
    execArgv: here.endsWith('.ts') ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const port = await new Promise<number>((resolvePort, reject) => {
      server.once('message', (m: { port: number }) => resolvePort(m.port));
      server.once('exit', (code) => reject(new Error(`null server exited (${code})`)));
    });
    const runs: CeilingRun[] = [];
    for (const workers of o.workers) {
      // A short warm-up run first, so that code is compiled and connections are set up on both sides.
      const warm = loadSpec('put', { endpoints: [`127.0.0.1:${port}`], clients: o.clients, conns: o.conns, workers, total: Math.min(5000, o.total), valSize: o.valSize });
      await runLoad(warm);
      const spec = { ...warm, total: o.total };
      const serverCpuBefore = processCpuSeconds(server.pid!);
      const printer = progress ? progressPrinter(`ceiling workers=${workers}`) : undefined;
      const report = await runLoad(spec, printer?.update);
      printer?.done();
      const serverCpu = processCpuSeconds(server.pid!) - serverCpuBefore;
      runs.push({ workers, report, serverCpuPercent: report.elapsedSec > 0 ? (100 * serverCpu) / report.elapsedSec : 0 });
    }
    return runs;
  } finally {
    server.kill('SIGKILL');
  }
}

export async function runLoadCeiling(argv: readonly string[]): Promise<void> {
  const o = new Command('bench loadgen-ceiling')
    .option('--total <n>', 'puts per run', (v) => Number(v), 50_000)
    .option('--clients <n>', 'concurrent clients', (v) => Number(v), 100)
    .option('--conns <n>', 'connections', (v) => Number(v), 10)
    .option('--workers <list>', 'worker counts to try, comma separated', '1,2')
    .option('--val-size <n>', 'value size', (v) => Number(v), 256)
    .parse([...argv], { from: 'user' })
    .opts<{ total: number; clients: number; conns: number; workers: string; valSize: number }>();
  const runs = await measureCeiling({ ...o, workers: o.workers.split(',').map(Number) });
  console.log(`load generator ceiling: put (val-size ${o.valSize}) against a null gRPC server, ${o.clients} clients, ${o.conns} connections, ${o.total} puts a run, ${availableParallelism()} cores`);
  console.log('');
  console.log('| workers | puts/s | p50 ms | p99 ms | generator CPU µs/put | one generator core drives | null server CPU |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const { workers, report, serverCpuPercent } of runs) {
    const perCore = report.clientCpuUsPerOp > 0 ? Math.round(1e6 / report.clientCpuUsPerOp) : 0;
    console.log(
      `| ${workers} | ${Math.round(report.throughput)} | ${ms(report.latency.p50Ms)} | ${ms(report.latency.p99Ms)} | ${report.clientCpuUsPerOp.toFixed(1)} | ${perCore} puts/s | ${Math.round(serverCpuPercent)} % |` +
        (report.errors > 0 ? ` (${report.errors} errors)` : ''),
    );
  }
}
