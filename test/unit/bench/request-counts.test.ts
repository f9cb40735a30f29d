import { describe, expect, it } from 'vitest';
import { countsBetween, frequentCalls, requestCounts } from '../../../bench/density/request-counts.js';

const scrape = (podCreates: number, statusPatches: number): string =>
  [
    '# TYPE apiserver_request_total counter',
    `apiserver_request_total{verb="POST",group="",version="v1",resource="pods",subresource="",scope="resource",component="apiserver",code="201"} ${podCreates}`,
    `apiserver_request_total{verb="POST",group="",version="v1",resource="pods",subresource="",scope="resource",component="apiserver",code="409"} 1`,
    `apiserver_request_total{verb="PATCH",group="",version="v1",resource="pods",subresource="status",scope="resource",component="apiserver",code="200"} ${statusPatches}`,
    'apiserver_request_duration_seconds_bucket{verb="POST",le="+Inf"} 99',
  ].join('\n');

describe('apiserver request counts between two scrapes', () => {
  it('sums codes per verb and resource, keeps the subresource apart, and orders the busiest first', () => {
    expect(requestCounts(scrape(3, 0))).toEqual(new Map([['POST pods', 4], ['PATCH pods/status', 0]]));
    expect(countsBetween(requestCounts(scrape(3, 0)), requestCounts(scrape(10, 20)))).toEqual([['PATCH pods/status', 20], ['POST pods', 7]]);
  });

  it('leaves out what did not move', () => {
    expect(countsBetween(requestCounts(scrape(3, 5)), requestCounts(scrape(3, 5)))).toEqual([]);
  });

  it('keeps the calls every run served at least 100 times, most served first', () => {
    const barge: Array<[string, number]> = [['PUT leases', 15_164], ['GET leases', 148], ['GET replicasets', 75]];
    const etcd: Array<[string, number]> = [['PUT leases', 15_158], ['GET replicasets', 1_988], ['GET leases', 148]];
    expect(frequentCalls([{ requests: barge }, { requests: etcd }])).toEqual(['PUT leases', 'GET leases']);
    expect(frequentCalls([{ requests: etcd }])).toEqual(['PUT leases', 'GET replicasets', 'GET leases']);
    expect(frequentCalls([])).toEqual([]);
  });
});
