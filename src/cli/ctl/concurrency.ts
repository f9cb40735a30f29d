// The Go client's concurrency recipes that etcdctl's lock and elect are made of, request for request:
// a session (a lease kept alive), a mutex and an election on a key prefix. Every waiter's key is
// `<name>/<lease id in hex>`; the key with the lowest create revision under the prefix holds the lock
// (leads), and the others wait for every key created before theirs to be deleted.

import { prefixEnd } from '../../mvcc/keys.js';
import Long from 'long';
import type { Int64 } from '../../wire/convert.js';
import type * as pb from '../../wire/messages.js';
import type { CallOptions, EtcdClient } from './client.js';
import { contextCanceled, CtlError } from './errors.js';
import { hexId, int64Text } from './gofmt.js';
import { keepAlive } from './lease.js';
import { cancelError } from './watch-stream.js';

const SORT_ASCEND = 1;
const SORT_DESCEND = 2;
const SORT_BY_CREATE = 2;
const COMPARE_CREATE = 1;
const EVENT_DELETE = 1;

/** No deadline, and an endpoint awaited for as long as it takes (the client's own context). */
const FOREVER: CallOptions = { noDeadline: true, deadline: Infinity };

/** No deadline, an endpoint awaited for as long as it takes, and cancelled through `signal`. */
export function untilCancelled(signal: AbortSignal | undefined): CallOptions {
  return signal ? { ...FOREVER, signal } : FOREVER;
}

