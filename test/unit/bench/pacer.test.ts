// The density bench's open-loop pacer on a stepped clock: starts follow the schedule while earlier
// operations are still in flight, the in-flight bound holds and makes the starts it delays late, failures
// (rejected or thrown at once) are counted by message, 0 as interval starts as fast as the bound lets, and
// nothing starts past stopAt.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/client/kube/fake-clock.js';
import { Pacer, type PaceReport, type PaceSpec } from '../../../bench/density/pacer.js';

/** Lets promise continuations run after the clock fired timers. */
const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** Operations that stay in flight until the test settles them. */
class Pending {
  readonly started: number[] = [];
  private readonly settle = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();

  readonly operation = (index: number): Promise<void> => {
    this.started.push(index);
    return new Promise<void>((resolve, reject) => this.settle.set(index, { resolve, reject }));
  };

  resolve(index: number): void {
    this.settle.get(index)!.resolve();
  }

  reject(index: number, message: string): void {
    this.settle.get(index)!.reject(new Error(message));
  }
}

function start(spec: PaceSpec, operation: (index: number) => Promise<unknown>): { clock: FakeClock; pacer: Pacer; report: Promise<PaceReport> } {
  const clock = new FakeClock(0);
  const pacer = new Pacer(spec, clock);
  return { clock, pacer, report: pacer.run(operation) };
}

async function advance(clock: FakeClock, ms: number, stepMs = 10): Promise<void> {
  for (let t = 0; t < ms; t += stepMs) {
    clock.step(stepMs);
    await flush();
  }
}

describe('Pacer', () => {
  it('starts on schedule while earlier operations are still in flight (open loop)', async () => {
    const ops = new Pending();
    const { clock, pacer, report } = start({ count: 20, intervalMs: 100, maxInFlight: 50, lateAfterMs: 1000 }, ops.operation);
    await flush();
    expect(ops.started).toEqual([0]);
    await advance(clock, 950);
    // None answered, yet one start every 100 ms: a closed loop would still be at the first.
    expect(ops.started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(pacer.inFlight).toBe(10);
    await advance(clock, 1000);
    for (let i = 0; i < 20; i++) ops.resolve(i);
    const done = await report;
    expect(done).toMatchObject({ started: 20, succeeded: 20, failed: 0, notStarted: 0, late: 0, peakInFlight: 20, issueMs: 1900 });
    expect(done.maxLagMs).toBeLessThanOrEqual(10);
  });

  it('holds the in-flight bound, and a start it delays past lateAfterMs is late', async () => {
    const ops = new Pending();
    const { clock, pacer, report } = start({ count: 6, intervalMs: 100, maxInFlight: 3, lateAfterMs: 500 }, ops.operation);
    await advance(clock, 1000);
    expect(ops.started).toEqual([0, 1, 2]);
    ops.resolve(0); // at 1000 ms: the 4th, due at 300, starts 700 ms behind
    await flush();
    expect(ops.started).toEqual([0, 1, 2, 3]);
    expect(pacer.late).toBe(1);
    ops.resolve(1); // the 5th, due at 400, starts 610 ms behind (at the next step)
    await advance(clock, 100);
    ops.resolve(2); // at 1100 ms: the 6th, due at 500, starts 600 ms behind
    await flush();
    for (const i of [3, 4, 5]) ops.resolve(i);
    const done = await report;
    expect(done).toMatchObject({ started: 6, succeeded: 6, late: 3, peakInFlight: 3, maxLagMs: 700 });
  });

  it('counts failures by message, an operation that throws at once among them', async () => {
    const { clock, report } = start({ count: 5, intervalMs: 10, maxInFlight: 2, lateAfterMs: 1000 }, (i) => {
      if (i === 1) throw new Error('thrown');
      return i % 2 === 0 ? Promise.resolve() : Promise.reject(new Error('the server is currently unable to handle the request'));
    });
    await advance(clock, 100);
    const done = await report;
    expect(done).toMatchObject({ started: 5, succeeded: 3, failed: 2 });
    expect([...done.errors]).toEqual([
      ['thrown', 1],
      ['the server is currently unable to handle the request', 1],
    ]);
  });

  it('with interval 0 starts as many as the bound lets at once, and the next as each one ends', async () => {
    const ops = new Pending();
    const { report } = start({ count: 5, intervalMs: 0, maxInFlight: 2, lateAfterMs: Infinity }, ops.operation);
    await flush();
    expect(ops.started).toEqual([0, 1]);
    ops.resolve(1);
    await flush();
    expect(ops.started).toEqual([0, 1, 2]);
    for (const i of [0, 2]) ops.resolve(i);
    await flush();
    for (const i of [3, 4]) ops.resolve(i);
    expect(await report).toMatchObject({ started: 5, succeeded: 5, late: 0, issueMs: 0 });
  });

  it('starts nothing past stopAt and counts the rest as not started', async () => {
    const { clock, report } = start({ count: 10, intervalMs: 100, maxInFlight: 10, lateAfterMs: 1000, stopAt: 450 }, () => Promise.resolve());
    await advance(clock, 1000);
    expect(await report).toMatchObject({ started: 5, succeeded: 5, notStarted: 5 });
  });

  it('refuses a bound below one', () => {
    expect(() => new Pacer({ count: 1, intervalMs: 0, maxInFlight: 0, lateAfterMs: 0 })).toThrow('maxInFlight must be at least 1');
  });
});
