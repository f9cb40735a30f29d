// Typed values come back as kube-apiserver's decoding leaves them: canonical quantities, RFC 3339
// times with seconds (Time) or microseconds (MicroTime).
import { describe, expect, it } from 'vitest';
import { canonicalQuantity } from '../../../../src/shared/quantity-format.js';
import type { KubeObject } from '../../../../src/apiserver/schema/types.js';
import { pod, specFor } from './support.js';

describe('quantities', () => {
  it.each<[string | number, string]>([
    ['1000m', '1'],
    [2000, '2k'],
    [0.5, '500m'],
    ['1.5', '1500m'],
    ['0.1', '100m'],
    ['1.5Gi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['1Gi', '1Gi'],
    ['1024', '1024'],
    ['1e3', '1e3'],
    ['2.5e6', '2500e3'],
    ['1.2345678901', '1234567891n'],
    ['-1500m', '-1500m'],
    ['0', '0'],
  ])('%s reads back as %s', (input, canonical) => expect(canonicalQuantity(input)).toBe(canonical));

  it('is not a quantity when it does not parse', () => expect(canonicalQuantity('lots')).toBeUndefined());
});

describe('normalized objects', () => {
  it('canonicalizes container resources and the requests defaulted from limits', () => {
    const p = pod({ containers: [{ name: 'a', image: 'a:1', resources: { limits: { cpu: 0.5, memory: '1.5Gi' } } }] }) as Record<string, any>;
    specFor('', 'Pod').defaults(p, undefined);
    expect(p.spec.containers[0].resources).toEqual({ limits: { cpu: '500m', memory: '1536Mi' }, requests: { cpu: '500m', memory: '1536Mi' } });
    expect(p.status.qosClass).toBe('Guaranteed');
  });

  it('trims Time to seconds and keeps MicroTime to microseconds', () => {
    const node: KubeObject = { metadata: { name: 'n' }, status: { capacity: { memory: '1024Mi' }, conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2026-01-01T10:00:00.123Z' }] } };
    specFor('', 'Node').defaults(node, undefined);
    expect(node.status).toEqual({
      capacity: { memory: '1Gi' },
      allocatable: { memory: '1Gi' },
      conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2026-01-01T10:00:00Z' }],
    });
    const lease: KubeObject = { metadata: { name: 'n', namespace: 'kube-node-lease' }, spec: { renewTime: '2026-01-01T10:00:00.123456Z', acquireTime: '2026-01-01T10:00:00Z' } };
    specFor('coordination.k8s.io', 'Lease').defaults(lease, undefined);
    expect(lease.spec).toEqual({ renewTime: '2026-01-01T10:00:00.123456Z', acquireTime: '2026-01-01T10:00:00.000000Z' });
  });
});
