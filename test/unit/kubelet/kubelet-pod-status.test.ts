import { describe, expect, it } from 'vitest';
import { containerProgram } from '../../../src/kubelet/container-program.js';
import { imageId, normalizedImage } from '../../../src/kubelet/image-reference.js';
import { kubeletEvents } from '../../../src/kubelet/kubelet-events.js';
import { podConditions, podPhase, qosClass, restartBackoffMs, shouldRestart } from '../../../src/kubelet/pod-status.js';
import type { ContainerState, ContainerStatus, RestartPolicy } from '../../../src/kubelet/pod-types.js';

const waiting: ContainerState = { waiting: { reason: 'ContainerCreating' } };
const running: ContainerState = { running: { startedAt: '2026-01-01T00:00:00Z' } };
const exited = (exitCode: number): ContainerState => ({ terminated: { exitCode, reason: exitCode ? 'Error' : 'Completed', startedAt: 't', finishedAt: 't' } });

describe('container programs (the hollow convention)', () => {
  it.each([
    [{ command: ['sleep', '5'] }, { kind: 'sleep', seconds: 5 }],
    [{ command: ['/bin/sleep'], args: ['2m'] }, { kind: 'sleep', seconds: 120 }],
    [{ command: ['sleep', 'infinity'] }, { kind: 'sleep', seconds: Number.POSITIVE_INFINITY }],
    [{ command: ['sh', '-c', 'exit 3'] }, { kind: 'exit', code: 3 }],
    [{ command: ['/bin/sh', '-c', ' exit 1 '] }, { kind: 'exit', code: 1 }],
    [{ command: ['exit', '2'] }, { kind: 'exit', code: 2 }],
    [{ args: ['sleep', '1'] }, { kind: 'sleep', seconds: 1 }],
    [{}, { kind: 'serve' }],
    [{ command: ['nginx', '-g', 'daemon off;'] }, { kind: 'serve' }],
    [{ command: ['sh', '-c', 'sleep 5; exit 1'] }, { kind: 'serve' }],
    [{ command: ['sleep', 'soon'] }, { kind: 'serve' }],
  ])('%j → %j', (container, program) => {
    expect(containerProgram(container)).toEqual(program);
  });
});

describe('pod phase (kubelet getPhase)', () => {
  it.each<[RestartPolicy, ContainerState[], boolean, string]>([
    ['Always', [waiting], false, 'Pending'],
    ['Always', [running, waiting], false, 'Pending'],
    ['Always', [running, running], false, 'Running'],
    ['Always', [running, exited(0)], false, 'Running'],
    ['Never', [exited(0), exited(0)], false, 'Succeeded'],
    ['Never', [exited(0), exited(3)], false, 'Failed'],
    ['OnFailure', [exited(3)], false, 'Running'],
    ['OnFailure', [exited(0)], false, 'Succeeded'],
    ['Always', [exited(0)], false, 'Running'],
    ['Always', [exited(0)], true, 'Succeeded'],
    ['Always', [exited(137)], true, 'Failed'],
    ['Always', [running], true, 'Failed'],
  ])('%s %j terminal=%s → %s', (policy, states, terminal, phase) => {
    expect(podPhase(policy, states.map((state) => ({ state })), terminal)).toBe(phase);
  });

  it('a container waiting to restart (it ran before) keeps the pod Running, not Pending', () => {
    const backingOff = { state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: exited(1) };
    expect(podPhase('OnFailure', [backingOff])).toBe('Running');
    expect(podPhase('Always', [backingOff, { state: running }])).toBe('Running');
    expect(podPhase('Always', [{ state: waiting }, { state: running }])).toBe('Pending');
  });

  it('restarts per restartPolicy with the kubelet\'s back-off', () => {
    expect([shouldRestart('Always', 0), shouldRestart('OnFailure', 0), shouldRestart('OnFailure', 1), shouldRestart('Never', 1)]).toEqual([true, false, true, false]);
    expect([0, 1, 2, 5, 10].map(restartBackoffMs)).toEqual([10_000, 20_000, 40_000, 300_000, 300_000]);
  });
});

