// What a chaos run must satisfy afterwards: every key's history is linearizable; every watcher saw the
// one true sequence of changes (ordered, no gaps, no duplicates, each revision whole, matching the
// acknowledged writes, prev_kv right); and no acknowledged write is missing.

import { checkLinearizable, registerModel, type KvOutput } from '../support/linearizability.js';
import { markerKey, type RecordedEvent, type RecordedOp } from './workload.js';

export interface Verdict {
  readonly ok: boolean;
  readonly failures: string[];
  readonly stats: Record<string, number>;
}

/**
 * Everything judged from what the clients and watchers recorded: the change stream is complete up to the
 * final revision, unknown outcomes settle from it, every key's history is linearizable, and the watch
 * guarantees hold.
 */
export function judgeRun(
  history: readonly RecordedOp[],
  watchers: readonly { endpoint: string; events: readonly RecordedEvent[]; problems?: readonly string[] }[],
  finalRevision: number,
  checkDeadline = Date.now() + 60_000,
): { failures: string[]; checkedKeys: number; unsettled: number } {
  const failures: string[] = [];
  const reference = referenceStream(watchers);
  const missing = missingRevisions(reference, finalRevision);
  if (missing.length > 0) failures.push(`no watcher saw revisions ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? '…' : ''}`);
  // Unknown outcomes can only be settled from a complete change stream.
  const settled = missing.length === 0 ? settleUnknownWrites(history, reference) : history;
  const { failures: linearizability, checkedKeys } = checkHistory(settled, checkDeadline);
  failures.push(...linearizability);
  failures.push(...checkWatches(watchers, history, reference));
  for (const w of watchers) failures.push(...(w.problems ?? []).map((p) => `${w.endpoint}: ${p}`));
  return { failures, checkedKeys, unsettled: settled.filter((o) => o.output === undefined).length };
}

/** Each key's history checked on its own; all keys share one deadline. */
export function checkHistory(history: readonly RecordedOp[], deadline = Date.now() + 60_000): { failures: string[]; checkedKeys: number } {
  const failures: string[] = [];
  const byKey = new Map<string, RecordedOp[]>();
  for (const op of history) {
    const list = byKey.get(op.key) ?? [];
    list.push(op);
    byKey.set(op.key, list);
  }
  for (const [key, ops] of byKey) {
    const result = checkLinearizable(registerModel, ops, deadline);
    if (result.undecided) failures.push(`key ${key}: the checker gave up on ${ops.length} operations (linearized ${result.longestPrefix})`);
    else if (!result.linearizable) failures.push(`key ${key}: not linearizable (${ops.length} operations; stuck after ${result.longestPrefix})`);
  }
  return { failures, checkedKeys: byKey.size };
}

/**
 * The union of what the watchers saw: every change, by revision. Complete when its revisions run
 * without a gap from 2 (the first write) to the store's final revision.
 */
export function referenceStream(watchers: readonly { events: readonly RecordedEvent[] }[]): Map<number, RecordedEvent[]> {
  const reference = new Map<number, RecordedEvent[]>();
  for (const { events } of watchers) {
    const byRevision = new Map<number, RecordedEvent[]>();
    for (const event of events) byRevision.set(event.revision, [...(byRevision.get(event.revision) ?? []), event]);
    for (const [revision, list] of byRevision) {
      // Keep the earliest sighting: the change had taken effect by then. (Watchers disagreeing is checked apart.)
      const known = reference.get(revision);
      if (!known || list[0]!.seenAt < known[0]!.seenAt) reference.set(revision, list);
    }
  }
  return reference;
}

/** What a write that took effect at `revision` returned, read off the change stream. */
function outcomeAt(op: RecordedOp, revision: number, reference: ReadonlyMap<number, readonly RecordedEvent[]>): KvOutput {
  switch (op.input.kind) {
    case 'put':
      return {};
    case 'cas':
      return { succeeded: true };
    default:
      return { deleted: reference.get(revision)!.some((e) => e.type === 'DELETE' && e.key === op.key) ? 1 : 0 };
  }
}

export function missingRevisions(reference: ReadonlyMap<number, unknown>, finalRevision: number): number[] {
  const missing: number[] = [];
  for (let revision = 2; revision <= finalRevision; revision++) if (!reference.has(revision)) missing.push(revision);
  return missing;
}

/**
 * Settles writes whose outcome the client never learned, from the complete change stream: values are
 * unique, so a put or swap whose value never appears did not take effect and leaves the history; one
 * that appears took effect by the time a watcher saw it, or an acknowledged later revision returned.
 * Without this, every timeout stays open to the end of the run and the search grows exponentially.
 */
