// Clients for chaos runs: each is bound to one member and loops over puts, reads, compare-and-swaps,
// deletes and two-key transactions on a small keyspace, with unique values. Every operation is recorded
// with its invocation and completion time; a write that errs or times out has an unknown outcome.
// Watchers on every member record what they see, resuming after errors from the next revision.

import * as grpc from '@grpc/grpc-js';
import type Long from 'long';
import { serviceDefinition } from '../../src/wire/proto.js';
import type { KvInput, KvOutput, Operation } from '../support/linearizability.js';

type Pb = Record<string, any>;  
const KvClient = grpc.makeGenericClientConstructor(serviceDefinition('etcdserverpb.KV'), 'KV');
const WatchClient = grpc.makeGenericClientConstructor(serviceDefinition('etcdserverpb.Watch'), 'Watch');
type Unary = (request: Pb, options: grpc.CallOptions, callback: (err: grpc.ServiceError | null, response: Pb) => void) => void;

export interface RecordedOp extends Operation<KvInput, KvOutput> {
  readonly key: string;
  readonly client: number;
  /** The store revision the response reported, for acknowledged writes. */
  readonly revision?: number;
  /** Deletes also write this unique value to the key's marker, so the change stream shows when they took effect. */
  readonly marker?: string;
}

/** Where a delete of `key` leaves its mark (inside the watched range, never read by the clients). */
export const markerKey = (key: string): string => `${key}.deleted-by`;

export interface RecordedEvent {
  readonly type: 'PUT' | 'DELETE';
  readonly key: string;
  readonly value: string;
  readonly revision: number;
  /** Which response it came in (events of one revision must share one). */
  readonly response: number;
  /** prev_kv's value; null when the server sent none. */
  readonly prevValue: string | null;
  /** When the watcher received it, on the workload's clock: the change had taken effect by then. */
  readonly seenAt: number;
}

const b = (s: string): Buffer => Buffer.from(s);
const text = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString();
// A decoded int64 field: a number, a decimal string, or a Long.
const num = (v: number | string | Long | null | undefined): number => (typeof v === 'number' ? v : Number(String(v ?? 0)));

export interface WorkloadOptions {
  readonly keys: number;
  readonly serializableReads: boolean;
  readonly timeoutMs: number;
  readonly random: () => number;
}

export class Workload {
  readonly history: RecordedOp[] = [];
  readonly errors = new Map<string, number>();
  private running = true;
  private readonly started = performance.now();
  private readonly loops: Promise<void>[] = [];

  constructor(private readonly options: WorkloadOptions) {}

  now(): number {
    return performance.now() - this.started;
  }

