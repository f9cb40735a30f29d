// client-go's EventCorrelator (tools/record/events_cache.go), a pure function of the events it has seen and
// the clock: a per source+object spam filter (burst 25, refill 1 per 5 min), aggregation of events that
// differ only in message (10 within 10 min → one "(combined from similar events): " event), and counting of
// exact repeats (the same event again becomes a patch of count, lastTimestamp and message).

import type { Clock } from './clock.js';
import { eventName, metaTime, type CoreEvent } from './core-event.js';
import { LruCache } from './lru-cache.js';

const CACHE_ENTRIES = 4096;
const AGGREGATE_MAX_EVENTS = 10;
const AGGREGATE_INTERVAL_MS = 600_000;
const SPAM_BURST = 25;
const SPAM_QPS = 1 / 300;

export interface CorrelationResult {
  /** The event to write (create, or patch when `patch` is set). */
  event: CoreEvent;
  /** Strategic merge patch for an existing event: its new count, lastTimestamp and message. */
  patch?: { count: number; lastTimestamp: string; message: string };
  /** True when the spam filter drops the event. */
  skip: boolean;
}

interface Observation {
  count: number;
  firstTimestamp: string;
  name: string;
  resourceVersion?: string;
}

interface Aggregate {
  localKeys: Set<string>;
  last: number;
}

interface Bucket {
  tokens: number;
  last: number;
}

const objectKeyParts = (event: CoreEvent): string[] => {
  const { kind = '', namespace = '', name = '', uid = '', apiVersion = '' } = event.involvedObject;
  return [event.source.component ?? '', event.source.host ?? '', kind, namespace, name, uid, apiVersion];
};

/** Identity of an exact repeat: everything but the timestamps. */
export function eventKey(event: CoreEvent): string {
  const [component, host, kind, namespace, name, uid, apiVersion] = objectKeyParts(event);
  return [component, host, kind, namespace, name, event.involvedObject.fieldPath ?? '', uid, apiVersion, event.type, event.reason, event.message].join('');
}

function spamKey(event: CoreEvent): string {
  return objectKeyParts(event).join('');
}

function aggregateKey(event: CoreEvent): string {
  return [...objectKeyParts(event), event.type, event.reason, event.reportingComponent, event.reportingInstance].join('');
}

export class EventCorrelator {
  private readonly spam = new LruCache<string, Bucket>(CACHE_ENTRIES);
  private readonly aggregates = new LruCache<string, Aggregate>(CACHE_ENTRIES);
  private readonly observations = new LruCache<string, Observation>(CACHE_ENTRIES);

  constructor(private readonly clock: Clock) {}

  correlate(incoming: CoreEvent): CorrelationResult {
    const { event: aggregated, key } = this.aggregate(incoming);
    const observed = this.observe(aggregated, key);
    return { ...observed, skip: this.filtered(observed.event) };
  }

  /** Records what the server answered (name and resourceVersion) so later repeats patch the right event. */
  updateState(written: CoreEvent): void {
    this.observations.set(eventKey(written), {
      count: written.count,
      firstTimestamp: written.firstTimestamp,
      name: written.metadata.name,
      resourceVersion: written.metadata.resourceVersion,
    });
  }

  private aggregate(event: CoreEvent): { event: CoreEvent; key: string } {
    const now = this.clock.now();
    const groupKey = aggregateKey(event);
    let record = this.aggregates.get(groupKey);
    if (!record || now - record.last > AGGREGATE_INTERVAL_MS) record = { localKeys: new Set(), last: now };
    record.localKeys.add(event.message);
    record.last = now;
    this.aggregates.set(groupKey, record);
    if (record.localKeys.size < AGGREGATE_MAX_EVENTS) return { event, key: eventKey(event) };
    // Keep the set at the threshold so every further variant stays aggregated.
    record.localKeys.delete(record.localKeys.values().next().value as string);
    const stamp = metaTime(now);
    const combined: CoreEvent = {
      ...event,
      metadata: { name: eventName(event.involvedObject.name ?? '', now), namespace: event.metadata.namespace },
      count: 1,
      firstTimestamp: stamp,
      lastTimestamp: stamp,
      message: `(combined from similar events): ${event.message}`,
    };
    return { event: combined, key: groupKey };
  }

  private observe(event: CoreEvent, key: string): { event: CoreEvent; patch?: CorrelationResult['patch'] } {
    const last = this.observations.get(key);
    let result: { event: CoreEvent; patch?: CorrelationResult['patch'] } = { event };
    if (last && last.count > 0) {
      const repeated: CoreEvent = {
        ...event,
        metadata: { ...event.metadata, name: last.name, resourceVersion: last.resourceVersion },
        firstTimestamp: last.firstTimestamp,
        count: last.count + 1,
      };
      result = { event: repeated, patch: { count: repeated.count, lastTimestamp: repeated.lastTimestamp, message: repeated.message } };
    }
    this.observations.set(key, { count: result.event.count, firstTimestamp: result.event.firstTimestamp, name: result.event.metadata.name, resourceVersion: result.event.metadata.resourceVersion });
    return result;
  }

  private filtered(event: CoreEvent): boolean {
    const now = this.clock.now();
    const key = spamKey(event);
    const bucket = this.spam.get(key) ?? { tokens: SPAM_BURST, last: now };
    bucket.tokens = Math.min(SPAM_BURST, bucket.tokens + ((now - bucket.last) / 1000) * SPAM_QPS);
    bucket.last = now;
    const accepted = bucket.tokens >= 1;
    if (accepted) bucket.tokens -= 1;
    this.spam.set(key, bucket);
    return !accepted;
  }
}
