// The load generator's command line, modelled on etcd's `benchmark` tool: the same workload names, the same
// flags with the same defaults where etcd has them, plus --workers (processes), --json and --key-prefix.

import { Command, Option } from 'commander';

export const WORKLOADS = ['put', 'range', 'txn-put', 'txn-mixed', 'watch', 'watch-latency', 'lease-keepalive'] as const;
export type Workload = (typeof WORKLOADS)[number];

export function isWorkload(name: string): name is Workload {
  return (WORKLOADS as readonly string[]).includes(name);
}

export interface LoadSpec {
  workload: Workload;
  endpoints: string[];
  conns: number;
  clients: number;
  /** Operations in all (for watch workloads: puts are --put-total, and events are counted). */
  total: number;
  keySize: number;
  valSize: number;
  keySpaceSize: number;
  sequentialKeys: boolean;
  keyPrefix: string;
  consistency: 'l' | 's';
  /** Operations per second over all workers; 0 is no limit. */
  rate: number;
  targetLeader: boolean;
  workers: number;
  requestTimeoutMs: number;
  /** range and txn-mixed: the key (and range end) read. */
  key: string;
  end: string;
  limit: number;
  txnOps: number;
  rwRatio: number;
  streams: number;
  watchPerStream: number;
  watchedKeyTotal: number;
  putTotal: number;
  putRate: number;
}

/** Defaults that differ by workload, as etcd's benchmark has them. */
const WORKLOAD_DEFAULTS: Record<Workload, Partial<LoadSpec>> = {
  put: { total: 10_000, keySize: 8, valSize: 8 },
  range: { total: 10_000 },
  'txn-put': { total: 10_000, keySize: 8, valSize: 8 },
  'txn-mixed': { total: 10_000, keySize: 8, valSize: 8, limit: 1000 },
  watch: { keySize: 32, valSize: 32, streams: 10, watchPerStream: 100, putTotal: 1000, putRate: 0 },
  'watch-latency': { keySize: 32, valSize: 32, streams: 10, watchPerStream: 10, putTotal: 1000, putRate: 100 },
  'lease-keepalive': { total: 10_000 },
};

export const BASE_DEFAULTS: Omit<LoadSpec, 'workload'> = {
  endpoints: ['127.0.0.1:2379'],
  conns: 1,
  clients: 1,
  total: 10_000,
  keySize: 8,
  valSize: 8,
  keySpaceSize: 1,
  sequentialKeys: false,
  keyPrefix: '',
  consistency: 'l',
  rate: 0,
  targetLeader: false,
  workers: 1,
  requestTimeoutMs: 10_000,
  key: '',
  end: '',
  limit: 0,
  txnOps: 1,
  rwRatio: 1,
  streams: 10,
  watchPerStream: 100,
  watchedKeyTotal: 1,
  putTotal: 1000,
  putRate: 0,
};

/** A full spec from a workload and some overrides (what the compare harness uses). */
export function loadSpec(workload: Workload, overrides: Partial<LoadSpec> = {}): LoadSpec {
  const spec: LoadSpec = { ...BASE_DEFAULTS, ...WORKLOAD_DEFAULTS[workload], ...overrides, workload };
  validate(spec);
  return spec;
}

export function validate(spec: LoadSpec): void {
  const positive = ['conns', 'clients', 'keySize', 'keySpaceSize', 'workers', 'requestTimeoutMs', 'txnOps', 'streams', 'watchPerStream', 'watchedKeyTotal'] as const;
  for (const name of positive) {
    if (!Number.isInteger(spec[name]) || spec[name] <= 0) throw new Error(`--${kebab(name)} must be a positive integer, got ${spec[name]}`);
  }
  for (const name of ['total', 'valSize', 'rate', 'limit', 'putTotal', 'putRate'] as const) {
    if (!Number.isInteger(spec[name]) || spec[name] < 0) throw new Error(`--${kebab(name)} must be a non-negative integer, got ${spec[name]}`);
  }
  if (!(spec.rwRatio >= 0)) throw new Error(`--rw-ratio must be a non-negative number`);
  if (spec.consistency !== 'l' && spec.consistency !== 's') throw new Error(`--consistency must be l or s`);
  if (spec.endpoints.length === 0) throw new Error('--endpoints needs at least one endpoint');
  if ((spec.workload === 'range' || spec.workload === 'txn-mixed') && spec.key === '' && spec.end === '') {
    throw new Error(`${spec.workload} needs a key: ${spec.workload} <key> [end]`);
  }
  if (spec.workload === 'txn-put' && spec.txnOps > spec.keySpaceSize) {
    // One txn may not put the same key twice, as etcd refuses duplicate keys in a txn.
    throw new Error('--txn-ops must not exceed --key-space-size (a txn cannot put one key twice)');
  }
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function num(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`not a number: ${value}`);
  return n;
}

