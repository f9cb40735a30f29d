// Event names are `<object>.<unix nanoseconds in hex>`, as client-go's recorder makes them: two events
// about one object in the same millisecond must not share a name (the second create would be refused
// as AlreadyExists and the event lost).

import { describe, expect, it } from 'vitest';
import { EventCorrelator, FakeClock, type CoreEvent } from '../../../src/client/kube/index.js';
import { eventName } from '../../../src/client/kube/core-event.js';

const nanosOf = (name: string): bigint => BigInt(`0x${name.slice(name.lastIndexOf('.') + 1)}`);

describe('event names', () => {
  it('are the object name and the time in nanoseconds, in hex', () => {
    const ms = Date.parse('2026-01-01T00:00:00.123Z');
    const name = eventName('web-1', ms);
    expect(name).toMatch(/^web-1\.[0-9a-f]+$/);
    const nanos = nanosOf(name);
    expect(nanos / 1_000_000n).toBeGreaterThanOrEqual(BigInt(ms));
    expect(nanos / 1_000_000n).toBeLessThanOrEqual(BigInt(ms) + 1n);
  });

  it('never repeat within one millisecond, and keep increasing', () => {
    const ms = Date.parse('2026-01-01T00:00:01Z');
    const names = Array.from({ length: 1000 }, () => eventName('web-1', ms));
    expect(new Set(names).size).toBe(1000);
    const nanos = names.map(nanosOf);
    for (let i = 1; i < nanos.length; i++) expect(nanos[i]! > nanos[i - 1]!).toBe(true);
  });

  it('differ for two distinct events the correlator passes in the same millisecond', () => {
    const clock = new FakeClock();
    const correlator = new EventCorrelator(clock);
    const event = (reason: string): CoreEvent => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: eventName('job-1', clock.now()), namespace: 'default' },
      involvedObject: { kind: 'Job', namespace: 'default', name: 'job-1', uid: 'u1', apiVersion: 'batch/v1' },
      reason,
      message: reason,
      source: { component: 'job-controller' },
      firstTimestamp: '2026-01-01T00:00:00Z',
      lastTimestamp: '2026-01-01T00:00:00Z',
      count: 1,
      type: 'Normal',
      eventTime: null,
      reportingComponent: 'job-controller',
      reportingInstance: 'host',
    });
    const first = correlator.correlate(event('SuccessfulCreate'));
    const second = correlator.correlate(event('Completed'));
    expect(first.event.metadata.name).not.toBe(second.event.metadata.name);
  });
});
