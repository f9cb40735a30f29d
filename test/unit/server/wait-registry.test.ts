import { describe, expect, it } from 'vitest';
import { Errors } from '../../../src/etcd-errors.js';
import { ConfChangeType } from '../../../src/raft/index.js';
import { KeyedWaits, WaitRegistry, confChangeKey } from '../../../src/server/wait-registry.js';

describe('keyed waits', () => {
  it('resolve once by key, and tell whether anyone waited', async () => {
    const waits = new KeyedWaits<bigint, string>();
    const waiting = waits.wait(7n, 1000, () => Errors.timeout());
    expect(waits.size).toBe(1);
    expect(waits.trigger(8n, 'other')).toBe(false);
    expect(waits.trigger(7n, 'done')).toBe(true);
    expect(waits.trigger(7n, 'again')).toBe(false);
    await expect(waiting).resolves.toBe('done');
    expect(waits.size).toBe(0);
  });

  it('fail with the timeout error when nothing answers (a conf change the leader dropped)', async () => {
    const waits = new KeyedWaits<string, void>();
    const key = confChangeKey(0x1234n, ConfChangeType.AddNode);
    await expect(waits.wait(key, 20, () => Errors.timeout())).rejects.toThrow('etcdserver: request timed out');
    expect(waits.trigger(key, undefined)).toBe(false);
  });

  it('time out each at its own deadline, whatever order they came in, while the others still get answers', async () => {
    const waits = new KeyedWaits<number, string>();
    const started = performance.now();
    const failedAt = new Map<number, number>();
    const outcome = (key: number, timeoutMs: number) =>
      waits.wait(key, timeoutMs, () => new Error(`timeout ${key}`)).then(
        (value) => value,
        (err: Error) => (failedAt.set(key, performance.now() - started), err.message),
      );
    const all = [outcome(1, 400), outcome(2, 60), outcome(3, 10_000), outcome(4, 150), outcome(5, 30)];
    expect(waits.trigger(3, 'three')).toBe(true);
    expect(await Promise.all(all)).toEqual(['timeout 1', 'timeout 2', 'three', 'timeout 4', 'timeout 5']);
    expect([...failedAt.entries()].sort((a, b) => a[1] - b[1]).map(([key]) => key)).toEqual([5, 2, 4, 1]);
    for (const [key, ms] of [[5, 30], [2, 60], [4, 150], [1, 400]] as const) expect(failedAt.get(key)).toBeGreaterThanOrEqual(ms - 1);
    expect(waits.size).toBe(0);
  });

  it('answer both callers of a key asked for twice', async () => {
    const waits = new KeyedWaits<string, string>();
    const first = waits.wait('k', 10_000, () => Errors.timeout());
    const second = waits.wait('k', 10_000, () => Errors.timeout());
    expect(waits.trigger('k', 'applied')).toBe(true);
    await expect(Promise.all([first, second])).resolves.toEqual(['applied', 'applied']);
    const third = waits.wait('k', 10, () => Errors.timeout());
    const fourth = waits.wait('k', 20, () => Errors.timeout());
    await expect(third).rejects.toThrow('etcdserver: request timed out');
    await expect(fourth).rejects.toThrow('etcdserver: request timed out');
  });
});

describe('the wait registry at shutdown', () => {
  it('rejects every kind of waiter, and later applied-index waits', async () => {
    const registry = new WaitRegistry(5);
    const waiting = [
      registry.proposals.wait(1n, 10_000, () => Errors.timeout()),
      registry.confChanges.wait(confChangeKey(2n, ConfChangeType.RemoveNode), 10_000, () => Errors.timeout()),
      registry.readRounds.wait('r-1', 10_000, () => Errors.timeout()),
      registry.appliedIndex.wait(9),
    ];
    registry.rejectAll(Errors.stopped());
    for (const w of waiting) await expect(w).rejects.toThrow('etcdserver: server stopped');
    await expect(registry.appliedIndex.wait(9)).rejects.toThrow('etcdserver: server stopped');
    await expect(registry.appliedIndex.wait(5)).resolves.toBeUndefined();
  });

  it('releases applied-index waits as the index advances, in any order', async () => {
    const registry = new WaitRegistry(0);
    const released: number[] = [];
    const waits = [3, 1, 2].map((i) => registry.appliedIndex.wait(i).then(() => released.push(i)));
    registry.appliedIndex.advance(2);
    await Promise.resolve();
    await Promise.resolve();
    expect(released.sort()).toEqual([1, 2]);
    registry.appliedIndex.advance(3);
    await Promise.all(waits);
    expect(released).toContain(3);
  });
});
