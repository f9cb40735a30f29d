// Runs a load spec: in this process (--workers 1) or spread over forked worker processes, which set up,
// wait at a common barrier, run their shares and send back their histograms; the parent adds them up.

import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { hrtime } from 'node:process';
import { fileURLToPath } from 'node:url';
import { findLeader } from './grpc.js';
import { Latency, type HistogramBucket, type LatencySummary } from './histogram.js';
import type { LoadSpec } from './options.js';
import { runShare, type ShareResult } from './workloads.js';

export interface Progress {
  done: number;
  errors: number;
  /** Operations (or events) expected in all; 0 until known. */
  expected: number;
}

export interface LoadReport {
  workload: string;
  endpoints: string[];
  workers: number;
  clients: number;
  conns: number;
  /** What was counted: requests, or (watch workloads) events delivered to watchers. */
  unit: 'requests' | 'events';
  /** Requests asked for, or events expected. */
  expected: number;
  /** Successful requests (or events received). */
  count: number;
  errors: number;
  errorMessages: Record<string, number>;
  elapsedSec: number;
  /** Successes per second over the timed phase. */
  throughput: number;
  latency: LatencySummary;
  histogram: HistogramBucket[];
  /** Latencies by kind: read/write (txn-mixed), watch-create (watch workloads). */
  parts: Record<string, LatencySummary>;
  /** CPU time the load generator itself spent per success, in microseconds (all its processes). */
  clientCpuUsPerOp: number;
  /** Watch workloads: the responses that carried events, all streams together. */
  eventResponses?: number;
  spec: LoadSpec;
}

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** `onTimedPhase` is called as every share starts its timed phase (after connecting and warming up). */
export async function runLoad(input: LoadSpec, onProgress?: (progress: Progress) => void, onTimedPhase?: () => void): Promise<LoadReport> {
  const spec: LoadSpec = { ...input };
  if (spec.targetLeader) spec.endpoints = [await findLeader(spec.endpoints, spec.requestTimeoutMs)];
  const isWatch = spec.workload === 'watch' || spec.workload === 'watch-latency';
  const workers = Math.max(1, Math.min(spec.workers, isWatch ? spec.streams : spec.clients));
  const results = workers === 1 ? [await runInProcess(spec, onProgress, onTimedPhase)] : await runForked(spec, workers, onProgress, onTimedPhase);
  return aggregate(spec, workers, results, isWatch);
}

async function runInProcess(spec: LoadSpec, onProgress?: (progress: Progress) => void, onTimedPhase?: () => void): Promise<ShareResult> {
  return runShare(spec, 0, 1, {
    progress: (done, errors) => onProgress?.({ done, errors, expected: expectedOf(spec) }),
    ready: async () => onTimedPhase?.(),
  });
}

/** Requests asked for; for watch workloads the events expected if every put reaches every watcher of its key. */
function expectedOf(spec: LoadSpec): number {
  if (spec.workload !== 'watch' && spec.workload !== 'watch-latency') return spec.total;
  let events = 0;
  const watchers = spec.streams * spec.watchPerStream;
  for (let key = 0; key < Math.min(spec.watchedKeyTotal, watchers); key++) {
    const watchersOfKey = Math.floor((watchers - 1 - key) / spec.watchedKeyTotal) + 1;
    const putsToKey = key < spec.putTotal ? Math.floor((spec.putTotal - 1 - key) / spec.watchedKeyTotal) + 1 : 0;
    events += watchersOfKey * putsToKey;
  }
  return events;
}

type WorkerMessage =
  | { type: 'progress'; done: number; errors: number }
  | { type: 'ready' }
  | { type: 'result'; result: ShareResult }
  | { type: 'failed'; message: string };

function workerEntry(): { file: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) return { file: resolve(dirname(here), 'worker.ts'), execArgv: ['--import', 'tsx'] };
  return { file: resolve(dirname(here), 'worker.js'), execArgv: [] };
}