/** Parses `<workload> [key [end]] [flags]`; returns the spec and whether to print JSON. */
export function parseLoadArgs(argv: readonly string[]): { spec: LoadSpec; json: boolean } {
  const workloadName = argv[0] ?? '';
  if (!isWorkload(workloadName)) throw new Error(`unknown workload "${workloadName}"; known: ${WORKLOADS.join(', ')}`);
  const program = new Command(`bench ${workloadName}`)
    .exitOverride()
    .argument('[key]', 'range, txn-mixed: the key to read')
    .argument('[end]', 'range, txn-mixed: the end of the range read')
    .option('--endpoints <list>', 'gRPC endpoints, comma separated (host:port)', '127.0.0.1:2379')
    .option('--conns <n>', 'total number of gRPC connections', num)
    .option('--clients <n>', 'total number of concurrent clients', num)
    .option('--total <n>', 'total number of requests', num)
    .option('--key-size <n>', 'key size in bytes', num)
    .option('--val-size <n>', 'value size in bytes', num)
    .option('--key-space-size <n>', 'maximum possible keys', num)
    .option('--sequential-keys', 'use sequential keys (0, 1, 2, …) rather than random ones')
    .option('--key-prefix <prefix>', 'prepended to every key written (not in etcd\'s tool)')
    .addOption(new Option('--consistency <c>', 'linearizable (l) or serializable (s) reads').choices(['l', 's']))
    .option('--rate <n>', 'maximum requests per second (0 is no limit)', num)
    .option('--target-leader', 'send every request to the leader')
    .option('--limit <n>', 'range, txn-mixed: maximum keys returned per read', num)
    .option('--txn-ops <n>', 'txn-put: puts in each txn', num)
    .option('--rw-ratio <r>', 'txn-mixed: reads per write', num)
    .option('--streams <n>', 'watch: total watch streams', num)
    .option('--watch-per-stream <n>', 'watch: watchers on each stream', num)
    .option('--watched-key-total <n>', 'watch: distinct keys watched', num)
    .option('--put-total <n>', 'watch: puts to the watched keys', num)
    .option('--put-rate <n>', 'watch: puts per second (0 is no limit)', num)
    .option('--workers <n>', 'processes to spread clients over (1: this process)', num)
    .option('--request-timeout <seconds>', 'deadline of each request', num)
    .option('--json', 'print the report as JSON');
  program.parse([...argv.slice(1)], { from: 'user' });
  const o = program.opts<Record<string, string | number | boolean | undefined>>();
  const overrides: Partial<LoadSpec> = {};
  const set = <K extends keyof LoadSpec>(key: K, value: LoadSpec[K] | undefined): void => {
    if (value !== undefined) overrides[key] = value;
  };
  set('endpoints', String(o['endpoints']).split(',').map((e) => e.trim().replace(/^https?:\/\//, '')).filter((e) => e.length > 0));
  set('conns', o['conns'] as number | undefined);
  set('clients', o['clients'] as number | undefined);
  set('total', o['total'] as number | undefined);
  set('keySize', o['keySize'] as number | undefined);
  set('valSize', o['valSize'] as number | undefined);
  set('keySpaceSize', o['keySpaceSize'] as number | undefined);
  set('sequentialKeys', o['sequentialKeys'] as boolean | undefined);
  set('keyPrefix', o['keyPrefix'] as string | undefined);
  set('consistency', o['consistency'] as 'l' | 's' | undefined);
  set('rate', o['rate'] as number | undefined);
  set('targetLeader', o['targetLeader'] as boolean | undefined);
  set('limit', o['limit'] as number | undefined);
  set('txnOps', o['txnOps'] as number | undefined);
  set('rwRatio', o['rwRatio'] as number | undefined);
  set('streams', o['streams'] as number | undefined);
  set('watchPerStream', o['watchPerStream'] as number | undefined);
  set('watchedKeyTotal', o['watchedKeyTotal'] as number | undefined);
  set('putTotal', o['putTotal'] as number | undefined);
  set('putRate', o['putRate'] as number | undefined);
  set('workers', o['workers'] as number | undefined);
  const timeout = o['requestTimeout'] as number | undefined;
  if (timeout !== undefined) overrides.requestTimeoutMs = timeout * 1000;
  const [key, end] = program.processedArgs as [string | undefined, string | undefined];
  if (key !== undefined) overrides.key = key;
  if (end !== undefined) overrides.end = end;
  return { spec: loadSpec(workloadName, overrides), json: o['json'] === true };
}

/** The part of `count` that share `index` of `parts` gets, and where it starts. */
export function share(count: number, parts: number, index: number): { offset: number; count: number } {
  const base = Math.floor(count / parts);
  const extra = count % parts;
  return { offset: index * base + Math.min(index, extra), count: base + (index < extra ? 1 : 0) };
}
