// client-go's rate-limiting work queue (util/workqueue): a key waiting in the queue is there once (dirty
// set), a key being processed is never handed to a second worker (processing set) and is re-queued on
// done() if it was added meanwhile; addAfter delays, addRateLimited delays by the rate limiter.

import { realClock, type Clock, type TimerHandle } from './clock.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.js';

export interface WorkQueueOptions<K> {
  clock?: Clock;
  rateLimiter?: RateLimiter<K>;
}

interface Waiting {
  readyAt: number;
  timer: TimerHandle;
}

export class WorkQueue<K> {
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter<K>;
  private readonly queue: K[] = [];
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly waiting = new Map<K, Waiting>();
  private getters: Array<(item: K | undefined) => void> = [];
  private drained: Array<() => void> = [];
  private shuttingDown = false;

  constructor(options: WorkQueueOptions<K> = {}) {
    this.clock = options.clock ?? realClock;
    this.rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter<K>(this.clock);
  }

  add(item: K): void {
    if (this.shuttingDown || this.dirty.has(item)) return;
    this.dirty.add(item);
    if (this.processing.has(item)) return;
    this.enqueue(item);
  }

  /** Adds `item` after `delayMs`; a key already waiting keeps the earlier of the two deadlines. */
  addAfter(item: K, delayMs: number): void {
    if (this.shuttingDown) return;
    if (delayMs <= 0) return this.add(item);
    const readyAt = this.clock.now() + delayMs;
    const existing = this.waiting.get(item);
    if (existing && existing.readyAt <= readyAt) return;
    if (existing) this.clock.clearTimeout(existing.timer);
    const timer = this.clock.setTimeout(() => {
      this.waiting.delete(item);
      this.add(item);
    }, delayMs);
    this.waiting.set(item, { readyAt, timer });
  }

  addRateLimited(item: K): void {
    this.addAfter(item, this.rateLimiter.when(item));
  }

  /** Stops tracking `item`'s failures (call after a successful sync). */
  forget(item: K): void {
    this.rateLimiter.forget(item);
  }

  numRequeues(item: K): number {
    return this.rateLimiter.numRequeues(item);
  }

  /** The next key to process; undefined once shut down and empty. Call done(key) when finished with it. */
  get(): Promise<K | undefined> {
    if (this.queue.length > 0) return Promise.resolve(this.take());
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  done(item: K): void {
    this.processing.delete(item);
    if (this.dirty.has(item)) this.enqueue(item);
    else if (this.processing.size === 0) this.notifyDrained();
  }

  len(): number {
    return this.queue.length;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Refuses new keys, drops delayed ones and releases idle workers; queued keys are still handed out. */
  shutdown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.waiting.values()) this.clock.clearTimeout(timer);
    this.waiting.clear();
    if (this.queue.length === 0) {
      const getters = this.getters;
      this.getters = [];
      for (const resolve of getters) resolve(undefined);
    }
  }

  /** shutdown(), then wait until every key handed out has been done(). */
  async shutdownWithDrain(): Promise<void> {
    this.shutdown();
    if (this.processing.size === 0) return;
    await new Promise<void>((resolve) => this.drained.push(resolve));
  }

  private enqueue(item: K): void {
    const getter = this.getters.shift();
    if (getter) {
      this.queue.push(item);
      getter(this.take());
    } else {
      this.queue.push(item);
    }
  }

  private take(): K {
    const item = this.queue.shift() as K;
    this.dirty.delete(item);
    this.processing.add(item);
    if (this.shuttingDown && this.queue.length === 0) {
      const getters = this.getters;
      this.getters = [];
      for (const resolve of getters) resolve(undefined);
    }
    return item;
  }

  private notifyDrained(): void {
    const drained = this.drained;
    this.drained = [];
    for (const resolve of drained) resolve();
  }
}

/**
 * The controller worker idiom: take a key, sync it, forget it on success or re-queue it rate-limited on
 * failure, always done(); until the queue shuts down.
 */
export async function runWorker<K>(queue: WorkQueue<K>, sync: (key: K) => Promise<void>, onError?: (key: K, error: unknown) => void): Promise<void> {
  for (;;) {
    const key = await queue.get();
    if (key === undefined) return;
    try {
      await sync(key);
      queue.forget(key);
    } catch (error) {
      onError?.(key, error);
      queue.addRateLimited(key);
    } finally {
      queue.done(key);
    }
  }
}
