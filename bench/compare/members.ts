// What the harness reads from the member processes themselves: RSS and peak RSS (/proc/<pid>/status), data
// dir size on disk, CPU time (/proc/<pid>/stat), and which members have died.

import { readdirSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessCluster } from '../../test/support/process-cluster.js';
import { memoryMiB, processCpuSeconds } from '../process-usage.js';

export interface MemberFigures {
  name: string;
  rssMiB: number;
  peakRssMiB: number;
  dataDirMiB: number;
}

/** Bytes a directory takes on disk, as du counts them (allocated blocks). */
function diskUsage(path: string): number {
  let bytes = 0;
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return 0;
  }
  bytes += stat.blocks * 512;
  if (stat.isDirectory()) for (const entry of readdirSync(path)) bytes += diskUsage(join(path, entry));
  return bytes;
}

export function memberFigures(cluster: ProcessCluster): MemberFigures[] {
  return cluster.members.map((m) => ({
    name: m.name,
    rssMiB: memoryMiB(m.process!.pid!, 'VmRSS'),
    peakRssMiB: memoryMiB(m.process!.pid!, 'VmHWM'),
    dataDirMiB: diskUsage(m.dataDir) / (1024 * 1024),
  }));
}

/** CPU seconds (user + system) each member has used so far, in member order. */
export function memberCpuSeconds(cluster: ProcessCluster): number[] {
  return cluster.members.map((m) => (m.process?.pid === undefined ? 0 : processCpuSeconds(m.process.pid)));
}

/** Members that have exited since the last look, with how; `log` gets the end of each one's log. */
export function deadMembers(cluster: ProcessCluster, name: string, reported: Set<string>, log: (message: string) => void): string[] {
  const dead: string[] = [];
  for (const m of cluster.members) {
    const child = m.process;
    if (!child || (child.exitCode === null && child.signalCode === null)) continue;
    const key = `${cluster.dir}/${m.name}`;
    if (reported.has(key)) continue;
    reported.add(key);
    const how = `${name} member ${m.name} of ${cluster.members.length} exited (${child.signalCode ?? `code ${child.exitCode}`})`;
    dead.push(how);
    log(`${how}; the end of its log:\n${m.log.split('\n').slice(-30).join('\n')}`);
  }
  return dead;
}
