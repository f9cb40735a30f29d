// One worker's share of a load run: its connections, its clients and its slice of the operations. The same
// code runs in the parent process (--workers 1) or in each forked worker; `hooks` carry progress out and let
// the parent start every worker's timed phase at once.

import { hrtime } from 'node:process';
import type * as grpc from '@grpc/grpc-js';
import { Connection, errorMessage, type Message } from './grpc.js';
import { Latency } from './histogram.js';
import { KeyMaker, randomValue } from './keys.js';
import { share, type LoadSpec } from './options.js';

export interface ShareHooks {
  /** Cumulative successes and errors of this share so far. */
  progress(done: number, errors: number): void;
  /** Resolves when every share is set up (connections open, watchers created): the timed phase begins. */
  ready(): Promise<void>;
}

export interface ShareResult {
  /** Successful operations (watch workloads: events received). */
  count: number;
  /** What this share set out to do (operations, or events expected). */
  expected: number;
  errors: Record<string, number>;
  /** Encoded histograms: `main` always, others by workload (read/write, watch-create). */
  histograms: Record<string, string>;
  /** process.hrtime.bigint() readings (one clock for every process on the machine), as strings. */
  startNs: string;
  endNs: string;
  cpuUs: number;
  /** Watch workloads: the responses that carried events (a client decodes each apart). */
  eventResponses?: number;
}

class Pacer {
  private next = 0n;
  private readonly intervalNs: bigint;

  constructor(ratePerSecond: number) {
    this.intervalNs = ratePerSecond > 0 ? BigInt(Math.round(1e9 / ratePerSecond)) : 0n;
  }

  async wait(): Promise<void> {
    if (this.intervalNs === 0n) return;
    const now = hrtime.bigint();
    const slot = this.next > now ? this.next : now;
    this.next = slot + this.intervalNs;
    if (slot > now) await new Promise((r) => setTimeout(r, Number((slot - now) / 1_000_000n)));
  }
}

class Tally {
  done = 0;
  failed = 0;
  readonly errors: Record<string, number> = {};
  readonly histograms: Record<string, Latency> = { main: Latency.create() };
  private lastReport = 0;

  constructor(private readonly hooks: ShareHooks) {}

  histogram(name: string): Latency {
    return (this.histograms[name] ??= Latency.create());
  }

  ok(ns: bigint, name?: string): void {
    this.done++;
    this.histograms['main']!.recordNs(ns);
    if (name) this.histogram(name).recordNs(ns);
    this.maybeReport();
  }

  fail(err: unknown): void {
    this.failed++;
    const message = errorMessage(err);
    this.errors[message] = (this.errors[message] ?? 0) + 1;
    this.maybeReport();
  }

  maybeReport(force = false): void {
    const now = Date.now();
    if (!force && now - this.lastReport < 200) return;
    this.lastReport = now;
    this.hooks.progress(this.done, this.failed);
  }
}

export async function runShare(spec: LoadSpec, index: number, workers: number, hooks: ShareHooks): Promise<ShareResult> {
  const connShare = share(Math.max(spec.conns, workers), workers, index);
  const connections = Array.from({ length: connShare.count }, (_, j) => new Connection(spec.endpoints[(connShare.offset + j) % spec.endpoints.length]!));
  try {
    await Promise.all(connections.map((c) => c.ready(spec.requestTimeoutMs)));
    const tally = new Tally(hooks);
    const run = spec.workload === 'watch' || spec.workload === 'watch-latency' ? runWatch : runRequests;
    return await run(spec, index, workers, connections, tally, hooks);
  } finally {
    for (const c of connections) c.close();
  }
}

function finish(tally: Tally, expected: number, start: bigint, cpuStart: NodeJS.CpuUsage): ShareResult {
  const end = hrtime.bigint();
  const cpu = process.cpuUsage(cpuStart);
  tally.maybeReport(true);
  const histograms: Record<string, string> = {};
  for (const [name, h] of Object.entries(tally.histograms)) histograms[name] = h.encode();
  return { count: tally.done, expected, errors: tally.errors, histograms, startNs: String(start), endNs: String(end), cpuUs: cpu.user + cpu.system };
}

