// An etcd v3 client for programs that keep a store connection open (the apiserver): Range, Txn, Watch,
// Compact and LeaseGrant with typed results. Calls and watches go to the endpoints in turn, as etcd's Go
// client balances them (round robin over the members it is connected to); an endpoint that is unavailable
// is passed over, and tried again after a backoff that grows while it stays so.

import { toNumber } from '../../wire/convert.js';
import type * as pb from '../../wire/messages.js';
import { loadGrpc, method, type ClientTls, type EtcdService, type MethodName, type RequestOf, type ResponseOf } from './channel.js';
import { GrpcCode } from '../../etcd-errors.js';
import { StoreError, StoreSession, type Keepalive } from './store-session.js';

export { StoreError };

export interface StoreClientConfig {
  readonly endpoints: readonly string[];
  readonly tls?: ClientTls;
  /** A unary call's deadline. */
  readonly timeoutMs?: number;
  /** Pings on the store connections while calls or watches are open; kube-apiserver's when not given. */
  readonly keepalive?: Keepalive;
  /** Told how long each call took: the method and the key it was about. */
  readonly observe?: (method: string, key: string, seconds: number) => void;
}

export interface KeyValue {
  readonly key: string;
  readonly value: Buffer;
  readonly createRevision: number;
  readonly modRevision: number;
  /** The key's lease id ('0': none). */
  readonly lease: string;
}

export interface RangeResult {
  /** The store's revision when it answered. */
  readonly revision: number;
  readonly kvs: KeyValue[];
  readonly more: boolean;
  readonly count: number;
}

export interface RangeOptions {
  /** The end of the range; prefixEnd(key) for a prefix. */
  readonly end?: string;
  readonly limit?: number;
  /** Read at this revision (0: the latest). */
  readonly revision?: number;
  readonly countOnly?: boolean;
}

/** A Txn with one compare on a key's mod revision (0: the key does not exist). */
export interface ModRevisionTxn {
  readonly key: string;
  readonly modRevision: number;
  /** Then: put this value (with an optional lease, or keeping the key's own: ignore_lease), or delete the key. */
  readonly then: { readonly put: Buffer; readonly lease?: string; readonly keepLease?: boolean } | { readonly delete: true };
}

export interface TxnResult {
  readonly succeeded: boolean;
  readonly revision: number;
  /** On failure, the key's current value (absent when the key does not exist). */
  readonly current?: KeyValue;
}

export interface WatchEvent {
  readonly type: 'PUT' | 'DELETE';
  readonly kv: KeyValue;
  readonly prevKv?: KeyValue;
}

export interface WatchHandlers {
  /** A batch of events, or a progress notification (no events) at `revision`. */
  onEvents(events: WatchEvent[], revision: number): void;
  /** The start revision was compacted away. */
  onCompacted(compactRevision: number): void;
  /** The stream broke (the caller restarts it). */
  onError(err: Error): void;
}

export interface StoreWatch {
  cancel(): void;
  /** Asks the server for a progress notification (etcd's WatchProgressRequest). */
  requestProgress(): void;
}

/** kube-apiserver's etcd client: a ping after 30 s, the connection closed if it is not answered in 10 s. */
const APISERVER_KEEPALIVE: Keepalive = { timeMs: 30_000, timeoutMs: 10_000 };

// protobufjs encodes enums from their numbers.
const COMPARE_EQUAL = 0;
const COMPARE_MOD = 2;

/** The first key after every key that starts with `prefix` (etcd's prefix range end). */
export function prefixEnd(prefix: string): string {
  const bytes = Buffer.from(prefix);
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i]! < 0xff) {
      const end = bytes.subarray(0, i + 1);
      end[i] = end[i]! + 1;
      return end.toString('latin1');
    }
  }
  return '\0';
}

function keyValue(kv: pb.KeyValue): KeyValue {
  return {
    key: kv.key.toString(),
    value: Buffer.from(kv.value),
    createRevision: toNumber(kv.create_revision),
    modRevision: toNumber(kv.mod_revision),
    lease: kv.lease.toString(),
  };
}

