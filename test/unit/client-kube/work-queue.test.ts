import { describe, expect, it } from 'vitest';
import { FakeClock, ItemExponentialFailureRateLimiter, runWorker, WorkQueue } from '../../../src/client/kube/index.js';

const queueWithClock = (): { clock: FakeClock; queue: WorkQueue<string> } => {
  const clock = new FakeClock();
  return { clock, queue: new WorkQueue<string>({ clock, rateLimiter: new ItemExponentialFailureRateLimiter<string>(5, 1000) }) };
};

describe('WorkQueue', () => {
  it('hands keys out in order, each once however often it was added', async () => {
    const { queue } = queueWithClock();
    for (const key of ['a', 'b', 'a', 'c', 'b']) queue.add(key);
    expect(queue.len()).toBe(3);
    expect([await queue.get(), await queue.get(), await queue.get()]).toEqual(['a', 'b', 'c']);
    expect(queue.len()).toBe(0);
  });

  it('never hands a key being processed to a second worker; a re-add during processing comes back on done', async () => {
    const { queue } = queueWithClock();
    queue.add('a');
    const first = await queue.get();
    queue.add('a');
    queue.add('a');
    expect(queue.len()).toBe(0);
    let second: string | undefined;
    const next = queue.get().then((key) => (second = key));
    await Promise.resolve();
    expect(second).toBeUndefined();
    queue.done(first!);
    await Promise.resolve();
    expect(second).toBe('a');
    expect(queue.len()).toBe(0);
    await next;
  });

  it('a waiting get() is released by add and by shutdown', async () => {
    const { queue } = queueWithClock();
    const waiting = queue.get();
    queue.add('x');
    expect(await waiting).toBe('x');
    const idle = queue.get();
    queue.shutdown();
    expect(await idle).toBeUndefined();
    queue.add('y');
    expect(queue.len()).toBe(0);
  });

  it('hands out keys still queued at shutdown, then reports the end', async () => {
    const { queue } = queueWithClock();
    queue.add('a');
    queue.add('b');
    queue.shutdown();
    expect(await queue.get()).toBe('a');
    expect(await queue.get()).toBe('b');
    expect(await queue.get()).toBeUndefined();
  });

  it('shutdownWithDrain waits for keys in processing', async () => {
    const { queue } = queueWithClock();
    queue.add('a');
    const key = await queue.get();
    let drained = false;
    const draining = queue.shutdownWithDrain().then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    queue.done(key!);
    await draining;
    expect(drained).toBe(true);
  });

  it('addAfter waits on the clock and keeps the earliest deadline per key', () => {
    const { clock, queue } = queueWithClock();
    queue.addAfter('a', 100);
    queue.addAfter('a', 50);
    queue.addAfter('a', 500);
    queue.addAfter('b', 0);
    expect(queue.len()).toBe(1);
    clock.step(49);
    expect(queue.len()).toBe(1);
    clock.step(1);
    expect(queue.len()).toBe(2);
    clock.step(1000);
    expect(queue.len()).toBe(2);
  });

  it('addRateLimited backs off exponentially per key until forget', async () => {
    const { clock, queue } = queueWithClock();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const before = clock.now();
      queue.addRateLimited('k');
      for (let waited = 0; queue.len() === 0 && waited < 1000; waited++) clock.step(1);
      delays.push(clock.now() - before);
      queue.done((await queue.get())!);
    }
    expect(delays).toEqual([5, 10, 20, 40]);
    expect(queue.numRequeues('k')).toBe(4);
    queue.forget('k');
    expect(queue.numRequeues('k')).toBe(0);
  });

  it('shutdown drops delayed keys', () => {
    const { clock, queue } = queueWithClock();
    queue.addAfter('a', 10);
    queue.shutdown();
    clock.step(100);
    expect(queue.len()).toBe(0);
    expect(clock.pending()).toBe(0);
  });
});

describe('runWorker', () => {
  it('forgets keys that sync and re-queues failures rate-limited; a key re-added while syncing waits for its worker', async () => {
    const { clock, queue } = queueWithClock();
    const attempts = new Map<string, number>();
    const inFlight = new Set<string>();
    let overlapped = false;
    const sync = async (key: string): Promise<void> => {
      if (inFlight.has(key)) overlapped = true;
      inFlight.add(key);
      if (!attempts.has(key)) queue.add(key);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight.delete(key);
      attempts.set(key, (attempts.get(key) ?? 0) + 1);
      if (key === 'flaky' && attempts.get(key)! < 3) throw new Error('not yet');
    };
    const workers = [runWorker(queue, sync), runWorker(queue, sync)];
    queue.add('flaky');
    queue.add('ok');
    for (let i = 0; i < 200 && (attempts.get('flaky') !== 3 || attempts.get('ok') !== 2); i++) {
      await new Promise((resolve) => setImmediate(resolve));
      clock.step(5);
    }
    expect(attempts.get('flaky')).toBe(3);
    expect(queue.numRequeues('flaky')).toBe(0);
    queue.shutdown();
    await Promise.all(workers);
    // Each first sync re-added its own key while running: it came back once, after, never to the other worker.
    expect(overlapped).toBe(false);
    expect(attempts.get('ok')).toBe(2);
  });
});
