// `npx tsx bench/profile-summary.ts FILE.cpuprofile [--top 40] [--skip SECONDS] [--last SECONDS]`
//
// Where a member's CPU went, from a V8 CPU profile (`node --cpu-prof`, see bench/store-cpu.ts): self time
// by package or source file (ours by file, node_modules by package, Node's internals, the GC and the idle
// loop apart), then the functions with the most self time and the most total time (each counted once per
// sample however deep it recurs). `--skip` leaves out the first seconds of the profile (the member's start:
// loading and compiling its modules); `--last` keeps only its last seconds (bench/store-cpu.ts stops the
// members right after the last workload, so that is the workload alone, without start-up and warm-up).

import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file) throw new Error('usage: profile-summary FILE.cpuprofile [--top N]');
const topAt = process.argv.indexOf('--top');
const top = topAt > 0 ? Number(process.argv[topAt + 1]) : 40;
const skipAt = process.argv.indexOf('--skip');
const lastAt = process.argv.indexOf('--last');
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const span = profile.timeDeltas.reduce((sum, us) => sum + us, 0);
const skipUs = Math.max(skipAt > 0 ? Number(process.argv[skipAt + 1]) * 1e6 : 0, lastAt > 0 ? span - Number(process.argv[lastAt + 1]) * 1e6 : 0);

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);

/** Where a frame's code lives: one of our files, a package, Node itself, or V8's pseudo-frames. */
function place(frame: CallFrame): string {
  const url = frame.url;
  if (url === '') return `(${frame.functionName || 'native'})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const src = /\/(src\/.*|bin\/.*|node_modules\/\.cache\/.*)$/.exec(url);
  return src ? src[1]! : url;
}

const label = (frame: CallFrame): string => `${frame.functionName || '(anonymous)'} ${place(frame)}:${frame.lineNumber + 1}`;

const selfByPlace = new Map<string, number>();
const selfByFunction = new Map<string, number>();
const totalByFunction = new Map<string, number>();
let all = 0;
let elapsed = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const us = profile.timeDeltas[i] ?? 0;
  elapsed += us;
  if (elapsed < skipUs) continue;
  const node = byId.get(profile.samples[i]!)!;
  all += us;
  const where = place(node.callFrame);
  selfByPlace.set(where, (selfByPlace.get(where) ?? 0) + us);
  const own = label(node.callFrame);
  selfByFunction.set(own, (selfByFunction.get(own) ?? 0) + us);
  const seen = new Set<string>();
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    const name = label(byId.get(id)!.callFrame);
    if (seen.has(name)) continue;
    seen.add(name);
    totalByFunction.set(name, (totalByFunction.get(name) ?? 0) + us);
  }
}

const idle = selfByPlace.get('((idle))') ?? 0;
const busy = all - idle;
const pct = (us: number): string => `${((100 * us) / busy).toFixed(1).padStart(5)} %`;
function print(title: string, table: Map<string, number>, skip: (key: string) => boolean = () => false): void {
  console.log(`\n${title}`);
  const rows = [...table].filter(([key]) => !skip(key)).sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [key, us] of rows) console.log(`${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
}

console.log(`${file}: ${(all / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (percentages are of the busy time)`);
print('self time by place', selfByPlace, (k) => k === '((idle))');
print('self time by function', selfByFunction, (k) => k.startsWith('(idle)'));
print('total time by function', totalByFunction, (k) => k.startsWith('(idle)') || k.startsWith('(root)'));
