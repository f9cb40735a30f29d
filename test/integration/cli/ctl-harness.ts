// Runs etcdctl and bargectl side by side with the same arguments and stdin, and masks only what differs
// between two consecutive calls (log timestamps and client ids, measured durations, and — for writes,
// which the two make on distinct keys — revisions).

import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { resolve } from 'node:path';

export const BARGECTL = resolve(import.meta.dirname, '../../../bin/bargectl.js');

export interface Run {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number;
}

export interface RunOptions {
  readonly input?: string | Buffer;
  /** Stdin written over time instead of `input`: strings are written, numbers are pauses in ms. */
  readonly script?: readonly (string | number)[];
  readonly env?: Record<string, string>;
  readonly timeoutMs?: number;
}

/** The environment without any ETCDCTL_* variable of the caller's. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ETCDCTL_')) env[k] = v;
  return { ...env, ETCDCTL_API: '3', ...extra };
}

/** A run still going: what it printed so far, signals, and its end. */
export interface LiveRun {
  readonly stdout: () => string;
  /** Resolves with stdout once it holds at least `count` lines; rejects after `timeoutMs`. */
  lines(count: number, timeoutMs?: number): Promise<string>;
  kill(signal: NodeJS.Signals): void;
  readonly done: Promise<Run>;
}

/** Starts a tool; it is killed (SIGKILL) after `timeoutMs` (default 30 s) if it has not ended by then. */
export function startTool(tool: 'etcdctl' | 'bargectl', args: readonly string[], options: RunOptions = {}): LiveRun {
  const command = tool === 'etcdctl' ? ['etcdctl'] : [process.execPath, BARGECTL];
  const child = spawn(command[0]!, [...command.slice(1), ...args], { env: cleanEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let closed = false;
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('latin1').on('data', (c: string) => {
    stdout += c;
    for (const check of waiters) check();
  });
  child.stderr.setEncoding('latin1').on('data', (c: string) => (stderr += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  const done = new Promise<Run>((resolveRun, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      closed = true;
      for (const check of waiters) check();
      resolveRun({ stdout, stderr, status: code ?? (signal ? 128 + constants.signals[signal] : -1) });
    });
  });
  child.stdin.on('error', () => {});
  if (!options.script) child.stdin.end(options.input ?? '');
  else
    void (async () => {
      for (const step of options.script!) {
        if (typeof step === 'number') await new Promise((r) => setTimeout(r, step));
        else if (!child.stdin.destroyed) child.stdin.write(step);
      }
      child.stdin.end();
    })().catch((err: unknown) => {
      // Shows in the run's stderr, so the comparison fails with the reason instead of a short input.
      stderr += `ctl-harness: writing the stdin script failed: ${err instanceof Error ? err.message : String(err)}\n`;
      child.kill('SIGKILL');
    });
  return {
    stdout: () => stdout,
    lines: (count, timeoutMs = 10_000) =>
      new Promise((resolveLines, reject) => {
        const limit = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${tool} ${args.join(' ')}: ${count} lines not printed in ${timeoutMs} ms; stdout ${JSON.stringify(stdout)}, stderr ${JSON.stringify(stderr)}`));
        }, timeoutMs);
        const check = () => {
          if (stdout.split('\n').length - 1 < count && !closed) return;
          clearTimeout(limit);
          waiters.delete(check);
          resolveLines(stdout);
        };
        waiters.add(check);
        check();
      }),
    kill: (signal) => child.kill(signal),
    done,
  };
}

export function runTool(tool: 'etcdctl' | 'bargectl', args: readonly string[], options: RunOptions = {}): Promise<Run> {
  return startTool(tool, args, options).done;
}

/** Masks what two consecutive runs legitimately disagree on. */
export function mask(text: string): string {
  return text
    .replace(/"ts":"[^"]*"/g, '"ts":"<ts>"')
    .replace(/client-[0-9a-f-]{36}/g, 'client-<uuid>')
    .replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6} /gm, '<time> ')
    .replace(/took = [0-9.]+[µmn]?s/g, 'took = <d>')
    .replace(/"took":"[0-9.]+[µmn]?s"/g, '"took":"<d>"')
    .replace(/"Took" : [0-9.]+[µmn]?s/g, '"Took" : <d>')
    .replace(/\| +[0-9.]+[µmn]?s \|/g, (m) => `| ${'<d>'.padStart(m.length - 4)} |`);
}

/** Also masks revisions and raft positions (for writes, which move them). */
export function maskRevisions(text: string): string {
  return mask(text)
    .replace(/"(revision|create_revision|mod_revision|raftIndex|raftAppliedIndex|compact_revision)":\d+/g, '"$1":<n>')
    .replace(/"(Revision|CreateRevision|ModRevision|PrevCreateRevision|PrevModRevision|RaftIndex|RaftAppliedIndex)" : \d+/g, '"$1" : <n>')
    .replace(/compacted revision \d+/g, 'compacted revision <n>');
}

export interface Pair {
  readonly etcdctl: Run;
  readonly bargectl: Run;
}

/** Both tools with the same arguments, one after the other (etcdctl first). */
export async function both(args: readonly string[], options: RunOptions = {}): Promise<Pair> {
  const etcdctl = await runTool('etcdctl', args, options);
  const bargectl = await runTool('bargectl', args, options);
  return { etcdctl, bargectl };
}

/** A run as one comparable text. */
export function transcript(run: Run, masker: (text: string) => string = mask): string {
  return `status ${run.status}\n--- stdout\n${masker(run.stdout)}--- stderr\n${masker(run.stderr)}`;
}

/** Runs `tasks` with at most `limit` at a time, keeping their order in the result. */
export async function pool<T>(limit: number, tasks: readonly (() => Promise<T>)[]): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
      }
    }),
  );
  return results;
}
