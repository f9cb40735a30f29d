import { describe, expect, it } from 'vitest';
import { podRequest, isScalarResourceName } from '../../../src/scheduler/resources.js';
import { makePod } from './fixtures.js';

describe('pod requests', () => {
  it('sums containers, floors by the largest init container, adds sidecars and overhead', () => {
    const pod = makePod('p');
    pod.spec.containers = [
      { name: 'a', resources: { requests: { cpu: '100m', memory: '100Mi' } } },
      { name: 'b', resources: { requests: { cpu: '200m', 'example.com/gpu': '1' } } },
    ];
    pod.spec.initContainers = [{ name: 'init', resources: { requests: { cpu: '1', memory: '50Mi' } } }];
    pod.spec.overhead = { cpu: '10m' };
    const request = podRequest(pod);
    expect(request.milliCPU).toBe(1010);
    expect(request.memory).toBe(100 * 1024 ** 2);
    expect(request.scalar).toEqual({ 'example.com/gpu': 1 });
  });

  it('counts a restartable init container for the whole run', () => {
    const pod = makePod('p', { cpu: '100m' });
    pod.spec.initContainers = [{ name: 'sidecar', restartPolicy: 'Always', resources: { requests: { cpu: '50m' } } }, { name: 'init', resources: { requests: { cpu: '100m' } } }];
    expect(podRequest(pod).milliCPU).toBe(150);
  });

  it('fills the scoring defaults (100m, 200Mi) for containers without requests', () => {
    const request = podRequest(makePod('p'), true);
    expect(request.milliCPU).toBe(100);
    expect(request.memory).toBe(200 * 1024 ** 2);
    expect(podRequest(makePod('p')).milliCPU).toBe(0);
  });

  it.each([
    ['example.com/gpu', true],
    ['hugepages-2Mi', true],
    ['kubernetes.io/batch-cpu', false],
    ['cpu', false],
  ])('%s scalar: %s', (name, scalar) => expect(isScalarResourceName(name)).toBe(scalar));
});