export function settleUnknownWrites(history: readonly RecordedOp[], reference: ReadonlyMap<number, readonly RecordedEvent[]>): RecordedOp[] {
  const written = new Map<string, RecordedEvent>();
  for (const events of reference.values()) for (const e of events) if (e.type === 'PUT') written.set(`${e.key}=${e.value}`, e);
  // The earliest return of an acknowledged operation at each revision or later: suffix minima over the
  // acknowledged operations in revision order, looked up by binary search.
  const acknowledged = history.filter((op) => op.revision !== undefined && op.ret !== Infinity).sort((a, b) => a.revision! - b.revision!);
  const earliestFrom = new Array<number>(acknowledged.length + 1).fill(Infinity);
  for (let i = acknowledged.length - 1; i >= 0; i--) earliestFrom[i] = Math.min(acknowledged[i]!.ret, earliestFrom[i + 1]!);
  const earliestReturnFrom = (revision: number): number => {
    let low = 0;
    let high = acknowledged.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (acknowledged[middle]!.revision! < revision) low = middle + 1;
      else high = middle;
    }
    return earliestFrom[low]!;
  };
  const settled: RecordedOp[] = [];
  for (const op of history) {
    const mark = op.input.kind === 'delete' ? (op.marker === undefined ? undefined : `${markerKey(op.key)}=${op.marker}`) : op.input.kind === 'get' ? undefined : `${op.key}=${op.input.value}`;
    if (op.output !== undefined || mark === undefined) {
      settled.push(op);
      continue;
    }
    const event = written.get(mark);
    if (!event) continue;
    const ret = Math.max(op.call, Math.min(event.seenAt, earliestReturnFrom(event.revision)));
    settled.push({ ...op, output: outcomeAt(op, event.revision, reference), ret, revision: event.revision });
  }
  return settled;
}

/**
 * Watch guarantees, judged against the union of what all watchers saw (the reference stream) and the
 * acknowledged writes.
 */
export function checkWatches(
  watchers: readonly { endpoint: string; events: readonly RecordedEvent[] }[],
  history: readonly RecordedOp[],
  reference: ReadonlyMap<number, readonly RecordedEvent[]> = referenceStream(watchers),
): string[] {
  const failures: string[] = [];
  for (const { endpoint, events } of watchers) {
    let previous: RecordedEvent | undefined;
    const byRevision = new Map<number, RecordedEvent[]>();
    for (const event of events) {
      if (previous && event.revision < previous.revision) failures.push(`${endpoint}: revision ${event.revision} after ${previous.revision}`);
      if (previous && event.revision === previous.revision && event.response !== previous.response) {
        failures.push(`${endpoint}: revision ${event.revision} split across responses`);
      }
      const list = byRevision.get(event.revision) ?? [];
      if (list.some((e) => e.key === event.key)) failures.push(`${endpoint}: duplicate event for ${event.key} at ${event.revision}`);
      list.push(event);
      byRevision.set(event.revision, list);
      previous = event;
    }
    for (const [revision, list] of byRevision) {
      const known = reference.get(revision)!;
      if (describe(known) !== describe(list)) failures.push(`${endpoint}: revision ${revision} is ${describe(list)}, another member saw ${describe(known)}`);
    }
  }
  // No gaps: between its first and last revision, a watcher saw every revision any watcher saw.
  const allRevisions = [...reference.keys()].sort((a, b) => a - b);
  for (const { endpoint, events } of watchers) {
    if (events.length === 0) continue;
    const seen = new Set(events.map((e) => e.revision));
    const first = events[0]!.revision;
    const last = events[events.length - 1]!.revision;
    const missing = allRevisions.filter((r) => r >= first && r <= last && !seen.has(r));
    if (missing.length > 0) failures.push(`${endpoint}: missed revisions ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? '…' : ''}`);
  }
  // Acknowledged writes appear at the revision their response reported.
  for (const op of history) {
    if (op.revision === undefined || op.output === undefined) continue;
    const events = reference.get(op.revision);
    if (op.input.kind === 'put' || (op.input.kind === 'cas' && 'succeeded' in op.output && op.output.succeeded)) {
      const value = op.input.value;
      if (allRevisions.length > 0 && op.revision >= allRevisions[0]! && !events?.some((e) => e.type === 'PUT' && e.key === op.key && e.value === value)) {
        failures.push(`acknowledged write ${op.key}=${value} at revision ${op.revision} is not in the watch stream`);
      }
    }
  }
  for (const op of history) {
    if (op.revision === undefined || op.output === undefined || op.input.kind !== 'delete' || op.marker === undefined) continue;
    const events = reference.get(op.revision) ?? [];
    const deleted = events.some((e) => e.type === 'DELETE' && e.key === op.key) ? 1 : 0;
    if (!events.some((e) => e.key === markerKey(op.key) && e.value === op.marker) || deleted !== (op.output as { deleted: number }).deleted) {
      failures.push(`acknowledged delete of ${op.key} (deleted ${(op.output as { deleted: number }).deleted}) at revision ${op.revision} does not match the watch stream`);
    }
  }
  // Every value a watcher reports was written by some client (no phantom writes).
  const attempted = new Set(
    history.flatMap((op) => (op.input.kind === 'put' || op.input.kind === 'cas' ? [`${op.key}=${op.input.value}`] : op.marker !== undefined ? [`${markerKey(op.key)}=${op.marker}`] : [])),
  );
  for (const events of reference.values()) {
    for (const e of events) if (e.type === 'PUT' && !attempted.has(`${e.key}=${e.value}`)) failures.push(`watch reports ${e.key}=${e.value} that nobody wrote`);
  }
  // prev_kv: the key's previous event in the reference stream, when it was a put.
  const lastByKey = new Map<string, RecordedEvent>();
  for (const revision of allRevisions) {
    for (const e of reference.get(revision)!) {
      const previous = lastByKey.get(e.key);
      if (e.prevValue !== null && previous && previous.revision < revision) {
        const expected = previous.type === 'PUT' ? previous.value : null;
        if (e.prevValue !== expected) failures.push(`prev_kv of ${e.key} at ${revision} is ${e.prevValue}, expected ${expected}`);
      }
      lastByKey.set(e.key, e);
    }
  }
  return failures;
}

function describe(events: readonly RecordedEvent[]): string {
  return events.map((e) => `${e.type} ${e.key}=${e.value}`).join('; ');
}
