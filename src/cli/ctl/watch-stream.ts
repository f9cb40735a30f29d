// The watch stream every watcher of a bargectl process shares, as the Go client shares one per context,
// and its watchers: each one's responses printed (and its command run) one after another. A stream lost
// to the connection (gRPC Unavailable or Internal: a member restarted, a connection dropped) is opened
// again, on whichever endpoint is ready then, and every watcher is created again from the revision after
// the last one it saw, as clientv3's watcher resumes: etcdctl's watch goes on printing across a member's
// restart, with nothing missed and nothing said. "etcdserver: no leader" (etcdctl asks for a leader) and
// any other error end the watchers.

import type { ClientDuplexStream } from '@grpc/grpc-js';
import { setTimeout as sleep } from 'node:timers/promises';
import { goQuote } from '../../shared/go-strings.js';
import { method } from '../../client/etcd/channel.js';
import type * as pb from '../../wire/messages.js';
import type { EtcdClient } from './client.js';
import { CtlError, ExitCode, GrpcCode } from './errors.js';
import { runCommand } from './exec.js';
import { int64Text } from './gofmt.js';
import { out, type Display } from './printers.js';

type Stream = ClientDuplexStream<pb.WatchRequestInit, pb.WatchResponse>;

const NO_LEADER = 'etcdserver: no leader';
/** clientv3's pause between attempts to open a lost stream grows by a quarter up to this. */
const MAX_BACKOFF_MS = 100;

/** Why the Go client says a watch was canceled. */
export function cancelError(r: pb.WatchResponse): string {
  if (Number(r.compact_revision) !== 0) return 'etcdserver: mvcc: required revision has been compacted';
  if (r.cancel_reason) return r.cancel_reason;
  return 'etcdserver: mvcc: required revision is a future revision';
}

/** Runs the command for one event with the event in its environment; resolves when it exits 0. */
async function runForEvent(execArgs: readonly string[], revision: string, event: pb.Event): Promise<void> {
  const env = {
    ...process.env,
    ETCD_WATCH_REVISION: revision,
    ETCD_WATCH_EVENT_TYPE: goQuote(event.type === 1 ? 'DELETE' : 'PUT'),
    ETCD_WATCH_KEY: goQuote(event.kv?.key ?? ''),
    ETCD_WATCH_VALUE: goQuote(event.kv?.value ?? ''),
  };
  // No stdin, as etcdctl's exec.Command without one: under -i the lines on stdin are the watch's, not the command's.
  const status = await runCommand(execArgs, env, 'ignore');
  if (status !== undefined) {
    throw new CtlError(ExitCode.Error, `command [${execArgs.map((a) => goQuote(a)).join(' ')}] error (${status})\n`, 'raw');
  }
}

/** One watcher: its responses handled in order, and the revision it would resume from. */
class Watcher {
  private chain: Promise<void> = Promise.resolve();
  private ended!: () => void;
  readonly done = new Promise<void>((resolve) => (this.ended = resolve));
  /** clientv3's nextRev: where a new stream starts this watcher (0: the store's revision then). */
  private nextRevision: number;
  private createdOnce = false;

  constructor(
    private readonly request: pb.WatchCreateRequestInit,
    private readonly display: Display,
    private readonly execArgs: readonly string[],
    private readonly failed: (err: unknown) => void,
  ) {
    this.nextRevision = Number(request.start_revision ?? 0);
  }

  /** The create request that (re)creates this watcher on a stream. */
  createRequest(): pb.WatchCreateRequestInit {
    return { ...this.request, start_revision: this.nextRevision };
  }

  /**
   * The server created it. A watcher of "now" resumes from the store's revision at its first creation
   * (clientv3 binds it there, so that a write made while a stream is being opened again is not missed).
   */
  created(r: pb.WatchResponse): void {
    if (this.createdOnce) return;
    this.createdOnce = true;
    if (this.nextRevision === 0) this.nextRevision = Number(r.header?.revision ?? 0);
  }

  deliver(r: pb.WatchResponse): void {
    this.nextRevision = Number(r.header?.revision ?? 0);
    const last = r.events[r.events.length - 1];
    if (last) this.nextRevision = Number(last.kv?.mod_revision ?? 0) + 1;
    this.chain = this.chain.then(() => this.handle(r)).catch(this.failed);
  }

  end(): void {
    this.chain = this.chain.then(() => this.ended());
  }

  private async handle(r: pb.WatchResponse): Promise<void> {
    const events = r.events;
    if (r.canceled) process.stderr.write(`watch was canceled (${cancelError(r)})\n`);
    else if (events.length === 0 && Number(r.compact_revision) === 0 && int64Text(r.header?.revision) !== '0') out(`progress notify: ${int64Text(r.header?.revision)}\n`);
    this.display.watch(r);
    if (this.execArgs.length > 0) for (const e of events) await runForEvent(this.execArgs, int64Text(r.header?.revision), e);
    if (r.canceled) this.ended();
  }
}