describe('pod conditions', () => {
  const status = (name: string, ready: boolean): ContainerStatus => ({ name, image: 'i', imageID: '', ready, started: ready, restartCount: 0, state: ready ? running : waiting, lastState: {} });
  const previous = [{ type: 'PodScheduled', status: 'True' as const, lastProbeTime: null, lastTransitionTime: 'scheduled-at' }];

  it('creating: not ready, naming the unready containers; PodScheduled kept from the scheduler', () => {
    const conditions = podConditions({ phase: 'Pending', sandboxReady: false, containers: [status('a', false), status('b', false)], now: 'now', previous });
    expect(conditions.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ['PodReadyToStartContainers', 'False', undefined, undefined],
      ['Initialized', 'True', undefined, undefined],
      ['Ready', 'False', 'ContainersNotReady', 'containers with unready status: [a b]'],
      ['ContainersReady', 'False', 'ContainersNotReady', 'containers with unready status: [a b]'],
      ['PodScheduled', 'True', undefined, undefined],
    ]);
    expect(conditions[4]!.lastTransitionTime).toBe('scheduled-at');
  });

  it('running: all True; a condition that keeps its status keeps its transition time', () => {
    const first = podConditions({ phase: 'Running', sandboxReady: true, containers: [status('a', true)], now: 't1', previous });
    expect(first.every((c) => c.status === 'True')).toBe(true);
    const second = podConditions({ phase: 'Running', sandboxReady: true, containers: [status('a', true)], now: 't2', previous: first });
    expect(second.find((c) => c.type === 'Ready')!.lastTransitionTime).toBe('t1');
  });

  it('keeps the conditions others own, such as an eviction\'s DisruptionTarget', () => {
    const evicted = [...previous, { type: 'DisruptionTarget', status: 'True' as const, reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastProbeTime: null, lastTransitionTime: 'evicted-at' }];
    const conditions = podConditions({ phase: 'Running', sandboxReady: true, containers: [status('a', true)], now: 'now', previous: evicted });
    expect(conditions.map((c) => c.type)).toEqual(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled', 'DisruptionTarget']);
    expect(conditions[5]).toEqual(evicted[1]);
  });

  it('completed: Ready False with reason PodCompleted', () => {
    const conditions = podConditions({ phase: 'Succeeded', sandboxReady: true, containers: [status('a', false)], now: 'now', previous });
    expect(conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    expect(conditions.find((c) => c.type === 'Ready')!.message).toBeUndefined();
    expect(conditions.find((c) => c.type === 'PodReadyToStartContainers')!.status).toBe('False');
  });
});

describe('QoS class, images, event texts', () => {
  it.each([
    [[{ name: 'a' }], 'BestEffort'],
    [[{ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' } } }], 'Guaranteed'],
    [[{ name: 'a', resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }], 'Guaranteed'],
    [[{ name: 'a', resources: { requests: { cpu: '100m' } } }], 'Burstable'],
    [[{ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' } } }, { name: 'b' }], 'Burstable'],
  ])('%j → %s', (containers, expected) => {
    expect(qosClass(containers)).toBe(expected);
  });

  it('normalizes image names as containerd reports them', () => {
    expect(normalizedImage('nginx')).toBe('docker.io/library/nginx:latest');
    expect(normalizedImage('nginx:1.27')).toBe('docker.io/library/nginx:1.27');
    expect(normalizedImage('bitnami/redis')).toBe('docker.io/bitnami/redis:latest');
    expect(normalizedImage('registry.k8s.io/pause:3.10')).toBe('registry.k8s.io/pause:3.10');
    expect(normalizedImage('localhost:5000/app')).toBe('localhost:5000/app:latest');
    expect(imageId('nginx:1.27')).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
  });

  it('writes the kubelet\'s messages', () => {
    expect(kubeletEvents.pulled('nginx', 313.7, 1).message).toMatch(/ in 313ms \(313ms including/);
    expect(kubeletEvents.pulled('nginx', 3_661_500, 1).message).toMatch(/ in 1h1m1.5s \(/);
    expect(kubeletEvents.pulled('nginx', 1200, 72080558).message).toBe('Successfully pulled image "nginx" in 1.2s (1.2s including waiting). Image size: 72080558 bytes.');
    expect(kubeletEvents.created('web').message).toBe('Created container: web');
    expect(kubeletEvents.started('web').message).toBe('Started container web');
    expect(kubeletEvents.killing('web').message).toBe('Stopping container web');
  });
});
