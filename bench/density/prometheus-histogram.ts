// Reads kube-apiserver's apiserver_request_duration_seconds (and etcd_request_duration_seconds, its calls to
// the store) from /metrics text, and estimates quantiles the way Prometheus' histogram_quantile does (linear
// within the bucket), as clusterloader2's API responsiveness check does from the same histogram.

import { samples } from './metrics-text.js';

export interface Histogram {
  /** Cumulative counts by upper bound (seconds), +Inf last. */
  readonly buckets: Map<number, number>;
  count: number;
}

/** The bucket series of the apiserver's requests and of its calls to the store. */
const REQUEST_BUCKET_SERIES = 'apiserver_request_duration_seconds_bucket';
const STORE_BUCKET_SERIES = 'etcd_request_duration_seconds_bucket';

/** Histograms by verb (resources summed), from one scrape. */
export function requestDurationsByVerb(metricsText: string): Map<string, Histogram> {
  return durations(metricsText, REQUEST_BUCKET_SERIES, (labels) => labels['verb'] ?? '');
}

/**
 * Histograms by call, "VERB resource[/subresource]" (groups, versions and scopes summed), from one scrape: a
 * verb's p99 mixes calls that differ in cost, and in how many each store's run made; clusterloader2's API
 * responsiveness check also judges each call on its own.
 */
export function requestDurationsByCall(metricsText: string): Map<string, Histogram> {
  return durations(metricsText, REQUEST_BUCKET_SERIES, callOf);
}

/** The apiserver's calls to the store by gRPC method (Range, Txn, …; object types summed), from one scrape. */
export function storeDurationsByMethod(metricsText: string): Map<string, Histogram> {
  return durations(metricsText, STORE_BUCKET_SERIES, (labels) => labels['operation'] ?? '');
}

/** "VERB resource[/subresource]" of a sample's labels, as request-counts.ts keys requests. */
export function callOf(labels: Readonly<Record<string, string>>): string {
  return `${labels['verb'] ?? ''} ${labels['resource'] ?? ''}${labels['subresource'] ? `/${labels['subresource']}` : ''}`;
}

function durations(metricsText: string, bucketSeries: string, keyOf: (labels: Readonly<Record<string, string>>) => string): Map<string, Histogram> {
  const byKey = new Map<string, Histogram>();
  for (const { labels, value } of samples(metricsText, bucketSeries)) {
    const key = keyOf(labels);
    const le = labels['le'] === '+Inf' ? Infinity : Number(labels['le']);
    let histogram = byKey.get(key);
    if (!histogram) byKey.set(key, (histogram = { buckets: new Map(), count: 0 }));
    histogram.buckets.set(le, (histogram.buckets.get(le) ?? 0) + value);
    if (le === Infinity) histogram.count += value;
  }
  return byKey;
}

/** What was observed between two scrapes. */
export function difference(after: Histogram, before: Histogram | undefined): Histogram {
  const buckets = new Map([...after.buckets].map(([le, n]) => [le, n - (before?.buckets.get(le) ?? 0)]));
  return { buckets, count: after.count - (before?.count ?? 0) };
}

/** histogram_quantile(q, h) in seconds; NaN for an empty histogram. */
export function quantile(q: number, histogram: Histogram): number {
  if (histogram.count === 0) return NaN;
  const bounds = [...histogram.buckets.keys()].sort((a, b) => a - b);
  const rank = q * histogram.count;
  let lower = 0;
  let below = 0;
  for (const upper of bounds) {
    const cumulative = histogram.buckets.get(upper)!;
    if (cumulative >= rank) {
      // Prometheus answers the highest finite bound when the rank falls in the +Inf bucket.
      if (upper === Infinity) return lower;
      return lower + ((upper - lower) * (rank - below)) / Math.max(cumulative - below, 1);
    }
    lower = upper;
    below = cumulative;
  }
  return lower;
}
