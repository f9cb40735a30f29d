// The one Ready loop (etcd's raftNode): takes each Ready from the raft core and carries it out in the
// order the core's contract asks — send what may leave early and hand over read indexes, persist
// (snapshot, entries, hard state), send what waits for the disk, apply, advance — with the disk, the
// network and the state machine injected as hooks, and the clock for ticks injected too. Committed
// entries the log already held may be applied while the disk write is under way (see applicableEarly).
//
// processReady() handles one Ready and is synchronous when every hook is: the deterministic simulator
// calls it directly (and may stop it right after persisting, as a crash would); the server runs it in
// run(), an async loop fed by an inbox. Nothing steps the node between ready() and advance(): whatever
// arrives meanwhile waits in the inbox and goes into the next Ready, so many proposals share one log
// write and one fsync (group commit).

import type { Entry, Message, RawNode, Ready, ReadState, Snapshot, SoftState } from '../raft/index.js';

type MaybePromise<T> = T | Promise<T>;

export interface ReadyHooks {
  /** Leader or role changed. */
  onSoftState?(softState: SoftState): void;
  /** Hands messages to the transport (never waits for delivery). */
  send(messages: readonly Message[]): void;
  /** Makes a snapshot received from the leader durable (before the entries that follow it). */
  persistSnapshot(snapshot: Snapshot): MaybePromise<void>;
  /** Makes entries and hard state durable; fsynced when `rd.mustSync`. Settles once they may be relied on. */
  persist(rd: Ready): MaybePromise<void>;
  /** Loads a snapshot received from the leader into the state machine (after it is durable). */
  applySnapshot?(snapshot: Snapshot): void;
  /** ReadIndex answers. */
  onReadStates?(readStates: readonly ReadState[]): void;
  /** Applies committed entries, in order. */
  apply(entries: readonly Entry[]): void;
  /** Work after advance() (taking a snapshot when the log grew long). */
  afterAdvance?(): MaybePromise<void>;
}

export interface ReadyOutcome {
  readonly ready: Ready;
  /** The Ready stopped right after persisting (a crash the simulator injects); the node must be dropped. */
  readonly crashedMidway: boolean;
}

/** Schedules the node's ticks: a real interval in the server, nothing in the simulator (it ticks itself). */
export interface TickClock {
  every(intervalMs: number, tick: () => void): () => void;
}

export const REAL_CLOCK: TickClock = {
  every(intervalMs, tick) {
    const timer = setInterval(tick, intervalMs);
    return () => clearInterval(timer);
  },
};

type InboxItem = (node: RawNode) => void;

function andThen<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/**
 * How many of the Ready's committed entries to apply while its entries are written: those durable in this
 * member's log before it, below its first entry to persist (all of them when it persists none). A leader
 * with followers applies every committed entry so, in time it spent waiting for its own fsync. None when
 * a message waits for the write (a follower's acknowledgement: one thread here, and the apply would hold it
 * back, where etcd applies on a goroutine of its own) or with a snapshot, which replaces the log. Entries
 * the Ready itself brings (a lone member commits what it appends) always wait for the disk.
 */
function applicableEarly(rd: Ready): number {
  if (rd.snapshot || rd.persistedMessages.length > 0) return 0;
  const committed = rd.committedEntries;
  const firstNew = rd.entries[0]?.index;
  if (firstNew === undefined) return committed.length;
  let count = 0;
  while (count < committed.length && committed[count]!.index < firstNew) count++;
  return count;
}

/** Applies `entries`; if that throws, the pending write's failure is left to nobody rather than unhandled. */
function applyOrRelease(hooks: ReadyHooks, entries: readonly Entry[], persisted: MaybePromise<void>): void {
  try {
    hooks.apply(entries);
  } catch (err) {
    if (persisted instanceof Promise) persisted.catch(() => {});
    throw err;
  }
}

export class RaftNodeDriver {
  private inbox: InboxItem[] = [];
  private wake: (() => void) | undefined;
  private running = false;
  private stopTicks: (() => void) | undefined;

  constructor(
    readonly node: RawNode,
    private readonly hooks: ReadyHooks,
  ) {}

  /**
   * Carries out one Ready, if the node has one. With `crashAfterPersist` it stops once the Ready is durable,
   * as a crash there would: nothing else is sent or applied, and the node is not advanced.
   */
  processReady(crashAfterPersist = false): MaybePromise<ReadyOutcome | undefined> {
    if (!this.node.hasReady()) return undefined;
    const rd = this.node.ready();
    const hooks = this.hooks;
    if (rd.softState) hooks.onSoftState?.(rd.softState);
    if (rd.messages.length > 0) hooks.send(rd.messages);
    // A read index needs nothing of this member's disk (what it names is committed, and a read waits for
    // it to be applied): its reads go on while the Ready is written, as etcd hands them over before its
    // WAL write.
    if (rd.readStates.length > 0) hooks.onReadStates?.(rd.readStates);
    const committed = rd.committedEntries;
    const early = applicableEarly(rd);
    return andThen(rd.snapshot ? hooks.persistSnapshot(rd.snapshot) : undefined, () => {
      const persisted = hooks.persist(rd);
      // What this member's log held before this Ready is applied while the Ready's entries go to disk, as
      // etcd's apply goroutine does (see applicableEarly).
      if (early > 0) applyOrRelease(hooks, early === committed.length ? committed : committed.slice(0, early), persisted);
      return andThen(persisted, (): MaybePromise<ReadyOutcome> => {
        if (crashAfterPersist) return { ready: rd, crashedMidway: true };
        if (rd.persistedMessages.length > 0) hooks.send(rd.persistedMessages);
        if (rd.snapshot) hooks.applySnapshot?.(rd.snapshot);
        if (committed.length > early) hooks.apply(early === 0 ? committed : committed.slice(early));
        this.node.advance(rd);
        return andThen(hooks.afterAdvance?.(), () => ({ ready: rd, crashedMidway: false }));
      });
    });
  }

  /** Runs `item` against the node in the loop, between two Readies; dropped once the loop stopped. */
  enqueue(item: InboxItem): void {
    if (!this.running) return;
    this.inbox.push(item);
    this.wake?.();
  }

  /**
   * Runs the loop until stop(), ticking every `tickMs` on `clock`. Settles when the loop ends; rejects with
   * the first error a hook raised (a disk that cannot be written), after which the loop is over.
   */
  async run(clock: TickClock, tickMs: number): Promise<void> {
    this.running = true;
    this.stopTicks = clock.every(tickMs, () => this.enqueue((n) => n.tick()));
    try {
      while (this.running) {
        const items = this.inbox;
        this.inbox = [];
        for (const item of items) item(this.node);
        if (!this.node.hasReady()) {
          if (this.inbox.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
          this.wake = undefined;
          continue;
        }
        await this.processReady();
      }
    } finally {
      this.halt();
    }
  }

  /** Ends the loop after the Ready in progress; run() then settles. */
  stop(): void {
    this.halt();
    this.wake?.();
  }

  get isRunning(): boolean {
    return this.running;
  }

  private halt(): void {
    this.running = false;
    this.inbox = [];
    this.stopTicks?.();
    this.stopTicks = undefined;
  }
}
