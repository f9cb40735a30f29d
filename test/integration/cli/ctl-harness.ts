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
  /** Set when the run was killed because it outlived its timeout (a hang, or a stop condition never met). */
  readonly timedOut?: boolean;
}

/** What a run has printed so far, and whether it has ended. */
export interface Seen {
  readonly stdout: string;
  readonly stderr: string;
  readonly ended: boolean;
}

/**
 * A step of stdin written over time: a string is written; a function waits until what the tool printed
 * satisfies it (or the tool ended); a promise waits for something outside the run; a number lets that
 * many ms of real time pass, only for what is defined by time (a TTL), never to wait for output.
 */
export type ScriptStep = string | ((seen: Seen) => boolean) | Promise<unknown> | number;

export interface RunOptions {
  readonly input?: string | Buffer;
  /** Stdin written over time instead of `input`; it ends after the last step. */
  readonly script?: readonly ScriptStep[];
  readonly env?: Record<string, string>;
  /** The run is killed (SIGKILL) after this long, default 30 s: a bound, never the expected end. */
  readonly timeoutMs?: number;
  /** A run that never ends by itself is stopped (SIGKILL) as soon as what it printed satisfies this. */
  readonly stopWhen?: (seen: Seen) => boolean;
}

/** Whether `text` occurs at least `times` times in `within`. */
export function printed(within: string, text: string, times = 1): boolean {
  return within.split(text).length - 1 >= times;
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
  /** Resolves once what the tool printed satisfies `check`, or it ended; rejects after `timeoutMs`. */
  until(what: string, check: (seen: Seen) => boolean, timeoutMs?: number): Promise<Seen>;
  /** Resolves with stdout once it holds at least `count` lines (or the tool ended); rejects after `timeoutMs`. */
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
  let ended = false;
  let timedOut = false;
  const seen = (): Seen => ({ stdout, stderr, ended });
  // Checked on every chunk of output and at the end: waits follow the output, not the clock.
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const check of waiters) check();
  };
  /** Resolves once `check` holds or the tool ended; the run's own timeout bounds it. */
  const waitFor = (check: (s: Seen) => boolean): Promise<Seen> =>
    new Promise((resolveSeen) => {
      const waiter = () => {
        if (!ended && !check(seen())) return;
        waiters.delete(waiter);
        resolveSeen(seen());
      };
      waiters.add(waiter);
      waiter();
    });
  const until = async (what: string, check: (s: Seen) => boolean, timeoutMs = 30_000): Promise<Seen> => {
    let limit: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      limit = setTimeout(() => reject(new Error(`${tool} ${args.join(' ')}: ${what} not seen in ${timeoutMs} ms; stdout ${JSON.stringify(stdout)}, stderr ${JSON.stringify(stderr)}`)), timeoutMs);
    });
    try {
      return await Promise.race([waitFor(check), late]);
    } finally {
      clearTimeout(limit);
    }
  };
  const stopWhen = options.stopWhen;
  // A stop that fails is reported; the run's own timeout still ends it.
  if (stopWhen) waitFor(stopWhen).then(() => child.kill('SIGKILL')).catch((error: unknown) => console.error(`${tool} ${args.join(' ')}: stopping failed`, error));
  child.stdout.setEncoding('latin1').on('data', (c: string) => {
    stdout += c;
    notify();
  });
  child.stderr.setEncoding('latin1').on('data', (c: string) => {
    stderr += c;
    notify();
  });
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 30_000);
  const done = new Promise<Run>((resolveRun, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      ended = true;
      notify();
      resolveRun({ stdout, stderr, status: code ?? (signal ? 128 + constants.signals[signal] : -1), ...(timedOut ? { timedOut } : {}) });
    });
  });
  child.stdin.on('error', () => {});
  if (!options.script) child.stdin.end(options.input ?? '');
  else
    // A failed outside wait ends stdin, as its last step would.
    void (async () => {
      for (const step of options.script!) {
        if (typeof step === 'string') {
          if (!child.stdin.destroyed) child.stdin.write(step);
        } else if (typeof step === 'number') await new Promise((r) => setTimeout(r, step));
        else if (typeof step === 'function') await waitFor(step);
        else await step;
      }
      child.stdin.end();
    })().catch(() => child.stdin.end());
  return {
    stdout: () => stdout,
    until,
    lines: async (count, timeoutMs = 30_000) => (await until(`${count} lines`, (s) => s.stdout.split('\n').length - 1 >= count, timeoutMs)).stdout,
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
