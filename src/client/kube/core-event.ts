// The core/v1 Event shape client-go's recorder writes, and the timestamps it uses.

export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export interface CoreEvent {
  apiVersion: 'v1';
  kind: 'Event';
  metadata: { name: string; namespace: string; resourceVersion?: string };
  involvedObject: ObjectReference;
  reason: string;
  message: string;
  source: { component?: string; host?: string };
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
  type: 'Normal' | 'Warning';
  eventTime: null;
  reportingComponent: string;
  reportingInstance: string;
}

/** metav1.Time: RFC 3339 with seconds precision. */
export function metaTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

let lastNanos = 0n;

/**
 * Unix nanoseconds for `ms`, strictly increasing within the process: client-go reads a nanosecond clock,
 * so two events about one object never share a name; a millisecond clock needs the count to step on.
 * The sub-millisecond part comes from the monotonic clock so that two processes rarely meet either.
 */
function uniqueUnixNanos(ms: number): bigint {
  const nanos = BigInt(Math.floor(ms)) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
  lastNanos = nanos > lastNanos ? nanos : lastNanos + 1n;
  return lastNanos;
}

/** `<name>.<unix nanoseconds in hex>`, as the recorder names events; never the same name twice. */
export function eventName(objectName: string, ms: number): string {
  return `${objectName}.${uniqueUnixNanos(ms).toString(16)}`;
}