/** put, range, txn-put, txn-mixed and lease-keepalive: clients issue requests one at a time until the share is done. */
async function runRequests(spec: LoadSpec, index: number, workers: number, connections: Connection[], tally: Tally, hooks: ShareHooks): Promise<ShareResult> {
  const ops = share(spec.total, workers, index);
  const clients = Math.max(1, share(spec.clients, workers, index).count);
  const pacer = new Pacer(spec.rate / workers);
  const keys = new KeyMaker(spec.keySize, spec.keySpaceSize, spec.sequentialKeys, spec.keyPrefix);
  const value = randomValue(spec.valSize);
  const timeout = spec.requestTimeoutMs;
  const readKey = Buffer.from(spec.key);
  const readEnd = spec.end === '' ? undefined : Buffer.from(spec.end);
  const readWeight = spec.rwRatio / (1 + spec.rwRatio);

  type Op = (connection: Connection, i: number, client: number) => Promise<string | undefined>;
  let op: Op;
  const leases: (LeaseStream | undefined)[] = [];
  switch (spec.workload) {
    case 'put':
      op = async (c, i) => {
        await c.unary('KV', 'Put', { key: keys.key(i), value }, timeout);
        return undefined;
      };
      break;
    case 'range': {
      const request = { key: readKey, range_end: readEnd, limit: spec.limit, serializable: spec.consistency === 's' };
      op = async (c) => {
        await c.unary('KV', 'Range', request, timeout);
        return undefined;
      };
      break;
    }
    case 'txn-put':
      op = async (c, i) => {
        const first = spec.sequentialKeys ? i * spec.txnOps : Math.floor(Math.random() * spec.keySpaceSize);
        const success = Array.from({ length: spec.txnOps }, (_, j) => ({ request_put: { key: keys.keyAt((first + j) % spec.keySpaceSize), value } }));
        await c.unary('KV', 'Txn', { compare: [], success, failure: [] }, timeout);
        return undefined;
      };
      break;
    case 'txn-mixed': {
      const read = { request_range: { key: readKey, range_end: readEnd, limit: spec.limit, serializable: spec.consistency === 's' } };
      op = async (c, i) => {
        const isRead = Math.random() < readWeight;
        const success = isRead ? [read] : [{ request_put: { key: keys.key(i), value } }];
        await c.unary('KV', 'Txn', { compare: [], success, failure: [] }, timeout);
        return isRead ? 'read' : 'write';
      };
      break;
    }
    case 'lease-keepalive':
      // Each client grants one lease (outside the timed phase) and renews it over its own keep-alive stream.
      for (let client = 0; client < clients; client++) {
        const connection = connections[client % connections.length]!;
        const granted = await connection.unary('Lease', 'LeaseGrant', { TTL: 100 }, timeout);
        leases.push(new LeaseStream(connection, granted['ID']));
      }
      op = async (_c, _i, client) => {
        await leases[client]!.keepAlive(timeout);
        return undefined;
      };
      break;
    default:
      throw new Error(`not a request workload: ${spec.workload}`);
  }

  await warmUp(connections, timeout);
  await hooks.ready();
  const cpuStart = process.cpuUsage();
  const start = hrtime.bigint();
  let next = ops.offset;
  const last = ops.offset + ops.count;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      const connection = connections[client % connections.length]!;
      while (next < last) {
        const i = next++;
        await pacer.wait();
        const began = hrtime.bigint();
        try {
          const name = await op(connection, i, client);
          tally.ok(hrtime.bigint() - began, name);
        } catch (err) {
          tally.fail(err);
        }
      }
    }),
  );
  const result = finish(tally, ops.count, start, cpuStart);
  for (const lease of leases) lease?.close();
  return result;
}

const WARM_UP_REQUESTS = 300;

/**
 * Untimed requests before the timed phase, so that a freshly forked worker has compiled its request path
 * (etcd's tool, compiled ahead of time, needs none): serializable reads of a key no workload writes,
 * spread over every connection.
 */
async function warmUp(connections: Connection[], timeoutMs: number): Promise<void> {
  const request = { key: Buffer.from('\0bench-warm-up'), serializable: true };
  let left = WARM_UP_REQUESTS;
  await Promise.all(
    Array.from({ length: Math.min(20, WARM_UP_REQUESTS) }, async (_, lane) => {
      const connection = connections[lane % connections.length]!;
      while (left-- > 0) await connection.unary('KV', 'Range', request, timeoutMs).catch(() => undefined);
    }),
  );
}

/** A keep-alive stream used one request at a time; reopened after an error. */
export class LeaseStream {
  private stream?: grpc.ClientDuplexStream<Message, Message>;
  private waiting?: { resolve: () => void; reject: (err: Error) => void };

  constructor(
    private readonly connection: Connection,
    private readonly id: unknown,
  ) {}

  keepAlive(timeoutMs: number): Promise<void> {
    const stream = (this.stream ??= this.open());
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        this.drop();
        reject(new Error('keep-alive response timed out'));
      }, timeoutMs);
      this.waiting = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      stream.write({ ID: this.id });
    });
  }

  private open(): grpc.ClientDuplexStream<Message, Message> {
    const stream = this.connection.stream('Lease', 'LeaseKeepAlive');
    stream.on('data', (response: Message) => {
      const waiting = this.waiting;
      this.waiting = undefined;
      if (!waiting) return;
      if (Number(response['TTL']) <= 0) waiting.reject(new Error('lease not found'));
      else waiting.resolve();
    });
    stream.on('error', (err) => {
      if (this.stream === stream) this.stream = undefined;
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.reject(err);
    });
    return stream;
  }

  private drop(): void {
    this.stream?.cancel();
    this.stream = undefined;
  }

  close(): void {
    this.drop();
  }
}

