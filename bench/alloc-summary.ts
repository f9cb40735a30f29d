// `npx tsx bench/alloc-summary.ts FILE.heapprofile [--per N] [--top 25] [--focus TEXT]`
//
// Summarizes a sampling heap profile written by bench/alloc-sampler.ts: bytes allocated in all, and by the
// function that allocated them (file:line of the bundle or of Node's own modules), largest first; with
// `--per N` (say the requests served) each row also per request; `--focus TEXT` lists instead the call
// stacks (five frames, innermost first) of the samples with a frame containing TEXT.

import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children: ProfileNode[];
}
interface SamplingProfile {
  head: ProfileNode;
  samples: { size: number; nodeId: number }[];
}

const file = process.argv[2];
if (!file) throw new Error('usage: alloc-summary FILE.heapprofile [--per N] [--top N] [--focus TEXT]');
const option = (name: string): string | undefined => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const per = Number(option('per') ?? 0);
const top = Number(option('top') ?? 25);
const focus = option('focus');

const profile = JSON.parse(readFileSync(file, 'utf8')) as SamplingProfile;
const stacks = new Map<number, string[]>();
const visit = (node: ProfileNode, outer: readonly string[]): void => {
  const { functionName, url, lineNumber } = node.callFrame;
  const stack = [`${functionName || '(anonymous)'} ${url.split('/').pop() ?? ''}:${lineNumber + 1}`, ...outer];
  stacks.set(node.id, stack);
  for (const child of node.children) visit(child, stack);
};
visit(profile.head, []);

const totals = new Map<string, number>();
let all = 0;
for (const { size, nodeId } of profile.samples) {
  all += size;
  const stack = stacks.get(nodeId) ?? ['?'];
  if (focus !== undefined && !stack.some((frame) => frame.includes(focus))) continue;
  const key = focus === undefined ? stack[0]! : stack.slice(0, 5).join(' < ');
  totals.set(key, (totals.get(key) ?? 0) + size);
}

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1).padStart(8);
const perRequest = (bytes: number): string => (per > 0 ? `${Math.round(bytes / per).toLocaleString('en-US').padStart(8)} B/req` : '');
console.log(`${file}: ${mib(all).trim()} MiB allocated ${per > 0 ? `(${perRequest(all).trim()})` : ''}`);
for (const [key, bytes] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${mib(bytes)} MiB ${perRequest(bytes)}  ${key}`);
