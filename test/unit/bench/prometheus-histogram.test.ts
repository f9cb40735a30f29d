import { describe, expect, it } from 'vitest';
import { difference, quantile, requestDurationsByCall, requestDurationsByVerb, storeDurationsByMethod } from '../../../bench/density/prometheus-histogram.js';

const scrape = (postCounts: readonly number[], getCounts: readonly number[]): string =>
  [
    '# TYPE apiserver_request_duration_seconds histogram',
    ...['0.1', '1', '+Inf'].map((le, i) => `apiserver_request_duration_seconds_bucket{verb="POST",resource="pods",le="${le}"} ${postCounts[i]}`),
    ...['0.1', '1', '+Inf'].map((le, i) => `apiserver_request_duration_seconds_bucket{verb="GET",resource="pods",le="${le}"} ${getCounts[i]}`),
    `apiserver_request_duration_seconds_bucket{verb="GET",resource="nodes",le="0.1"} 10`,
    `apiserver_request_duration_seconds_bucket{verb="GET",resource="nodes",le="1"} 10`,
    `apiserver_request_duration_seconds_bucket{verb="GET",resource="nodes",le="+Inf"} 10`,
    'apiserver_request_total{verb="GET"} 3',
  ].join('\n');

describe("histogram_quantile over the apiserver's request histogram", () => {
  it('sums resources per verb and interpolates within the bucket as Prometheus does', () => {
    const byVerb = requestDurationsByVerb(scrape([50, 100, 100], [0, 90, 90]));
    expect(byVerb.get('GET')!.count).toBe(100);
    // POST: half under 0.1 s, the rest in (0.1, 1]: the median is the 0.1 bound, p75 halfway up the next bucket.
    expect(quantile(0.5, byVerb.get('POST')!)).toBeCloseTo(0.1);
    expect(quantile(0.75, byVerb.get('POST')!)).toBeCloseTo(0.55);
    // GET: 10 of 100 under 0.1 s (the nodes), 90 more under 1 s.
    expect(quantile(0.99, byVerb.get('GET')!)).toBeCloseTo(0.1 + 0.9 * (89 / 90));
  });

  it('keeps calls apart when asked by call', () => {
    const byCall = requestDurationsByCall(scrape([50, 100, 100], [0, 90, 90]));
    expect([...byCall.keys()].sort()).toEqual(['GET nodes', 'GET pods', 'POST pods']);
    expect(byCall.get('GET nodes')!.count).toBe(10);
    expect(quantile(0.99, byCall.get('GET nodes')!)).toBeCloseTo(0.1 * 0.99);
    expect(quantile(0.99, byCall.get('GET pods')!)).toBeCloseTo(0.1 + 0.9 * (89.1 / 90));
  });

  it('answers the highest finite bound when the rank falls in +Inf, NaN when empty', () => {
    const byVerb = requestDurationsByVerb(scrape([0, 1, 10], [0, 0, 0]));
    expect(quantile(0.99, byVerb.get('POST')!)).toBe(1);
    expect(quantile(0.5, { buckets: new Map([[Infinity, 0]]), count: 0 })).toBeNaN();
  });

  it('measures a run as the difference of two scrapes', () => {
    const before = requestDurationsByVerb(scrape([50, 50, 50], [0, 0, 0])).get('POST');
    const after = requestDurationsByVerb(scrape([50, 150, 150], [0, 0, 0])).get('POST')!;
    const run = difference(after, before);
    expect(run.count).toBe(100);
    expect(quantile(0.5, run)).toBeCloseTo(0.55);
  });

  it("reads the apiserver's store calls by gRPC method, object types summed, and nothing else", () => {
    const text = [
      scrape([50, 100, 100], [0, 90, 90]),
      ...['0.005', '0.025', '+Inf'].map((le, i) => `etcd_request_duration_seconds_bucket{operation="Txn",type="/pods",le="${le}"} ${[40, 49, 50][i]}`),
      ...['0.005', '0.025', '+Inf'].map((le, i) => `etcd_request_duration_seconds_bucket{operation="Txn",type="/events",le="${le}"} ${[40, 50, 50][i]}`),
      ...['0.005', '0.025', '+Inf'].map((le, i) => `etcd_request_duration_seconds_bucket{operation="Range",type="/pods",le="${le}"} ${[10, 10, 10][i]}`),
    ].join('\n');
    const byMethod = storeDurationsByMethod(text);
    expect([...byMethod.keys()].sort()).toEqual(['Range', 'Txn']);
    expect(byMethod.get('Txn')!.count).toBe(100);
    // 80 of 100 under 5 ms, 19 more under 25 ms: the p99 is the top of the second bucket.
    expect(quantile(0.99, byMethod.get('Txn')!)).toBeCloseTo(0.025);
    expect(requestDurationsByVerb(text).get('POST')!.count).toBe(100);
  });
});