function keyBytes(key: string): Buffer {
  return Buffer.from(key, key === '\0' || /[\x80-\xff]/.test(key) ? 'latin1' : 'utf8');
}

/** gRPC's reconnection backoff, which keeps etcd's client off a member that went away: 1 s, ×1.6, at most 120 s. */
const BACKOFF_BASE_MS = 1000;
const BACKOFF_FACTOR = 1.6;
const BACKOFF_MAX_MS = 120_000;

export class StoreClient {
  /** One HTTP/2 session per endpoint, for calls and watches (store-session.ts says why not grpc-js). */
  private readonly sessions: StoreSession[];
  /** The endpoint the next call or watch starts from. */
  private next = 0;
  /** Per endpoint: when it may be tried again after failing, and the backoff its next failure sets. */
  private readonly passedOverUntil: number[];
  private readonly backoffMs: number[];

  constructor(readonly config: StoreClientConfig) {
    if (config.endpoints.length === 0) throw new Error('no etcd endpoints');
    const keepalive = config.keepalive ?? APISERVER_KEEPALIVE;
    this.sessions = config.endpoints.map((endpoint) => new StoreSession(endpoint, config.tls, keepalive));
    this.passedOverUntil = config.endpoints.map(() => 0);
    this.backoffMs = config.endpoints.map(() => BACKOFF_BASE_MS);
  }

  /**
   * The endpoints to try, in order: starting from the next in turn, those not passed over first, then
   * the passed-over ones, soonest due first (when every endpoint failed lately, one is still tried).
   */
  private order(): number[] {
    const count = this.sessions.length;
    const start = this.next;
    this.next = (start + 1) % count;
    const now = Date.now();
    const up: number[] = [];
    const down: number[] = [];
    for (let k = 0; k < count; k++) {
      const endpoint = (start + k) % count;
      (this.passedOverUntil[endpoint]! <= now ? up : down).push(endpoint);
    }
    if (down.length === 0) return up;
    return up.concat(down.sort((a, b) => this.passedOverUntil[a]! - this.passedOverUntil[b]!));
  }

  private succeeded(endpoint: number): void {
    this.backoffMs[endpoint] = BACKOFF_BASE_MS;
  }

  /** Passes `endpoint` over for its backoff; several calls failing on it at once count once. */
  private failed(endpoint: number): void {
    const now = Date.now();
    if (this.passedOverUntil[endpoint]! > now) return;
    this.passedOverUntil[endpoint] = now + this.backoffMs[endpoint]!;
    this.backoffMs[endpoint] = Math.min(BACKOFF_MAX_MS, this.backoffMs[endpoint]! * BACKOFF_FACTOR);
  }

