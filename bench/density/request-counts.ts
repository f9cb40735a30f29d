// How many requests the apiserver served during the run, by verb and resource, from the counter
// apiserver_request_total (WATCH counts the watches opened, not their events).

const LINE = /^apiserver_request_total\{(.*)\} (\S+)$/;

/** Requests by "VERB resource[/subresource]", summed over groups, versions, scopes and codes. */
export function requestCounts(metricsText: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of metricsText.split('\n')) {
    const match = LINE.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...match[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    const key = `${labels['verb'] ?? ''} ${labels['resource'] ?? ''}${labels['subresource'] ? `/${labels['subresource']}` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + Number(match[2]));
  }
  return counts;
}

/** What was counted between two scrapes, largest first, without the keys that did not move. */
export function countsBetween(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>): Array<[string, number]> {
  return [...after].map(([key, n]) => [key, n - (before.get(key) ?? 0)] as [string, number]).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
}
