import { describe, expect, it } from 'vitest';
import { EVENT_FRESH_MS, EventHistory, LOWER_BOUND_CAPACITY } from '../../../src/apiserver/watch/event-history.js';

// The history is given each event's record time, so these runs are exact without waiting 75 s.
const revisions = (events: { revision: number }[] | undefined): number[] | undefined => events?.map((e) => e.revision);

describe('the watch cache history (sized by time, as kube-apiserver)', () => {
  it('grows past its first capacity while its events are fresh, so a burst keeps every event', () => {
    const history = new EventHistory<{ revision: number }>({ upperBound: 100 * 1024, freshMs: EVENT_FRESH_MS });
    history.reset(10);
    // 5,000 events in one second: five times the old fixed window of 1,000.
    for (let i = 1; i <= 5000; i++) history.push({ revision: 10 + i }, i / 5);
    expect(history.capacity).toBeGreaterThanOrEqual(5000);
    expect(history.size).toBe(5000);
    expect(history.oldestRevision).toBe(10);
    expect(revisions(history.since(10))).toHaveLength(5000);
    expect(revisions(history.since(5005))).toEqual([5006, 5007, 5008, 5009, 5010]);
    expect(history.since(9)).toBeUndefined();
  });

  it('stops at its upper bound, dropping the oldest events: older revisions are expired', () => {
    const history = new EventHistory<{ revision: number }>({ upperBound: 300, freshMs: EVENT_FRESH_MS });
    history.reset(0);
    for (let i = 1; i <= 1000; i++) history.push({ revision: i }, i);
    expect(history.capacity).toBe(300);
    expect(history.oldestRevision).toBe(700);
    expect(history.since(699)).toBeUndefined();
    expect(revisions(history.since(700))).toEqual(Array.from({ length: 300 }, (_, i) => 701 + i));
  });

  it('keeps a steady trickle at its lower bound and drops events once they are older than the capacity', () => {
    const history = new EventHistory<{ revision: number }>({ upperBound: 100 * 1024, freshMs: EVENT_FRESH_MS });
    history.reset(0);
    // One event a second: 100 events span 100 s, more than 75 s, so the ring never needs to grow.
    for (let i = 1; i <= 500; i++) history.push({ revision: i }, i * 1000);
    expect(history.capacity).toBe(LOWER_BOUND_CAPACITY);
    expect(history.oldestRevision).toBe(400);
    expect(history.since(399)).toBeUndefined();
    expect(revisions(history.since(499))).toEqual([500]);
  });

  it('halves once even its newest quarter is stale, down to the lower bound', () => {
    const history = new EventHistory<{ revision: number }>({ upperBound: 100 * 1024, freshMs: EVENT_FRESH_MS });
    history.reset(0);
    for (let i = 1; i <= 800; i++) history.push({ revision: i }, i);
    expect(history.capacity).toBe(800);
    // Long after the burst, events come one a minute: each push past a stale quarter halves the ring.
    let t = 10 * EVENT_FRESH_MS;
    const sizes: number[] = [];
    for (let r = 801; r <= 804; r++, t += 60_000) {
      history.push({ revision: r }, t);
      sizes.push(history.capacity);
    }
    expect(sizes).toEqual([400, 200, 100, 100]);
    expect(history.size).toBe(100);
    // What the halving dropped is gone, and what is kept is the newest events.
    expect(history.oldestRevision).toBe(704);
    expect(revisions(history.since(704))?.[0]).toBe(705);
    expect(revisions(history.since(803))).toEqual([804]);
  });

  it('starts over after a relist: nothing before the list is kept', () => {
    const history = new EventHistory<{ revision: number }>({ upperBound: 3, freshMs: EVENT_FRESH_MS });
    history.reset(0);
    for (let i = 1; i <= 5; i++) history.push({ revision: i }, i);
    expect(history.capacity).toBe(3);
    history.reset(42);
    expect(history.size).toBe(0);
    expect(history.since(41)).toBeUndefined();
    expect(history.since(42)).toEqual([]);
    history.push({ revision: 43 }, 10);
    expect(revisions(history.since(42))).toEqual([43]);
  });
});