  /** A unary call; an unavailable endpoint gives way to the next (each tried once). */
  private async call<S extends EtcdService, M extends MethodName<S>>(service: S, name: M, request: RequestOf<S, M>, key = ''): Promise<ResponseOf<S, M>> {
    const started = process.hrtime.bigint();
    try {
      return await this.callOnce(service, name, request);
    } finally {
      this.config.observe?.(name, key, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  private async callOnce<S extends EtcdService, M extends MethodName<S>>(service: S, name: M, request: RequestOf<S, M>): Promise<ResponseOf<S, M>> {
    // The method's definition (path, encoder) comes with grpc-js's loading; no channel is needed for it.
    await loadGrpc();
    const m = method(service, name);
    const body = m.requestSerialize(request);
    let last: StoreError | undefined;
    for (const endpoint of this.order()) {
      try {
        const response = m.responseDeserialize(await this.sessions[endpoint]!.call(m.path, body, this.config.timeoutMs ?? 10_000));
        this.succeeded(endpoint);
        return response;
      } catch (err) {
        last = err instanceof StoreError ? err : new StoreError(GrpcCode.Unavailable, (err as Error).message);
        if (last.code !== GrpcCode.Unavailable && last.code !== GrpcCode.DeadlineExceeded) throw last;
        this.failed(endpoint);
      }
    }
    // Every endpoint was tried (there is at least one): `last` is the last one's failure.
    throw last!;
  }

  async range(key: string, options: RangeOptions = {}): Promise<RangeResult> {
    const response = await this.call('KV', 'Range', {
      key: keyBytes(key),
      ...(options.end !== undefined ? { range_end: keyBytes(options.end) } : {}),
      limit: options.limit ?? 0,
      revision: options.revision ?? 0,
      count_only: options.countOnly ?? false,
    }, key);
    return {
      revision: toNumber(response.header?.revision),
      kvs: response.kvs.map(keyValue),
      more: response.more,
      count: toNumber(response.count),
    };
  }

  /** kube-apiserver's write: If(mod_revision(key) == rev) Then(put or delete) Else(get key). */
  async txn(request: ModRevisionTxn): Promise<TxnResult> {
    const key = keyBytes(request.key);
    const then = 'put' in request.then
      ? { request_put: { key, value: request.then.put, ...(request.then.lease && request.then.lease !== '0' ? { lease: request.then.lease } : {}), ...(request.then.keepLease ? { ignore_lease: true } : {}) } }
      : { request_delete_range: { key } };
    const response = await this.call('KV', 'Txn', {
      compare: [{ result: COMPARE_EQUAL, target: COMPARE_MOD, key, mod_revision: request.modRevision }],
      success: [then],
      failure: [{ request_range: { key } }],
    }, request.key);
    const succeeded = response.succeeded;
    const ranged = succeeded ? undefined : response.responses[0]?.response_range?.kvs[0];
    return { succeeded, revision: toNumber(response.header?.revision), ...(ranged ? { current: keyValue(ranged) } : {}) };
  }

  async compact(revision: number): Promise<void> {
    await this.call('KV', 'Compact', { revision });
  }

  /** A lease of `ttlSeconds`; its id as a decimal string. */
  async leaseGrant(ttlSeconds: number): Promise<string> {
    const response = await this.call('Lease', 'LeaseGrant', { TTL: ttlSeconds });
    return response.ID.toString();
  }

  /** Watches [key, end) from `startRevision` with previous values and progress notifications. */
  async watch(key: string, end: string, startRevision: number, handlers: WatchHandlers): Promise<StoreWatch> {
    await loadGrpc();
    const m = method('Watch', 'Watch');
    let done = false;
    const session = this.order()[0]!;
    const fail = (err: Error): void => {
      if (done) return;
      done = true;
      stream.cancel();
      handlers.onError(err);
    };
    const stream = this.sessions[session]!.stream(m.path, { hasleader: 'true' }, {
      onMessage: (bytes) => {
        if (done) return;
        const response = m.responseDeserialize(bytes);
        const compactRevision = toNumber(response.compact_revision);
        if (response.canceled) {
          done = true;
          stream.cancel();
          if (compactRevision > 0) handlers.onCompacted(compactRevision);
          else handlers.onError(new Error(`watch canceled: ${response.cancel_reason}`));
          return;
        }
        if (response.created) return;
        const events = response.events.map((e): WatchEvent => ({
          type: e.type === 1 ? 'DELETE' : 'PUT',
          kv: keyValue(e.kv!),
          ...(e.prev_kv ? { prevKv: keyValue(e.prev_kv) } : {}),
        }));
        handlers.onEvents(events, toNumber(response.header?.revision));
      },
      onEnd: (failure) => {
        if (failure?.code === GrpcCode.Unavailable) this.failed(session);
        fail(failure ?? new Error('watch stream ended'));
      },
    });
    stream.write(
      m.requestSerialize({
        create_request: { key: keyBytes(key), range_end: keyBytes(end), start_revision: startRevision, progress_notify: true, prev_kv: true },
      }),
    );
    return {
      cancel: () => {
        done = true;
        stream.cancel();
      },
      requestProgress: () => {
        if (!done) stream.write(m.requestSerialize({ progress_request: {} }));
      },
    };
  }

  close(): void {
    for (const session of this.sessions) session.close();
  }
}
