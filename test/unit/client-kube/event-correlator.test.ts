import { describe, expect, it } from 'vitest';
import { EventCorrelator, FakeClock, metaTime, type CoreEvent } from '../../../src/client/kube/index.js';

const event = (clock: FakeClock, message: string, reason = 'FailedScheduling', name = 'web-1'): CoreEvent => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: `${name}.${clock.now().toString(16)}`, namespace: 'default' },
  involvedObject: { kind: 'Pod', namespace: 'default', name, uid: `uid-${name}`, apiVersion: 'v1' },
  reason,
  message,
  source: { component: 'default-scheduler' },
  firstTimestamp: metaTime(clock.now()),
  lastTimestamp: metaTime(clock.now()),
  count: 1,
  type: 'Warning',
  eventTime: null,
  reportingComponent: 'default-scheduler',
  reportingInstance: 'host',
});

describe('EventCorrelator', () => {
  it('creates a first event, then turns exact repeats into count++ patches of the same event', () => {
    const clock = new FakeClock();
    const correlator = new EventCorrelator(clock);
    const first = correlator.correlate(event(clock, '0/3 nodes are available'));
    expect(first.skip).toBe(false);
    expect(first.patch).toBeUndefined();
    correlator.updateState({ ...first.event, metadata: { ...first.event.metadata, resourceVersion: '7' } });

    clock.step(5000);
    const second = correlator.correlate(event(clock, '0/3 nodes are available'));
    expect(second.event.metadata.name).toBe(first.event.metadata.name);
    expect(second.event.metadata.resourceVersion).toBe('7');
    expect(second.event.firstTimestamp).toBe(first.event.firstTimestamp);
    expect(second.patch).toEqual({ count: 2, lastTimestamp: metaTime(clock.now()), message: '0/3 nodes are available' });

    clock.step(5000);
    expect(correlator.correlate(event(clock, '0/3 nodes are available')).patch?.count).toBe(3);
  });

  it('keeps different objects and reasons apart', () => {
    const clock = new FakeClock();
    const correlator = new EventCorrelator(clock);
    correlator.correlate(event(clock, 'm'));
    expect(correlator.correlate(event(clock, 'm', 'Scheduled')).patch).toBeUndefined();
    expect(correlator.correlate(event(clock, 'm', 'FailedScheduling', 'web-2')).patch).toBeUndefined();
  });

  it('combines the 10th distinct message within 10 minutes into one "(combined from similar events)" event that then counts', () => {
    const clock = new FakeClock();
    const correlator = new EventCorrelator(clock);
    const results = Array.from({ length: 12 }, (_, i) => {
      clock.step(1000);
      return correlator.correlate(event(clock, `message ${i}`));
    });
    expect(results.slice(0, 9).map((r) => r.event.message)).toEqual(Array.from({ length: 9 }, (_, i) => `message ${i}`));
    expect(results.slice(0, 9).every((r) => r.patch === undefined)).toBe(true);
    expect(results[9]!.event.message).toBe('(combined from similar events): message 9');
    expect(results[9]!.patch).toBeUndefined();
    expect(results[10]!.event.message).toBe('(combined from similar events): message 10');
    expect(results[10]!.event.metadata.name).toBe(results[9]!.event.metadata.name);
    expect(results[10]!.patch?.count).toBe(2);
    expect(results[11]!.patch?.count).toBe(3);
  });

  it('forgets similar events after 10 quiet minutes', () => {
    const clock = new FakeClock();
    const correlator = new EventCorrelator(clock);
    for (let i = 0; i < 9; i++) correlator.correlate(event(clock, `message ${i}`));
    clock.step(600_001);
    expect(correlator.correlate(event(clock, 'message 9')).event.message).toBe('message 9');
  });

  it('lets a source burst 25 events about an object, then 1 per 5 minutes', () => {
    const clock = new FakeClock();
    const correlator = new EventCorrelator(clock);
    const skipped = Array.from({ length: 27 }, () => correlator.correlate(event(clock, 'same')).skip);
    expect(skipped.filter((s) => !s)).toHaveLength(25);
    expect(skipped.slice(25)).toEqual([true, true]);
    expect(correlator.correlate(event(clock, 'same', 'Other', 'web-9')).skip).toBe(false);
    clock.step(300_000);
    expect(correlator.correlate(event(clock, 'same')).skip).toBe(false);
    expect(correlator.correlate(event(clock, 'same')).skip).toBe(true);
  });
});
