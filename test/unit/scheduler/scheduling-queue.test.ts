// The scheduling queue: priority then arrival order, backoff 1 s·2^(n−1) ≤ 10 s, unschedulable pods
// returned by cluster events or after 5 minutes, and the move-request rule for pods failing mid-event.

import { describe, expect, it } from 'vitest';
import { SchedulingQueue } from '../../../src/scheduler/scheduling-queue.js';
import { makePod } from './fixtures.js';

function queueAt(start = 0): { queue: SchedulingQueue; advance: (ms: number) => void } {
  let now = start;
  return { queue: new SchedulingQueue(() => now), advance: (ms) => (now += ms) };
}

describe('SchedulingQueue', () => {
  it('pops by priority, then by arrival', async () => {
    const { queue, advance } = queueAt();
    for (const [name, priority] of [['low', 0], ['high', 100], ['low-later', 0], ['mid', 10]] as const) {
      queue.add(makePod(name, {}, { priority }));
      advance(1);
    }
    const order: string[] = [];
    for (let i = 0; i < 4; i++) order.push((await queue.pop())!.pod.metadata.name!);
    expect(order).toEqual(['high', 'mid', 'low', 'low-later']);
  });

  it('backs off 1 s, 2 s, 4 s, 8 s, then 10 s at most', () => {
    const { queue } = queueAt();
    expect([1, 2, 3, 4, 5, 6].map((n) => queue.backoffDuration(n))).toEqual([1000, 2000, 4000, 8000, 10000, 10000]);
  });

  it('parks an unschedulable pod until a cluster event, then holds it through its backoff', async () => {
    const { queue, advance } = queueAt();
    queue.add(makePod('p'));
    const popped = (await queue.pop())!;
    queue.addUnschedulable(popped, queue.cycle);
    expect(queue.sizes).toEqual({ active: 0, backoff: 0, unschedulable: 1 });
    advance(500);
    queue.moveAllToActiveOrBackoff();
    expect(queue.sizes).toEqual({ active: 0, backoff: 1, unschedulable: 0 });
    queue.flushBackoffCompleted();
    expect(queue.sizes.backoff).toBe(1);
    advance(500);
    queue.flushBackoffCompleted();
    expect(queue.sizes).toEqual({ active: 1, backoff: 0, unschedulable: 0 });
    expect((await queue.pop())!.attempts).toBe(2);
  });

  it('a cluster event during the cycle sends the failed pod to backoff, not to the pool', async () => {
    const { queue } = queueAt();
    queue.add(makePod('p'));
    const popped = (await queue.pop())!;
    const cycle = queue.cycle;
    queue.moveAllToActiveOrBackoff();
    queue.addUnschedulable(popped, cycle);
    expect(queue.sizes).toEqual({ active: 0, backoff: 1, unschedulable: 0 });
  });

  it('returns pods parked for 5 minutes even without events', async () => {
    const { queue, advance } = queueAt();
    queue.add(makePod('p'));
    queue.addUnschedulable((await queue.pop())!, queue.cycle);
    advance(5 * 60_000 - 1);
    queue.flushUnschedulableLeftover();
    expect(queue.sizes.unschedulable).toBe(1);
    advance(1);
    queue.flushUnschedulableLeftover();
    expect(queue.sizes).toEqual({ active: 1, backoff: 0, unschedulable: 0 });
  });

  it('an update to a parked pod retries it; a delete drops it', async () => {
    const { queue, advance } = queueAt();
    queue.add(makePod('p'));
    queue.addUnschedulable((await queue.pop())!, queue.cycle);
    advance(2000);
    queue.update(makePod('p', {}, { nodeSelector: { a: 'b' } }));
    const again = (await queue.pop())!;
    expect(again.pod.spec.nodeSelector).toEqual({ a: 'b' });
    queue.addUnschedulable(again, queue.cycle);
    queue.delete(makePod('p'));
    expect(queue.sizes).toEqual({ active: 0, backoff: 0, unschedulable: 0 });
  });

  it('pop waits for a pod, and resolves undefined on close', async () => {
    const { queue } = queueAt();
    const waiting = queue.pop();
    queue.add(makePod('late'));
    expect((await waiting)!.pod.metadata.name).toBe('late');
    const pending = queue.pop();
    queue.close();
    expect(await pending).toBeUndefined();
  });
});
