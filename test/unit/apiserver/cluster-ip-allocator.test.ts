import { describe, expect, it } from 'vitest';
import { allocateClusterIp, parseServiceRange } from '../../../src/apiserver/registry/cluster-ip-allocator.js';
import type { KubeObject } from '../../../src/apiserver/schema/types.js';

const service = (spec: Record<string, unknown> = {}): KubeObject => ({ metadata: { name: 's' }, spec: { ports: [{ port: 80 }], ...spec } });
const range = parseServiceRange('10.0.0.0/29');

describe('ClusterIP allocation', () => {
  it('hands out free addresses after the one kept for the kubernetes service', () => {
    const first = service();
    allocateClusterIp(range, first, new Set());
    expect(first['spec']).toMatchObject({ clusterIP: '10.0.0.2', clusterIPs: ['10.0.0.2'] });
    const second = service();
    allocateClusterIp(range, second, new Set(['10.0.0.2']));
    expect((second['spec'] as { clusterIP: string }).clusterIP).toBe('10.0.0.3');
  });

  it('leaves headless and ExternalName services without one', () => {
    const headless = service({ clusterIP: 'None' });
    allocateClusterIp(range, headless, new Set());
    expect((headless['spec'] as { clusterIPs?: string[] }).clusterIPs).toBeUndefined();
  });

  it('checks a requested address: in range and free (422)', () => {
    expect(() => allocateClusterIp(range, service({ clusterIP: '10.0.1.5' }), new Set())).toThrow(/is not in the valid range. The range of valid IPs is 10.0.0.0\/29/);
    expect(() => allocateClusterIp(range, service({ clusterIP: '10.0.0.4' }), new Set(['10.0.0.4']))).toThrow(/provided IP is already allocated/);
  });

  it('fails when the range is full, and refuses a bad range', () => {
    expect(() => allocateClusterIp(range, service(), new Set(['10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6']))).toThrow(/range is full/);
    expect(() => parseServiceRange('10.0.0.0')).toThrow(/invalid IPv4 CIDR/);
  });
});
