// Preemption that respects PodDisruptionBudgets, end to end: two nodes, each full with one low-priority
// pod; without a budget kube-scheduler would preempt the pod started last, but that one is guarded by a
// budget that allows no disruption (the disruption controller says so), so the other node's pod goes
// and the high-priority pod is bound there.

import { describe, expect, it } from 'vitest';
import { controlPlane } from '../controllers/control-plane.js';

const pod = (name: string, node: string, cpu: string, priorityClassName: string, app: string): string => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {app: ${app}}}
spec:
  priorityClassName: ${priorityClassName}
  terminationGracePeriodSeconds: 1
  ${node ? `nodeSelector: {kubernetes.io/hostname: ${node}}` : ''}
  containers: [{name: c, image: nginx, resources: {requests: {cpu: "${cpu}"}}}]
`;

describe('preemption and disruption budgets', () => {
  // The Priority admission plugin turns priorityClassName into the pod's priority.
  const plane = controlPlane({ nodes: 2, prefix: 'bn', apiserverFlags: ['--enable-admission-plugins=Priority'] });

  it('spares the pod whose budget allows no disruption, though it started last', async () => {
    plane.ok(['create', '-f', '-'], 'apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: low}\nvalue: 10\n---\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high}\nvalue: 1000\n');
    plane.ok(['create', '-f', '-'], pod('free', 'bn-1', '3', 'low', 'free'));
    await plane.waitFor('free running', () => plane.jsonpath(['pod', 'free'], '{.status.phase}') === 'Running');
    // startTime has whole seconds: the guarded pod must start in a later one to be the tie-break's pick.
    const startedFree = Date.parse(plane.jsonpath(['pod', 'free'], '{.status.startTime}'));
    await plane.waitFor('a second after free started', () => Date.now() >= startedFree + 1500);
    plane.ok(['create', '-f', '-'], pod('guarded', 'bn-2', '3', 'low', 'guarded'));
    await plane.waitFor('guarded ready', () => plane.jsonpath(['pod', 'guarded'], '{.status.conditions[?(@.type=="Ready")].status}') === 'True');
    plane.ok(['create', 'pdb', 'guarded', '--selector=app=guarded', '--min-available=1']);
    await plane.waitFor('the budget to allow nothing', () => plane.jsonpath(['pdb', 'guarded'], '{.status.expectedPods}/{.status.disruptionsAllowed}') === '1/0');

    plane.ok(['create', '-f', '-'], pod('high', '', '2', 'high', 'high'));
    await plane.waitFor('high bound', () => plane.jsonpath(['pod', 'high'], '{.spec.nodeName}') !== '', 90_000);
    expect(plane.jsonpath(['pod', 'high'], '{.spec.nodeName}')).toBe('bn-1');
    expect(plane.api.kubectl(['get', 'pod', 'free']).stderr).toMatch(/NotFound/);
    expect(plane.jsonpath(['pod', 'guarded'], '{.metadata.deletionTimestamp}')).toBe('');
  }, 240_000);
});
