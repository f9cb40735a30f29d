// `npx tsx bench/heap-summary.ts FILE.heapsnapshot [--top 30] [--per N]`
//
// What a member's JS heap holds, from a V8 heap snapshot (`node --heapsnapshot-signal=SIGUSR2`, then
// `kill -USR2 <pid>`): self size and count by object type and constructor name, largest first, and with
// `--per N` (say the number of keys written) each row's bytes per N. Self size only: a Buffer's row counts
// its view objects, and its bytes outside the heap show under the ArrayBuffers' backing stores (rows of
// type "native" when V8 reports them) and in the process's RSS.

import { readFileSync } from 'node:fs';

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

const file = process.argv[2];
if (!file) throw new Error('usage: heap-summary FILE.heapsnapshot [--top N] [--per N]');
const flag = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const top = flag('top', 30);
const per = flag('per', 0);

const heap = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot;
const fields = heap.snapshot.meta.node_fields;
const types = heap.snapshot.meta.node_types[0];
const width = fields.length;
const typeAt = fields.indexOf('type');
const nameAt = fields.indexOf('name');
const sizeAt = fields.indexOf('self_size');

const rows = new Map<string, { bytes: number; count: number }>();
let total = 0;
for (let i = 0; i < heap.nodes.length; i += width) {
  const type = types[heap.nodes[i + typeAt]!]!;
  const size = heap.nodes[i + sizeAt]!;
  // Strings, numbers and code by type alone: their names are their contents.
  const name = type === 'object' || type === 'native' || type === 'closure' ? `${type} ${heap.strings[heap.nodes[i + nameAt]!]}` : type;
  const row = rows.get(name) ?? { bytes: 0, count: 0 };
  row.bytes += size;
  row.count++;
  rows.set(name, row);
  total += size;
}

const mib = (bytes: number): string => (bytes / (1024 * 1024)).toFixed(1).padStart(8);
console.log(`${file}: ${mib(total).trim()} MiB of self size in ${(heap.nodes.length / width).toLocaleString('en-US')} objects`);
for (const [name, row] of [...rows].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, top)) {
  const perKey = per > 0 ? `  ${(row.bytes / per).toFixed(1).padStart(7)} B per key` : '';
  console.log(`${mib(row.bytes)} MiB  ${row.count.toLocaleString('en-US').padStart(11)}  ${(row.bytes / row.count).toFixed(0).padStart(6)} B each${perKey}  ${name}`);
}