const STAMP_DIGITS = 20;

/** The value of a watched put: the hrtime at which it was sent, then padding. */
function stampedValue(size: number): Buffer {
  const value = Buffer.alloc(Math.max(size, STAMP_DIGITS), 'x');
  value.write(hrtime.bigint().toString().padStart(STAMP_DIGITS, '0'), 0, 'latin1');
  return value;
}

/**
 * watch and watch-latency: --streams watch streams with --watch-per-stream watchers each, over
 * --watched-key-total keys; then puts to those keys (by worker 0, with --clients putters at --put-rate).
 * Every event's latency runs from the moment its put was sent (stamped in the value, on one clock for all
 * processes) to its arrival at a watcher. The report counts events, and watch creation latencies apart.
 */
async function runWatch(spec: LoadSpec, index: number, workers: number, connections: Connection[], tally: Tally, hooks: ShareHooks): Promise<ShareResult> {
  const streams = share(spec.streams, workers, index);
  const keys = new KeyMaker(spec.keySize, spec.watchedKeyTotal, true, spec.keyPrefix);
  const timeout = spec.requestTimeoutMs;
  const creates = tally.histogram('watch-create');
  let expected = 0;
  let received = 0;
  let eventResponses = 0;
  let lastEvent = hrtime.bigint();
  let wake: (() => void) | undefined;
  let closing = false;
  const calls: grpc.ClientDuplexStream<Message, Message>[] = [];
  const eventsFor = (keyIndex: number): number => (keyIndex < spec.putTotal ? Math.floor((spec.putTotal - 1 - keyIndex) / spec.watchedKeyTotal) + 1 : 0);

  await Promise.all(
    Array.from({ length: streams.count }, (_, s) => {
      const call = connections[s % connections.length]!.stream('Watch', 'Watch');
      calls.push(call);
      const pending: bigint[] = [];
      let created = 0;
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`watch stream ${streams.offset + s}: ${created}/${spec.watchPerStream} watchers created in time`)), timeout);
        call.on('data', (response: Message) => {
          const now = hrtime.bigint();
          if (response['created']) {
            creates.recordNs(now - pending.shift()!);
            if (++created === spec.watchPerStream) {
              clearTimeout(timer);
              resolve();
            }
          }
          const events = (response['events'] ?? []) as Message[];
          if (events.length > 0) eventResponses++;
          if (response['canceled']) tally.fail(new Error(`watch canceled: ${response['cancel_reason'] || 'no reason given'}`));
          for (const event of events) {
            const value = event['kv']?.['value'] as Buffer | undefined;
            const stamp = value && value.length >= STAMP_DIGITS ? BigInt(value.toString('latin1', 0, STAMP_DIGITS)) : now;
            tally.ok(now - stamp);
            received++;
            lastEvent = now;
          }
          if (received >= expected) wake?.();
        });
        call.on('error', (err: grpc.ServiceError) => {
          if (closing) return;
          clearTimeout(timer);
          tally.fail(err);
          reject(err);
        });
        for (let w = 0; w < spec.watchPerStream; w++) {
          const watcher = (streams.offset + s) * spec.watchPerStream + w;
          const keyIndex = watcher % spec.watchedKeyTotal;
          expected += eventsFor(keyIndex);
          pending.push(hrtime.bigint());
          call.write({ create_request: { key: keys.keyAt(keyIndex) } });
        }
      });
    }),
  );

  await hooks.ready();
  const cpuStart = process.cpuUsage();
  const start = hrtime.bigint();
  lastEvent = start;
  if (index === 0) {
    const connection = connections[0]!;
    const pacer = new Pacer(spec.putRate);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.max(1, spec.clients) }, async () => {
        while (next < spec.putTotal) {
          const i = next++;
          await pacer.wait();
          try {
            await connection.unary('KV', 'Put', { key: keys.keyAt(i % spec.watchedKeyTotal), value: stampedValue(spec.valSize) }, timeout);
          } catch (err) {
            tally.fail(new Error(`put: ${errorMessage(err)}`));
          }
        }
      }),
    );
  }
  // Wait for every expected event, giving up once none has come for a request timeout.
  while (received < expected) {
    const quietMs = Number((hrtime.bigint() - lastEvent) / 1_000_000n);
    if (quietMs >= timeout) break;
    await new Promise<void>((resolve) => {
      wake = resolve;
      setTimeout(resolve, Math.min(250, timeout - quietMs));
    });
    wake = undefined;
  }
  const missing = expected - received;
  if (missing > 0) {
    tally.failed += missing;
    tally.errors['watch events not received'] = missing;
  }
  const result = finish(tally, expected, start, cpuStart);
  // The timed phase ends with the last event, not with the wait for stragglers.
  if (received > 0) result.endNs = String(lastEvent > start ? lastEvent : start);
  result.eventResponses = eventResponses;
  closing = true;
  for (const call of calls) call.cancel();
  return result;
}