export class WatchStream {
  private stream: Stream | undefined;
  private opening: Promise<Stream> | undefined;
  /** Watchers whose create request went out on the current stream, in order, awaiting their `created`. */
  private creating: Watcher[] = [];
  private readonly watchers = new Map<string, Watcher>();
  private closed = false;
  private fail!: (err: unknown) => void;
  /** Rejects with the first failure of a watcher's command. */
  readonly failure = new Promise<never>((_, reject) => (this.fail = reject));

  constructor(
    private readonly client: EtcdClient,
    private readonly display: Display,
  ) {
    this.failure.catch(() => {});
  }

  async watch(request: pb.WatchCreateRequestInit, execArgs: readonly string[]): Promise<Watcher> {
    const watcher = new Watcher(request, this.display, execArgs, this.fail);
    const stream = await this.open();
    this.creating.push(watcher);
    stream.write({ create_request: watcher.createRequest() });
    return watcher;
  }

  async requestProgress(): Promise<void> {
    (await this.open()).write({ progress_request: {} });
  }

  close(): void {
    this.closed = true;
    if (!this.stream) return;
    this.stream.removeAllListeners();
    this.stream.on('error', () => {});
    this.stream.cancel();
  }

  private open(): Promise<Stream> {
    this.opening ??= this.start();
    return this.opening;
  }

  private async start(): Promise<Stream> {
    // etcdctl's watch asks for a leader (clientv3.WithRequireLeader).
    const stream = await this.client.bidi('Watch', 'Watch', true);
    this.stream = stream;
    stream.on('data', (r: pb.WatchResponse) => this.receive(r));
    stream.on('error', (err: { code?: number; details?: string }) => this.lost(stream, err));
    // A stream already replaced (after a loss) ends no watcher: they are the new one's now.
    stream.on('end', () => {
      if (stream === this.stream) this.endAll();
    });
    return stream;
  }

  private receive(r: pb.WatchResponse): void {
    const id = int64Text(r.watch_id);
    if (r.created) {
      const watcher = this.creating.shift();
      if (!watcher) return;
      watcher.created(r);
      if (r.canceled) watcher.deliver(r);
      else this.watchers.set(id, watcher);
      return;
    }
    if (id === '-1') {
      for (const w of this.watchers.values()) w.deliver(r);
      return;
    }
    const watcher = this.watchers.get(id);
    if (!watcher) return;
    watcher.deliver(r);
    if (r.canceled) this.watchers.delete(id);
  }

  private lost(stream: Stream, err: { code?: number; details?: string }): void {
    if (this.closed || stream !== this.stream) return;
    const retryable = (err.code === GrpcCode.Unavailable || err.code === GrpcCode.Internal) && err.details !== NO_LEADER;
    if (!retryable) {
      if (err.details === NO_LEADER) for (const w of this.everyWatcher()) w.deliver(noLeaderResponse());
      this.endAll();
      return;
    }
    const watchers = this.everyWatcher();
    this.watchers.clear();
    this.creating = [];
    this.stream = undefined;
    this.opening = this.reopen(watchers);
    // A failure to open again has ended the watchers already; watch() callers see it through them.
    this.opening.catch(() => {});
  }

  /** Opens a new stream, retrying as clientv3 does until one opens, and creates `watchers` on it again. */
  private async reopen(watchers: readonly Watcher[]): Promise<Stream> {
    let backoffMs = 1;
    for (;;) {
      backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs + backoffMs / 4);
      await sleep(backoffMs);
      if (this.closed) throw new Error('watch stream closed');
      // The endpoint used so far may be the one that went away: take whichever is ready now.
      this.client.forgetEndpoint();
      let stream: Stream;
      try {
        stream = await this.start();
      } catch (err) {
        // No endpoint ready before the command timeout: clientv3 waits for one as long as it takes.
        if ((err as { code?: number }).code === GrpcCode.DeadlineExceeded) continue;
        for (const watcher of watchers) watcher.end();
        throw err;
      }
      for (const watcher of watchers) {
        this.creating.push(watcher);
        stream.write({ create_request: watcher.createRequest() });
      }
      return stream;
    }
  }

  private everyWatcher(): Watcher[] {
    return [...this.watchers.values(), ...this.creating];
  }

  private endAll(): void {
    for (const w of this.everyWatcher()) w.end();
  }
}

/** What clientv3 hands each watcher when its stream ends with "no leader": an empty response, canceled with that error. */
function noLeaderResponse(): pb.WatchResponse {
  // The gRPC code is loaded: a stream has ended.
  return { ...method('Watch', 'Watch').responseDeserialize(Buffer.alloc(0)), canceled: true, cancel_reason: NO_LEADER };
}
