// The Go load generator (bench/go-load, on etcd's clientv3): built when `go` is on the PATH, in GOPATH mode
// against Debian's golang-etcd-server-dev (no module downloads), into a gitignored dir; then run with a
// handshake so that the caller can sample the servers' CPU exactly over its timed phase.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LatencySummary } from '../load/histogram.js';
import type { LoadSpec } from '../load/options.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const GO_BUILD_DIR = join(REPO, 'bench/.go-build');
/** Where Debian's golang-*-dev packages put their sources. */
const DEBIAN_GOPATH = '/usr/share/gocode';

/** What the harness reads alike from either generator's report. */
export interface GeneratorFigures {
  count: number;
  errors: number;
  errorMessages: Record<string, number>;
  elapsedSec: number;
  throughput: number;
  latency: Omit<LatencySummary, 'stddevMs'>;
  clientCpuUsPerOp: number;
  /** Watch workloads, Node generator: the responses that carried events. */
  eventResponses?: number;
}

/** What the Go generator prints. */
export interface GoReport extends GeneratorFigures {
  workload: string;
  generator: 'go';
  expected: number;
}

/** The binary, (re)built if its sources are newer; undefined (with the reason) when there is no Go toolchain. */
export function goLoadBinary(log: (message: string) => void): string | undefined {
  return goBinary('bench/go-load', 'barge-go-load', 'the Go load generator', log);
}

/**
 * A Go program of bench/ (`source`, a directory of the repository) built into bench/.go-build as `name` if its
 * sources are newer, in GOPATH mode against Debian's packages; undefined (with the reason) when it cannot be.
 */
export function goBinary(source: string, name: string, what: string, log: (message: string) => void): string | undefined {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
  } catch {
    log(`no \`go\` on the PATH: ${what} is skipped (apt-get install golang-go golang-etcd-server-dev)`);
    return undefined;
  }
  const binary = join(GO_BUILD_DIR, name);
  const newest = Math.max(...readdirSync(join(REPO, source)).map((f) => statSync(join(REPO, source, f)).mtimeMs));
  if (existsSync(binary) && statSync(binary).mtimeMs >= newest) return binary;
  log(`building ${what} (GOPATH mode, against Debian's Go packages)`);
  mkdirSync(GO_BUILD_DIR, { recursive: true });
  try {
    execFileSync('go', ['build', '-o', binary, `./${source}`], {
      cwd: REPO,
      env: { ...process.env, GO111MODULE: 'off', GOPATH: process.env['GOPATH'] ?? DEBIAN_GOPATH, GOFLAGS: '' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  } catch (err) {
    log(`${what} did not build (${err instanceof Error ? err.message.split('\n')[0] : String(err)}): skipped`);
    return undefined;
  }
  return binary;
}

/** The Go generator's flags for a Node load spec (the workloads both have: put, range, txn-put, watch). */
function goArgs(spec: LoadSpec): string[] {
  return [
    `-endpoints=${spec.endpoints.join(',')}`,
    `-workload=${spec.workload}`,
    `-clients=${spec.clients}`,
    `-conns=${spec.conns}`,
    `-total=${spec.total}`,
    `-key-size=${spec.keySize}`,
    `-val-size=${spec.valSize}`,
    `-key-space-size=${spec.keySpaceSize}`,
    `-sequential-keys=${spec.sequentialKeys}`,
    `-consistency=${spec.consistency}`,
    `-key=${spec.key}`,
    `-streams=${spec.streams}`,
    `-watch-per-stream=${spec.watchPerStream}`,
    `-watched-key-total=${spec.watchedKeyTotal}`,
    `-put-total=${spec.putTotal}`,
    `-request-timeout=${spec.requestTimeoutMs}ms`,
    '-handshake',
  ];
}

/** Runs one workload; `onTimedPhase` is called once the generator is connected and warmed up, just before it starts. */
export function runGoLoad(binary: string, spec: LoadSpec, onTimedPhase: () => void, timeoutMs: number): Promise<GoReport> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(binary, goArgs(spec), { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let started = false;
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!started && stdout.startsWith('ready\n')) {
        started = true;
        onTimedPhase();
        child.stdin.write('go\n');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      const json = stdout.split('\n').find((line) => line.startsWith('{'));
      if (code !== 0 || json === undefined) {
        reject(new Error(`Go load generator exited (${signal ?? code}): ${stderr.trim().split('\n').slice(-3).join(' / ')}`));
        return;
      }
      resolveRun(JSON.parse(json) as GoReport);
    });
  });
}
