import { describe, expect, it } from 'vitest';
import { BucketRateLimiter, defaultControllerRateLimiter, FakeClock, ItemExponentialFailureRateLimiter, MaxOfRateLimiter } from '../../../src/client/kube/index.js';

describe('ItemExponentialFailureRateLimiter', () => {
  it('doubles per failure of one item, caps, and forgets', () => {
    const limiter = new ItemExponentialFailureRateLimiter<string>(5, 1000);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map(() => limiter.when('a'))).toEqual([5, 10, 20, 40, 80, 160, 320, 640, 1000]);
    expect(limiter.numRequeues('a')).toBe(9);
    expect(limiter.when('b')).toBe(5);
    limiter.forget('a');
    expect(limiter.numRequeues('a')).toBe(0);
    expect(limiter.when('a')).toBe(5);
  });

  it('stays at the cap after very many failures', () => {
    const limiter = new ItemExponentialFailureRateLimiter<string>(5, 1_000_000);
    for (let i = 0; i < 2000; i++) limiter.when('a');
    expect(limiter.when('a')).toBe(1_000_000);
  });
});

describe('BucketRateLimiter', () => {
  it('lets a burst through, then spaces items at 1/qps, refilling with time', () => {
    const clock = new FakeClock();
    const limiter = new BucketRateLimiter<string>(10, 3, clock);
    expect([1, 2, 3].map((i) => limiter.when(`x${i}`))).toEqual([0, 0, 0]);
    expect(limiter.when('x4')).toBeCloseTo(100);
    expect(limiter.when('x5')).toBeCloseTo(200);
    clock.step(1000);
    // 10 tokens refilled, capped at the burst of 3, minus the 2 owed.
    expect(limiter.when('x6')).toBe(0);
    expect(limiter.numRequeues('x6')).toBe(0);
  });
});

describe('defaultControllerRateLimiter', () => {
  it('is the max of per-item backoff and the 10 qps / 100 burst bucket', () => {
    const clock = new FakeClock();
    const limiter = defaultControllerRateLimiter<string>(clock);
    expect(limiter.when('a')).toBe(5);
    expect(limiter.when('a')).toBe(10);
    for (let i = 0; i < 98; i++) limiter.when(`other-${i}`);
    // The bucket is now empty: a fresh item waits for a token (100 ms) rather than 5 ms.
    expect(limiter.when('fresh')).toBeCloseTo(100);
    expect(limiter.numRequeues('a')).toBe(2);
    limiter.forget('a');
    expect(limiter.numRequeues('a')).toBe(0);
  });

  it('MaxOf forgets in every limiter', () => {
    const a = new ItemExponentialFailureRateLimiter<string>(1, 100);
    const b = new ItemExponentialFailureRateLimiter<string>(3, 100);
    const max = new MaxOfRateLimiter(a, b);
    expect(max.when('k')).toBe(3);
    expect(max.when('k')).toBe(6);
    max.forget('k');
    expect(a.numRequeues('k') + b.numRequeues('k')).toBe(0);
  });
});
