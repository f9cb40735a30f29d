// `npm run bench -- http2-floor [--rounds 3] [--total 100000]`: the CPU a server spends per unary gRPC call
// when it does nothing else, layer by layer (see null-servers.ts): Node's HTTP/2 server, the client port's
// own front end and unary path, hand-made HTTP/2 frames, and grpc-go (go-null/, the server etcd is built on).
// Each runs in a process of its own, one at a time, driven by the Go load generator (etcd's clientv3): put
// from 200 clients over 20 connections, a warm-up of the same size untimed, then the timed calls with the
// server's CPU (user + system, /proc) read over exactly that phase.

import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { goBinary, goLoadBinary, runGoLoad } from '../compare/go-load.js';
import { loadSpec } from '../load/options.js';
import { processCpuSeconds } from '../process-usage.js';

const HERE = dirname(fileURLToPath(import.meta.url));

interface Server {
  name: string;
  what: string;
  start: () => ChildProcess;
}

interface Figures {
  serverCpuUsPerCall: number;
  callsPerSecond: number;
  generatorCpuUsPerCall: number;
}

/** Resolves with the port `child` listens on, once it printed "listening PORT". */
function listening(child: ChildProcess, name: string): Promise<number> {
  return new Promise((resolveListening, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const port = /listening (\d+)\n/.exec(out)?.[1];
      if (port !== undefined) resolveListening(Number(port));
    });
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}) before listening`)));
  });
}

async function measure(server: Server, go: string, total: number): Promise<Figures> {
  const child = server.start();
  try {
    const port = await listening(child, server.name);
    const spec = loadSpec('put', { endpoints: [`127.0.0.1:${port}`], clients: 200, conns: 20, total, keySize: 8, valSize: 256, keySpaceSize: 100_000 });
    await runGoLoad(go, spec, () => {}, 10 * 60_000);
    let before = 0;
    const report = await runGoLoad(go, spec, () => (before = processCpuSeconds(child.pid!)), 10 * 60_000);
    if (report.errors > 0) throw new Error(`${server.name}: ${report.errors} calls failed (${Object.keys(report.errorMessages)[0]})`);
    return {
      serverCpuUsPerCall: ((processCpuSeconds(child.pid!) - before) * 1e6) / report.count,
      callsPerSecond: report.throughput,
      generatorCpuUsPerCall: report.clientCpuUsPerOp,
    };
  } finally {
    child.kill('SIGKILL');
    if (child.exitCode === null && child.signalCode === null) await new Promise((resolveExit) => child.once('exit', resolveExit));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function benchHttp2Floor(argv: readonly string[]): Promise<void> {
  const o = new Command('bench http2-floor')
    .option('--rounds <n>', 'times to measure each server', (v) => Number(v), 3)
    .option('--total <n>', 'timed calls per measurement', (v) => Number(v), 100_000)
    .parse(argv, { from: 'user' })
    .opts<{ rounds: number; total: number }>();
  const log = (message: string): void => console.error(`[http2-floor] ${message}`);
  const go = goLoadBinary(log);
  if (go === undefined) process.exit(1);
  const nodeServer = (kind: string, what: string): Server => ({
    name: kind,
    what,
    start: () => spawn(process.execPath, ['--import', 'tsx', join(HERE, 'null-servers.ts'), kind], { stdio: ['ignore', 'pipe', 'inherit'] }),
  });
  const servers: Server[] = [
    nodeServer('node-http2', "Node's HTTP/2 server, answering as the client API does"),
    nodeServer('lean', "the client port's own HTTP/2 front end and unary path (HPACK, decode, handler, encode)"),
    nodeServer('frames', 'HTTP/2 frames by hand in JavaScript (no header decoding)'),
  ];
  const goNull = goBinary('bench/http2-floor/go-null', 'barge-go-null', 'the grpc-go null server', log);
  if (goNull !== undefined) {
    servers.push({ name: 'grpc-go', what: "grpc-go (etcd's gRPC server), a KV service answering at once", start: () => spawn(goNull, [], { stdio: ['ignore', 'pipe', 'inherit'] }) });
  }
  const results = new Map<string, Figures[]>(servers.map((s) => [s.name, []]));
  for (let round = 1; round <= o.rounds; round++) {
    for (const server of servers) {
      const figures = await measure(server, go, o.total);
      results.get(server.name)!.push(figures);
      log(`round ${round}/${o.rounds} ${server.name}: ${figures.serverCpuUsPerCall.toFixed(1)} µs of server CPU per call, ${Math.round(figures.callsPerSecond)} calls/s`);
    }
  }
  console.log(`| server | server CPU µs per call (median of ${o.rounds}) | each round | calls/s | generator CPU µs per call |`);
  console.log('| --- | --- | --- | --- | --- |');
  for (const server of servers) {
    const runs = results.get(server.name)!;
    const cpu = runs.map((r) => r.serverCpuUsPerCall);
    console.log(
      `| ${server.what} | ${median(cpu).toFixed(1)} | ${cpu.map((v) => v.toFixed(1)).join(', ')} | ${Math.round(median(runs.map((r) => r.callsPerSecond))).toLocaleString('en-US')} | ${median(runs.map((r) => r.generatorCpuUsPerCall)).toFixed(1)} |`,
    );
  }
}
