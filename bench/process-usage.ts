// What the benchmarks read about a process from /proc: CPU time, resident memory, children.

import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on Linux everywhere Node runs

/**
 * The fields of a /proc stat file after the command name, so that field n of proc(5) is at index n - 3. The
 * name may hold spaces and parentheses: fields count from the last ')'.
 */
export function statFieldsAfterName(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** User + system CPU seconds a process has used so far (0 once it has exited, or without /proc). */
export function processCpuSeconds(pid: number): number {
  try {
    const fields = statFieldsAfterName(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Resident memory now (VmRSS) or at its peak (VmHWM), in MiB; 0 once the process has exited. */
export function memoryMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** The direct children of a process, with their command lines. */
export function childrenOf(pid: number): Array<{ pid: number; command: string }> {
  let text = '';
  try {
    text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8');
  } catch {
    return [];
  }
  return text
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((child) => ({ pid: Number(child), command: readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0').join(' ') }));
}

/**
 * User + system CPU seconds of a process's threads so far, summed by role: the main thread (JavaScript),
 * V8's helpers (GC, compiler), libuv's pool (file system calls, LevelDB's writes and fsyncs), and the rest
 * (LevelDB's own compaction thread among them), by the thread names Node and its libraries give.
 */
export function threadCpuSeconds(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  forEachThread(pid, 'stat', (stat, tid) => {
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = statFieldsAfterName(stat);
    const role = tid === String(pid) ? 'main' : name.startsWith('V8') ? 'v8' : name.startsWith('libuv') ? 'libuv' : 'other';
    out[role] = (out[role] ?? 0) + (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  });
  return out;
}

/** Calls `visit` with each thread's /proc/<pid>/task/<tid>/<file>; none without /proc or once the process has exited. */
function forEachThread(pid: number, file: string, visit: (text: string, tid: string) => void): void {
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return;
  }
  for (const tid of tids) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/task/${tid}/${file}`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    visit(text, tid);
  }
}

/** The machine's CPU time so far, all cores, in ticks: idle (and waiting for I/O) and in all (/proc/stat). */
export function machineCpuTicks(): { idle: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  // user nice system idle iowait irq softirq steal
  return { idle: fields[3]! + fields[4]!, total: fields.reduce((a, b) => a + b, 0) };
}

/**
 * What the scheduler did for a process so far, all its threads summed (/proc/<pid>/task/<tid>/schedstat):
 * milliseconds on a core, milliseconds runnable but waiting for one, and how many times it was put on one.
 * Zeros without /proc or once the process has exited; a thread that has ended takes its share with it.
 */
export function schedulerStats(pid: number): { runMs: number; waitMs: number; slices: number } {
  const out = { runMs: 0, waitMs: 0, slices: 0 };
  forEachThread(pid, 'schedstat', (text) => {
    const [run, wait, slices] = text.trim().split(' ').map(Number);
    out.runMs += run! / 1e6;
    out.waitMs += wait! / 1e6;
    out.slices += slices!;
  });
  return out;
}
