import { describe, expect, it } from 'vitest';
import { endpointSubsets, podEndpoints, sliceContent, type Service } from '../../../src/controllers/endpoints/desired-endpoints.js';
import type { Pod } from '../../../src/controllers/shared/types.js';

const service: Service = { metadata: { name: 'api', namespace: 'default' }, spec: { selector: { app: 'api' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }] } };

function pod(name: string, ip: string | undefined, ready: boolean, extra: { deleting?: boolean; labels?: Record<string, string>; phase?: string } = {}): Pod {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: extra.labels ?? { app: 'api' }, ...(extra.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: 'n1', containers: [{ name: 'c', ports: [{ name: 'web', containerPort: 8080 }] }] },
    status: { phase: extra.phase ?? 'Running', ...(ip ? { podIP: ip } : {}), conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

describe('desired endpoints', () => {
  const pods = [pod('b', '10.0.0.2', false), pod('a', '10.0.0.1', true), pod('c', undefined, true), pod('d', '10.0.0.4', true, { labels: { app: 'other' } }), pod('e', '10.0.0.5', true, { deleting: true }), pod('f', '10.0.0.6', false, { phase: 'Succeeded' })];

  it('selects pods with IPs, in name order, resolving named target ports', () => {
    const entries = podEndpoints(service, pods);
    expect(entries.map((e) => [e.pod.metadata.name, e.ready, e.terminating])).toEqual([['a', true, false], ['b', false, false], ['e', false, true]]);
    expect(entries[0]!.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
  });

  it('builds the slice with conditions and the Endpoints with notReadyAddresses', () => {
    const entries = podEndpoints(service, pods);
    const slice = sliceContent(service, entries);
    expect(slice['ports']).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect((slice['endpoints'] as unknown[])[2]).toEqual({ addresses: ['10.0.0.5'], conditions: { ready: false, serving: true, terminating: true }, nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'e', uid: 'uid-e' } });
    expect(endpointSubsets(entries)).toEqual([{
      addresses: [{ ip: '10.0.0.1', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } }],
      notReadyAddresses: [{ ip: '10.0.0.2', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' } }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    }]);
  });

  it('publishes nothing for a service without a selector', () => {
    expect(podEndpoints({ ...service, spec: { ports: service.spec!.ports } }, pods)).toEqual([]);
    expect(endpointSubsets([])).toEqual([]);
  });
});
