// CPU profiles of the control plane's processes during a density run. Node 20 refuses --cpu-prof in
// NODE_OPTIONS, and `barge up` starts its children itself, so a tiny module preloaded with --import starts
// the in-process profiler and writes <dir>/<pid>.cpuprofile when the process exits (every component
// exits through process.exit on SIGTERM). The summary ranks functions by self and by inclusive time, as
// the bottom-up and top-down views of a profiler do.

import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const PRELOAD = `import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.start');
process.on('exit', () => {
  // The in-thread session answers synchronously, so this runs before the process is gone.
  session.post('Profiler.stop', (error, result) => {
    if (!error) writeFileSync(new URL('./' + process.pid + '.cpuprofile', import.meta.url), JSON.stringify(result.profile));
  });
});
`;

/** NODE_OPTIONS that profile every Node process started with them, into `dir`. */
export function profilingNodeOptions(dir: string): string {
  const preload = join(dir, 'profiler.mjs');
  writeFileSync(preload, PRELOAD);
  return [process.env['NODE_OPTIONS'], `--import=${preload}`].filter(Boolean).join(' ');
}

/** Renames <pid>.cpuprofile to <component>.cpuprofile; returns the files by component. */
export function nameProfiles(dir: string, components: ReadonlyMap<string, number>): Map<string, string> {
  const named = new Map<string, string>();
  const present = new Set(readdirSync(dir));
  for (const [component, pid] of components) {
    if (!present.has(`${pid}.cpuprofile`)) continue;
    const file = join(dir, `${component.replace(/\s+/g, '-')}.cpuprofile`);
    renameSync(join(dir, `${pid}.cpuprofile`), file);
    named.set(component, file);
  }
  return named;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionCost {
  readonly name: string;
  readonly selfMs: number;
  readonly totalMs: number;
}

export interface ProfileSummary {
  readonly sampledMs: number;
  /** Time the process sat waiting for I/O or timers. */
  readonly idleMs: number;
  readonly functions: FunctionCost[];
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*\//, '');
  return `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
}

/** Self and inclusive milliseconds per function (a recursive function counts once per sample). */
export function summarizeProfile(file: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let sampledMs = 0;
  let idleMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    sampledMs += ms;
    const leaf = byId.get(id)!;
    if (leaf.callFrame.functionName === '(idle)') {
      idleMs += ms;
      return;
    }
    self.set(frameName(leaf), (self.get(frameName(leaf)) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = frameName(byId.get(at)!);
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + ms);
    }
  });
  const functions = [...total].map(([name, totalMs]) => ({ name, selfMs: self.get(name) ?? 0, totalMs }));
  return { sampledMs, idleMs, functions };
}

/** The top `count` functions by self time and by inclusive time, as text. */
export function formatSummary(component: string, summary: ProfileSummary, count = 15): string {
  const busy = summary.sampledMs - summary.idleMs;
  const pct = (ms: number): string => `${((100 * ms) / Math.max(busy, 1e-9)).toFixed(1)}%`;
  const row = (f: FunctionCost, ms: number): string => `  ${ms.toFixed(0).padStart(8)} ms ${pct(ms).padStart(6)}  ${f.name}`;
  const bySelf = [...summary.functions].sort((a, b) => b.selfMs - a.selfMs).slice(0, count);
  const byTotal = [...summary.functions].filter((f) => !f.name.startsWith('(root)')).sort((a, b) => b.totalMs - a.totalMs).slice(0, count);
  return [
    `${component}: ${(summary.sampledMs / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s busy (percentages of busy time)`,
    ' self:', ...bySelf.map((f) => row(f, f.selfMs)),
    ' inclusive:', ...byTotal.map((f) => row(f, f.totalMs)),
  ].join('\n');
}