async function runForked(spec: LoadSpec, workers: number, onProgress?: (progress: Progress) => void, onTimedPhase?: () => void): Promise<ShareResult[]> {
  if (workers > availableParallelism()) {
    process.stderr.write(`note: ${workers} workers on ${availableParallelism()} cores; the generator competes with itself\n`);
  }
  const entry = workerEntry();
  const children: ChildProcess[] = [];
  const progress = Array.from({ length: workers }, () => ({ done: 0, errors: 0 }));
  const results: ShareResult[] = new Array(workers);
  let ready = 0;
  let finished = 0;
  try {
    return await new Promise<ShareResult[]>((resolvePromise, reject) => {
      for (let index = 0; index < workers; index++) {
        const child = fork(entry.file, [], { cwd: REPO, execArgv: entry.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        children.push(child);
        child.on('message', (message: WorkerMessage) => {
          switch (message.type) {
            case 'progress': {
              progress[index] = { done: message.done, errors: message.errors };
              const sum = progress.reduce((a, p) => ({ done: a.done + p.done, errors: a.errors + p.errors }), { done: 0, errors: 0 });
              onProgress?.({ ...sum, expected: expectedOf(spec) });
              break;
            }
            case 'ready':
              if (++ready === workers) {
                onTimedPhase?.();
                for (const c of children) c.send({ type: 'go' });
              }
              break;
            case 'result':
              results[index] = message.result;
              if (++finished === workers) resolvePromise(results);
              break;
            case 'failed':
              reject(new Error(`worker ${index}: ${message.message}`));
              break;
          }
        });
        child.on('exit', (code, signal) => {
          if (results[index] === undefined) reject(new Error(`worker ${index} exited (${signal ?? code}) before reporting`));
        });
        child.send({ type: 'run', spec, index, workers });
      }
    });
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

function aggregate(spec: LoadSpec, workers: number, results: ShareResult[], isWatch: boolean): LoadReport {
  const merged: Record<string, Latency> = {};
  const errorMessages: Record<string, number> = {};
  let count = 0;
  let expected = 0;
  let cpuUs = 0;
  let eventResponses = 0;
  let start: bigint | undefined;
  let end: bigint | undefined;
  for (const result of results) {
    count += result.count;
    expected += result.expected;
    cpuUs += result.cpuUs;
    eventResponses += result.eventResponses ?? 0;
    for (const [message, n] of Object.entries(result.errors)) errorMessages[message] = (errorMessages[message] ?? 0) + n;
    for (const [name, encoded] of Object.entries(result.histograms)) {
      const h = Latency.decode(encoded);
      if (merged[name]) merged[name].add(h);
      else merged[name] = h;
    }
    const s = BigInt(result.startNs);
    const e = BigInt(result.endNs);
    if (start === undefined || s < start) start = s;
    if (end === undefined || e > end) end = e;
  }
  const elapsedSec = Number((end ?? hrtime.bigint()) - (start ?? hrtime.bigint())) / 1e9;
  const main = merged['main'] ?? Latency.create();
  const parts: Record<string, LatencySummary> = {};
  for (const [name, h] of Object.entries(merged)) if (name !== 'main') parts[name] = h.summary();
  const errors = Object.values(errorMessages).reduce((a, b) => a + b, 0);
  return {
    workload: spec.workload,
    endpoints: spec.endpoints,
    workers,
    clients: spec.clients,
    conns: Math.max(spec.conns, workers),
    unit: isWatch ? 'events' : 'requests',
    expected,
    count,
    errors,
    errorMessages,
    elapsedSec,
    throughput: elapsedSec > 0 ? count / elapsedSec : 0,
    latency: main.summary(),
    histogram: main.buckets(),
    parts,
    clientCpuUsPerOp: count > 0 ? cpuUs / count : 0,
    ...(isWatch ? { eventResponses } : {}),
    spec,
  };
}