function int64(value: Int64): bigint {
  return BigInt(int64Text(value));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * etcdctl's handling of SIGINT and SIGTERM once a session is open: the first cancels what is waiting
 * (`signal`) and resolves `interrupted`; later ones are ignored.
 */
export function interruption(): { signal: AbortSignal; interrupted: Promise<void> } {
  const controller = new AbortController();
  const interrupted = new Promise<void>((resolve) => {
    const stop = () => {
      controller.abort();
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return { signal: controller.signal, interrupted };
}

/** A lease granted for the session and kept alive until it expires or is revoked. */
export class Session {
  /** Resolves when the lease is gone or has gone a whole TTL without being renewed. */
  readonly done: Promise<void>;
  private renewedUntil: number;

  private constructor(
    readonly client: EtcdClient,
    readonly lease: bigint,
    ttl: number,
  ) {
    this.renewedUntil = Date.now() + ttl * 1000;
    this.done = Promise.race([this.renew(), this.expiry()]);
  }

  /** The Go client's NewSession: the TTL falls back to 60 seconds when not positive. */
  static async open(client: EtcdClient, ttl: number): Promise<Session> {
    const seconds = ttl > 0 ? ttl : 60;
    const granted = await client.call('Lease', 'LeaseGrant', { TTL: String(seconds) }, FOREVER);
    return new Session(client, int64(granted.ID), seconds);
  }

  private async renew(): Promise<void> {
    for (;;) {
      const outcome = await keepAlive(this.client, this.lease, (r) => {
        this.renewedUntil = Date.now() + Number(int64Text(r.TTL)) * 1000;
      }).catch(() => 'ended' as const);
      if (outcome === 'expired') return;
      // A broken stream is opened again, as the client's keep-alive loop does, until the lease runs out.
      await sleep(500);
    }
  }

  private async expiry(): Promise<void> {
    while (Date.now() < this.renewedUntil) await sleep(Math.min(500, this.renewedUntil - Date.now()));
  }

  /** This session's key under a prefix. */
  keyUnder(prefix: Buffer): Buffer {
    return Buffer.concat([prefix, Buffer.from(hexId(this.lease))]);
  }
}

/** The range of one key's or one prefix's first (or last) created key. */
function firstCreated(prefix: Buffer, order: number): pb.RangeRequestInit {
  return { key: prefix, range_end: prefixEnd(prefix), limit: 1, sort_order: order, sort_target: SORT_BY_CREATE };
}

function createdAt(key: Buffer, revision: bigint): pb.CompareInit {
  return { key, target: COMPARE_CREATE, result: 0, create_revision: revision.toString() };
}

type WatchEnd = 'stopped' | 'ended' | 'broken' | 'aborted';

/**
 * Puts `key` under the session's lease unless it exists (a session queues once), with `reads` after either
 * branch; returns the response and the key's create revision, its place in the queue.
 */
async function enqueue(session: Session, key: Buffer, value: Buffer, reads: pb.RequestOpInit[], signal: AbortSignal): Promise<{ response: pb.TxnResponse; revision: bigint }> {
  const response = await session.client.call(
    'KV',
    'Txn',
    {
      compare: [createdAt(key, 0n)],
      success: [{ request_put: { key, value, lease: session.lease.toString() } }, ...reads],
      failure: [{ request_range: { key } }, ...reads],
    },
    untilCancelled(signal),
  );
  const existing = () => int64(response.responses[0]!.response_range!.kvs[0]!.create_revision);
  return { response, revision: response.succeeded ? int64(response.header?.revision) : existing() };
}

/**
 * A watch on one key or range from a revision, reopened after an Unavailable or Internal failure from the
 * revision after the last event seen (as the Go client resumes its watchers). `onResponse` sees every
 * response with events or a cancellation and returns true to stop; the promise says whether it did (false:
 * the server cancelled or ended the watch). Cancelled through `signal`, it fails with `context canceled`;
 * an error thrown by `onResponse` ends it with that error.
 */
async function watchFrom(
  client: EtcdClient,
  request: pb.WatchCreateRequestInit,
  signal: AbortSignal | undefined,
  onResponse: (r: pb.WatchResponse) => boolean,
): Promise<boolean> {
  let next = int64(request.start_revision);
  for (;;) {
    if (signal?.aborted) throw contextCanceled();
    const stream = await client.bidi('Watch', 'Watch', false, signal).catch(() => undefined);
    const outcome = !stream
      ? 'broken'
      : await new Promise<WatchEnd>((resolve, reject) => {
          const finish = (end: WatchEnd | Error) => {
            signal?.removeEventListener('abort', abort);
            stream.removeAllListeners();
            stream.on('error', () => {});
            stream.cancel();
            if (end instanceof Error) reject(end);
            else resolve(end);
          };
          const abort = () => finish('aborted');
          signal?.addEventListener('abort', abort, { once: true });
          stream.on('data', (r: pb.WatchResponse) => {
            const events = r.events;
            if (events.length > 0) next = int64(events[events.length - 1]!.kv?.mod_revision) + 1n;
            if (events.length === 0 && !r.canceled) return;
            try {
              if (onResponse(r)) finish('stopped');
              else if (r.canceled) finish('ended');
            } catch (err) {
              finish(err as Error);
            }
          });
          stream.on('error', () => {});
          stream.on('status', (status: { code: number }) => finish(status.code === 0 || status.code === 13 || status.code === 14 ? 'broken' : 'ended'));
          stream.write({ create_request: { ...request, start_revision: next.toString() } });
        });
    if (outcome === 'stopped') return true;
    if (outcome === 'ended') return false;
    if (outcome === 'aborted' || signal?.aborted) throw contextCanceled();
    await sleep(500);
  }
}

/** Waits for a DELETE of `key` at or after `revision`. */
async function waitDelete(client: EtcdClient, key: Buffer, revision: bigint, signal: AbortSignal | undefined): Promise<void> {
  let cancelled: pb.WatchResponse | undefined;
  const deleted = await watchFrom(client, { key, start_revision: revision.toString() }, signal, (r) => {
    if (r.canceled) cancelled = r;
    return r.events.some((e) => e.type === EVENT_DELETE);
  });
  if (deleted) return;
  throw new Error(cancelled ? cancelError(cancelled) : 'lost watcher waiting for delete');
}

/**
 * Waits until no key under `prefix` was created at or below `maxCreateRevision`: the last such key is
 * watched until deleted, then the next one. Returns the header of the read that found none left.
 */
async function waitDeletes(client: EtcdClient, prefix: Buffer, maxCreateRevision: bigint, signal: AbortSignal | undefined): Promise<pb.ResponseHeader | null> {
  for (;;) {
    const request = { ...firstCreated(prefix, SORT_DESCEND), max_create_revision: maxCreateRevision.toString() };
    const response = await client.call('KV', 'Range', request, untilCancelled(signal));
    const last = response.kvs[0];
    if (!last) return response.header;
    await waitDelete(client, last.key, int64(response.header?.revision), signal);
  }
}

/** A distributed lock on `<name>/`. */
export class Mutex {
  readonly prefix: Buffer;
  readonly key: Buffer;
  /** The header of the response that gave us the lock (its revision is ETCD_LOCK_REV). */
  header: pb.ResponseHeader | null | undefined;

  constructor(
    readonly session: Session,
    name: Buffer,
  ) {
    this.prefix = Buffer.concat([name, Buffer.from('/')]);
    this.key = session.keyUnder(this.prefix);
  }

  /** Queues this session's key (or finds it queued) and waits until it is the oldest under the prefix. */
  async lock(signal: AbortSignal): Promise<void> {
    const owner = { request_range: firstCreated(this.prefix, SORT_ASCEND) };
    const { response, revision: myRevision } = await enqueue(this.session, this.key, Buffer.alloc(0), [owner], signal);
    const first = response.responses[1]!.response_range!.kvs;
    if (first.length === 0 || int64(first[0]!.create_revision) === myRevision) {
      this.header = response.header;
      return;
    }
    try {
      this.header = await waitDeletes(this.session.client, this.prefix, myRevision - 1n, signal);
    } catch (err) {
      await this.unlock().catch(() => {});
      throw err;
    }
  }

  async unlock(): Promise<void> {
    await this.session.client.call('KV', 'DeleteRange', { key: this.key }, FOREVER);
  }
}

/** A watch that failed counts as ended, unless the printer refused the output format. */
function printerErrorsOnly(err: unknown): false {
  if (err instanceof CtlError) throw err;
  return false;
}

/** A leader election on `<name>/`: the candidate with the oldest key leads, its value the proposal. */
export class Election {
  readonly prefix: Buffer;
  private leader: { key: Buffer; revision: bigint } | undefined;

  constructor(
    readonly client: EtcdClient,
    name: Buffer,
  ) {
    this.prefix = Buffer.concat([name, Buffer.from('/')]);
  }

  /** Puts this session's candidacy and waits until every older candidate is gone. Returns the leader key. */
  async campaign(session: Session, value: Buffer, signal: AbortSignal): Promise<Buffer> {
    const key = session.keyUnder(this.prefix);
    // The key is named after a lease granted for this campaign, so it is new and the put goes through.
    const { revision } = await enqueue(session, key, value, [], signal);
    this.leader = { key, revision };
    try {
      await waitDeletes(this.client, this.prefix, revision - 1n, signal);
    } catch (err) {
      if (signal.aborted) await this.resign().catch(() => {});
      else this.leader = undefined;
      throw err;
    }
    return key;
  }

  /** Deletes the leader key if it is still ours. */
  async resign(): Promise<void> {
    const leader = this.leader;
    if (!leader) return;
    this.leader = undefined;
    await this.client.call(
      'KV',
      'Txn',
      { compare: [createdAt(leader.key, leader.revision)], success: [{ request_delete_range: { key: leader.key } }], failure: [] },
      FOREVER,
    );
  }

  /**
   * The Go client's Observe: the current leader as a range response, then its updates, then the next
   * leader once it is deleted, for as long as the reads and watches last. Ends quietly when `signal`
   * fires; any other end is reported as the observer lost.
   */
  async observe(signal: AbortSignal, emit: (r: pb.RangeResponse) => void): Promise<void> {
    const lost = () => {
      if (!signal.aborted) throw new Error('elect: observer lost');
    };
    for (;;) {
      const found = await this.client.call('KV', 'Range', firstCreated(this.prefix, SORT_ASCEND), untilCancelled(signal)).catch(() => undefined);
      if (!found) return lost();
      let header = found.header;
      let kv = found.kvs[0];
      if (!kv) {
        // No leader: the first put under the prefix is one, its header at the put's revision.
        const prefixWatch = { key: this.prefix, range_end: prefixEnd(this.prefix), start_revision: int64Text(found.header?.revision) };
        const seen = await watchFrom(this.client, prefixWatch, signal, (r) => {
          const put = r.events.find((e) => e.type !== EVENT_DELETE);
          if (put?.kv) [header, kv] = [r.header && { ...r.header, revision: put.kv.mod_revision }, put.kv];
          return put !== undefined;
        }).catch(printerErrorsOnly);
        if (!seen) return lost();
      }
      // As the Go client's: the header and the key, no count.
      emit({ header, kvs: [kv!], more: false, count: Long.ZERO });
      // The leader's updates, each in the read's response (its count kept), until the key is deleted.
      const keyWatch = { key: kv!.key, start_revision: (int64(header?.revision) + 1n).toString() };
      const deleted = await watchFrom(this.client, keyWatch, signal, (r) => {
        for (const event of r.events) {
          if (event.type === EVENT_DELETE) return true;
          found.header = r.header;
          found.kvs = [event.kv!];
          emit(found);
        }
        return false;
      }).catch(printerErrorsOnly);
      if (!deleted) return lost();
    }
  }
}
