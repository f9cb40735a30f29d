// How many requests the apiserver served during the run, by verb and resource, from the counter
// apiserver_request_total (WATCH counts the watches opened, not their events).

import { samples } from './metrics-text.js';
import { callOf } from './prometheus-histogram.js';

/** Requests by "VERB resource[/subresource]", summed over groups, versions, scopes and codes. */
export function requestCounts(metricsText: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { labels, value } of samples(metricsText, 'apiserver_request_total')) {
    const key = callOf(labels);
    counts.set(key, (counts.get(key) ?? 0) + value);
  }
  return counts;
}

/** What was counted between two scrapes, largest first, without the keys that did not move. */
export function countsBetween(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): Array<[string, number]> {
  return [...after].map(([key, n]) => [key, n - (before.get(key) ?? 0)] as [string, number]).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
}

/** A call served fewer times than this in a run has no p99 worth a row (its two slowest decide it). */
const FREQUENT = 100;

/** Calls every run served at least FREQUENT times, most served first (in the first run). */
export function frequentCalls(runs: ReadonlyArray<{ readonly requests: ReadonlyArray<[string, number]> }>): string[] {
  const [first, ...others] = runs;
  if (first === undefined) return [];
  const servedOften = (run: (typeof runs)[number], call: string): boolean => run.requests.some(([key, n]) => key === call && n >= FREQUENT);
  return first.requests.filter(([call, n]) => n >= FREQUENT && others.every((run) => servedOften(run, call))).map(([call]) => call);
}
