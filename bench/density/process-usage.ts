// CPU time and memory of a process from /proc, for the per-component figures.

import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on Linux everywhere Node runs

export interface Usage {
  /** User + system CPU seconds so far. */
  readonly cpuSeconds: number;
  readonly rssMiB: number;
  /** Peak resident set size. */
  readonly hwmMiB: number;
}

export function usageOf(pid: number): Usage | undefined {
  try {
    // The command name may hold spaces and parentheses: fields count from the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { cpuSeconds, rssMiB: kib('VmRSS') / 1024, hwmMiB: kib('VmHWM') / 1024 };
  } catch {
    return undefined; // the process has exited
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