  /** Starts a client bound to `endpoint`. */
  addClient(endpoint: string): void {
    const client = new KvClient(endpoint, grpc.credentials.createInsecure()) as unknown as Record<string, Unary> & grpc.Client;
    const id = this.loops.length;
    this.loops.push(this.loop(id, client));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  /** Clients whose last call failed; they back off, as real clients do, instead of spinning on a dead member. */
  private readonly failed = new Set<number>();

  private call(id: number, client: Record<string, Unary>, method: string, request: Pb): Promise<{ response?: Pb; error?: grpc.ServiceError }> {
    return new Promise((resolve) => {
      client[method]!(request, { deadline: Date.now() + this.options.timeoutMs }, (error, response) => {
        if (error) {
          this.countError(error);
          this.failed.add(id);
        }
        resolve(error ? { error } : { response });
      });
    });
  }

  private async loop(id: number, client: Record<string, Unary> & grpc.Client): Promise<void> {
    let seq = 0;
    const r = this.options.random;
    while (this.running) {
      const key = `k${Math.floor(r() * this.options.keys)}`;
      const value = `c${id}-${seq++}`;
      const roll = r();
      const call = this.now();
      if (roll < 0.3) {
        const { response, error } = await this.call(id, client, 'Put', { key: b(key), value: b(value) });
        this.record(id, key, { kind: 'put', value }, call, error ? undefined : {}, response);
      } else if (roll < 0.6) {
        const { response, error } = await this.call(id, client, 'Range', { key: b(key), serializable: this.options.serializableReads });
        // A failed read has no effect: it is left out of the history.
        if (!error) this.record(id, key, { kind: 'get' }, call, { value: response!.kvs?.length ? text(response!.kvs[0].value) : null }, response);
      } else if (roll < 0.8) {
        const expected = this.lastWritten.get(key) ?? null;
        const compare =
          expected === null
            ? { key: b(key), target: 1 /* CREATE */, result: 0 /* EQUAL */, create_revision: 0 }
            : { key: b(key), target: 3 /* VALUE */, result: 0, value: b(expected) };
        const { response, error } = await this.call(id, client, 'Txn', { compare: [compare], success: [{ request_put: { key: b(key), value: b(value) } }] });
        this.record(id, key, { kind: 'cas', expected, value }, call, error ? undefined : { succeeded: response!.succeeded === true }, response);
      } else if (roll < 0.9) {
        // A delete in a transaction (as Kubernetes deletes) that also marks who deleted: a delete that
        // times out can then be settled from the change stream like a put.
        const { response, error } = await this.call(id, client, 'Txn', {
          success: [{ request_delete_range: { key: b(key) } }, { request_put: { key: b(markerKey(key)), value: b(value) } }],
        });
        const deleted = error ? undefined : { deleted: num(response!.responses?.[0]?.response_delete_range?.deleted) };
        this.record(id, key, { kind: 'delete' }, call, deleted, response, value);
      } else {
        const other = `k${(Number(key.slice(1)) + 1) % this.options.keys}`;
        const { response, error } = await this.call(id, client, 'Txn', {
          success: [{ request_put: { key: b(key), value: b(value) } }, { request_put: { key: b(other), value: b(`${value}'`) } }],
        });
        // Checked per key: the transaction is a put on each.
        this.record(id, key, { kind: 'put', value }, call, error ? undefined : {}, response);
        this.record(id, other, { kind: 'put', value: `${value}'` }, call, error ? undefined : {}, response);
      }
      if (this.failed.delete(id)) await new Promise((resolve) => setTimeout(resolve, 100 + r() * 200));
    }
    client.close();
  }

  /** The latest value some client tried to write to each key: what compare-and-swaps expect. */
  private readonly lastWritten = new Map<string, string>();

  private record(client: number, key: string, input: KvInput, call: number, output: KvOutput | undefined, response?: Pb, marker?: string): void {
    if (input.kind === 'put' || input.kind === 'cas') this.lastWritten.set(key, input.value);
    const ret = output === undefined ? Infinity : this.now();
    const revision = response?.header ? num(response.header.revision) : undefined;
    this.history.push({ key, client, input, output, call, ret, ...(revision !== undefined && output !== undefined ? { revision } : {}), ...(marker ? { marker } : {}) });
  }

  private countError(error: grpc.ServiceError): void {
    const message = error.details.replace(/\d+/g, '#').slice(0, 80);
    this.errors.set(message, (this.errors.get(message) ?? 0) + 1);
  }
}

/** A watch on every key of one member; it resumes from the next revision whenever its stream breaks. */
export class RecordingWatcher {
  readonly events: RecordedEvent[] = [];
  readonly problems: string[] = [];
  private responses = 0;
  /** The next revision this watcher needs (compaction must not pass it). */
  nextRevision = 1;
  private stream?: grpc.ClientDuplexStream<Pb, Pb>;
  private running = true;
  private readonly client: grpc.Client & Record<string, () => grpc.ClientDuplexStream<Pb, Pb>>;

  constructor(
    readonly endpoint: string,
    private readonly now: () => number,
  ) {
    this.client = new WatchClient(endpoint, grpc.credentials.createInsecure()) as unknown as grpc.Client & Record<string, () => grpc.ClientDuplexStream<Pb, Pb>>;
    this.open();
  }

  private open(): void {
    if (!this.running) return;
    const stream = this.client.Watch!();
    this.stream = stream;
    stream.on('data', (response: Pb) => {
      if (this.stream !== stream) return;
      if (response.canceled && num(response.compact_revision) > 0) {
        this.problems.push(`compacted at ${num(response.compact_revision)} while needing ${this.nextRevision}`);
        this.nextRevision = num(response.compact_revision);
        stream.cancel();
        return;
      }
      const events: Pb[] = response.events ?? [];
      if (events.length === 0) return;
      const id = this.responses++;
      const seenAt = this.now();
      for (const e of events) {
        const revision = num(e.kv.mod_revision);
        this.events.push({
          type: e.type === 1 ? 'DELETE' : 'PUT',
          key: text(e.kv.key),
          value: text(e.kv.value),
          revision,
          response: id,
          prevValue: e.prev_kv ? text(e.prev_kv.value) : null,
          seenAt,
        });
        this.nextRevision = revision + 1;
      }
    });
    // A broken stream reports both an error and its end: reopen once.
    const reopen = () => {
      if (this.stream !== stream) return;
      this.stream = undefined;
      setTimeout(() => this.open(), 100);
    };
    stream.on('error', reopen);
    stream.on('end', reopen);
    stream.write({ create_request: { key: b('k'), range_end: b('l'), start_revision: this.nextRevision, prev_kv: true } });
  }

  stop(): void {
    this.running = false;
    this.stream?.cancel();
    this.client.close();
  }
}
