// How many requests the apiserver served during the run, by verb and resource, from the counter
// apiserver_request_total (WATCH counts the watches opened, not their events).

import { samples } from './metrics-text.js';

/** Requests by "VERB resource[/subresource]", summed over groups, versions, scopes and codes. */
export function requestCounts(metricsText: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { labels, value } of samples(metricsText, 'apiserver_request_total')) {
    const key = `${labels['verb'] ?? ''} ${labels['resource'] ?? ''}${labels['subresource'] ? `/${labels['subresource']}` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + value);
  }
  return counts;
}

/** What was counted between two scrapes, largest first, without the keys that did not move. */
export function countsBetween(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): Array<[string, number]> {
  return [...after].map(([key, n]) => [key, n - (before.get(key) ?? 0)] as [string, number]).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
}
