// Where the members' CPU time goes, sampled by Linux perf on CPU time rather than by V8's profiler on
// wall-clock time (bench/store-cpu.ts --perf). On a loaded machine a wall-clock profile charges to the
// function a thread was preempted in the time it waited for a core: a loopback socket write, which wakes
// the process that reads it, then looked like a fifth of a member's time when perf says the whole kernel
// side is under a tenth. Members run with --perf-basic-prof so that perf names their JavaScript frames.
//
// Each sample is charged to the innermost JavaScript frame on its stack, by whose code that is (ours,
// grpc-js, protobufjs, Node's HTTP/2 or other internals), with the native code it called (nghttp2 under
// Node's HTTP/2, the kernel under a socket write); samples with no JavaScript frame are the garbage
// collector, native HTTP/2 work the event loop does by itself, or the rest of the event loop; other
// threads (V8's compiler and GC helpers, libuv's pool) apart.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Samples per second per thread: enough for shares within a few per cent over a 10-second phase. */
const FREQUENCY = 499;

/** Whether perf can sample here (it needs the binary and permission to attach to the members). */
export function perfAvailable(): boolean {
  return spawnSync('perf', ['--version']).status === 0;
}

/** A perf recording of some processes, from now until stop(). */
export class PerfRecording {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  constructor(
    readonly file: string,
    pids: readonly number[],
  ) {
    this.child = spawn('perf', ['record', '-F', String(FREQUENCY), '-g', '-o', file, '-p', pids.join(',')], { stdio: 'ignore' });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  /** Ends the recording (perf writes its file on SIGINT). */
  async stop(): Promise<void> {
    this.child.kill('SIGINT');
    await this.exited;
  }
}

/** The perf maps the members' --perf-basic-prof left behind (Node writes one per process, never removes it). */
export function removePerfMaps(pids: readonly number[]): void {
  for (const pid of pids) rmSync(join(tmpdir(), `perf-${pid}.map`), { force: true });
}

interface Sample {
  readonly tid: number;
  /** Innermost first: symbol and the object it is in. */
  readonly frames: readonly { readonly sym: string; readonly dso: string }[];
}

function* samples(file: string): Generator<Sample> {
  const script = spawnSync('perf', ['script', '-i', file, '-F', 'tid,ip,sym,dso'], { maxBuffer: 1 << 30, encoding: 'utf8' });
  for (const block of script.stdout.split('\n\n')) {
    const lines = block.split('\n').filter((line) => line.trim() !== '');
    if (lines.length === 0) continue;
    const tid = Number(lines[0]!.trim().split(/\s+/)[0]);
    const frames = lines.slice(1).map((line) => {
      const match = /^\s*[0-9a-f]+ (.*?) \((.*)\)$/.exec(line);
      return { sym: match?.[1] ?? line.trim(), dso: match?.[2] ?? '' };
    });
    yield { tid, frames };
  }
}

/** Whose code a JavaScript frame is, from the file perf's map names for it. */
function owner(sym: string): string {
  if (sym.includes('/node_modules/.cache/barge/') || (sym.includes('/src/') && !sym.includes('/node_modules/'))) return 'Barge';
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(sym);
  if (pkg) return pkg[1]!;
  if (sym.includes(' node:internal/http2')) return "Node's HTTP/2 (JS)";
  if (sym.includes(' node:')) return `Node (${/ node:(?:internal\/)?([a-z_]+)/.exec(sym)?.[1] ?? 'other'})`;
  return 'other JS';
}

function nativeOwner(frames: Sample['frames']): string {
  const all = frames.map((f) => f.sym).join(' ');
  if (/Heap::|Scavenger|MarkCompact|Sweeper|GCTracer/.test(all)) return 'garbage collector';
  if (/nghttp2|http2::/.test(all)) return "Node's HTTP/2 (native, no JS)";
  return 'event loop and other native';
}

export interface PerfSummary {
  readonly samples: number;
  /** Share of all samples by owner (main threads), and for the members' other threads together. */
  readonly byOwner: readonly [string, number][];
  /** Share of samples with the kernel at the top of the stack (system calls, interrupts). */
  readonly kernel: number;
  /** Our functions by share of samples they are on the stack of (main threads). */
  readonly oursInclusive: readonly [string, number][];
}

/** Sums a recording of processes whose main thread ids are `mainTids` (a process's main thread id is its pid). */
export function summarizePerf(file: string, mainTids: readonly number[]): PerfSummary {
  const mains = new Set(mainTids);
  const byOwner = new Map<string, number>();
  const ours = new Map<string, number>();
  let total = 0;
  let kernel = 0;
  const add = (map: Map<string, number>, key: string): void => void map.set(key, (map.get(key) ?? 0) + 1);
  for (const sample of samples(file)) {
    total++;
    if (sample.frames[0]?.dso.includes('kernel')) kernel++;
    if (!mains.has(sample.tid)) {
      add(byOwner, 'other threads (compiler, GC helpers, libuv pool)');
      continue;
    }
    const js = sample.frames.find((f) => f.sym.startsWith('JS:'));
    add(byOwner, js ? owner(js.sym) : nativeOwner(sample.frames));
    const seen = new Set<string>();
    for (const frame of sample.frames) {
      if (!frame.sym.startsWith('JS:') || owner(frame.sym) !== 'Barge') continue;
      // "JS:*name file:line:column": the name, and the file's base name with the line.
      const name = frame.sym.replace(/^JS:\S?(\S*) .*\/([^/]+):(\d+):\d+$/, '$1 $2:$3');
      if (seen.has(name)) continue;
      seen.add(name);
      add(ours, name);
    }
  }
  const shares = (map: Map<string, number>): [string, number][] => [...map].map(([k, v]): [string, number] => [k, v / Math.max(1, total)]).sort((a, b) => b[1] - a[1]);
  return { samples: total, byOwner: shares(byOwner), kernel: kernel / Math.max(1, total), oursInclusive: shares(ours).slice(0, 25) };
}

export function formatPerfSummary(title: string, s: PerfSummary): string {
  const pct = (x: number): string => `${(100 * x).toFixed(1).padStart(5)} %`;
  return [
    `${title}: ${s.samples} samples (CPU time, all members), kernel at the top of the stack in ${pct(s.kernel).trim()}`,
    '  by whose code (the innermost JavaScript frame):',
    ...s.byOwner.map(([k, v]) => `  ${pct(v)}  ${k}`),
    "  Barge's functions, by samples they are on the stack of:",
    ...s.oursInclusive.map(([k, v]) => `  ${pct(v)}  ${k}`),
  ].join('\n');
}
