// Preemption end to end: `barge scheduler` and hollow kubelets (`barge nodes`) against `barge apiserver`
// on Barge, PriorityClasses created with kubectl. A high-priority pod that fits nowhere evicts the least
// important pod that makes room, as kube-scheduler's DefaultPreemption: the victim gets the
// DisruptionTarget condition and a Preempted event and is deleted, the preemptor is nominated to the
// node, and is bound there once the victim has terminated. The pods run `sleep`, which a hollow kubelet
// stops only when the grace period ends, so the victim is seen terminating.

import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BARGE_BIN, exitCodeWithin, type ProcessCluster } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';
import { ApiserverProcess, prepareBargeBinary, startCluster } from '../apiserver/apiserver-process.js';

const priorityClass = (name: string, value: number, preemptionPolicy = 'PreemptLowerPriority'): string =>
  `apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: ${name}}\nvalue: ${value}\npreemptionPolicy: ${preemptionPolicy}\n`;

const pod = (name: string, cpu: string, priorityClassName: string): string => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  priorityClassName: ${priorityClassName}
  terminationGracePeriodSeconds: 8
  containers: [{name: c, image: busybox, command: [sleep, "3600"], resources: {requests: {cpu: "${cpu}"}}}]
`;

interface Event {
  type: string;
  reason: string;
  message: string;
}

describe('scheduler preemption', () => {
  // The Priority admission plugin turns priorityClassName into the pod's priority and preemption policy.
  const env = {} as { cluster: ProcessCluster; api: ApiserverProcess };
  const children: ChildProcess[] = [];
  let log = '';

  const ok = (args: string[], input?: string): string => {
    const result = env.api.kubectl(args, input === undefined ? {} : { input });
    if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}\nlog:\n${log.slice(-4000)}`);
    return result.stdout;
  };
  const jsonpath = (what: string[], path: string): string => env.api.kubectl(['get', ...what, '-o', `jsonpath=${path}`]).stdout;
  const eventsOf = (name: string): Event[] => (JSON.parse(ok(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'json'])) as { items: Event[] }).items;
  const start = (args: string[]): void => {
    const child = spawn(process.execPath, [BARGE_BIN, ...args, '--kubeconfig', env.api.kubeconfig], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    children.push(child);
  };
  const waitFor = (what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> =>
    until(what, check, { timeoutMs, pollMs: 300 }).catch((error: unknown) => {
      throw new Error(`${String(error)}\nlog:\n${log.slice(-4000)}`);
    });

  beforeAll(async () => {
    prepareBargeBinary();
    env.cluster = await startCluster(1, 'barge');
    env.api = await ApiserverProcess.start(env.cluster.endpoints, ['--enable-admission-plugins=Priority']);
    ok(['create', '-f', '-'], [priorityClass('low', 10), priorityClass('high', 1000), priorityClass('high-never', 1000, 'Never')].join('---\n'));
    start(['nodes', '--count', '2', '--prefix', 'pn', '--cpu', '2', '--image-pull-delay', '100']);
    start(['scheduler', '--leader-elect=false']);
    await waitFor('two ready nodes', () => jsonpath(['nodes'], '{.items[*].status.conditions[?(@.type=="Ready")].status}') === 'True True', 90_000);
  }, 240_000);

  afterAll(async () => {
    for (const child of children) {
      child.kill('SIGTERM');
      await exitCodeWithin(child, 10_000);
    }
    await env.api?.stop();
    await env.cluster?.stop();
  });

  it('evicts the least important pod that makes room, nominates the node, then binds there', async () => {
    ok(['create', '-f', '-'], pod('low-a', '1500m', 'low'));
    await waitFor('low-a running', () => jsonpath(['pod', 'low-a'], '{.status.phase}') === 'Running');
    // startTime has whole seconds: low-b must start in a later one for the tie-break to be seen.
    const startedA = Date.parse(jsonpath(['pod', 'low-a'], '{.status.startTime}'));
    await waitFor('a second after low-a started', () => Date.now() >= startedA + 1500);
    ok(['create', '-f', '-'], pod('low-b', '1500m', 'low'));
    await waitFor('low-b running', () => jsonpath(['pod', 'low-b'], '{.status.phase}') === 'Running');
    expect(jsonpath(['pod', 'low-a'], '{.spec.nodeName}')).not.toBe(jsonpath(['pod', 'low-b'], '{.spec.nodeName}'));
    // Equal victims on both nodes: the one started last goes (the latest start time wins the tie).
    const victimNode = jsonpath(['pod', 'low-b'], '{.spec.nodeName}');

    ok(['create', '-f', '-'], pod('high', '1', 'high'));
    const uid = jsonpath(['pod', 'high'], '{.metadata.uid}');
    await waitFor('low-b marked and terminating', () => jsonpath(['pod', 'low-b'], '{.metadata.deletionTimestamp}') !== '');
    const disruption = JSON.parse(ok(['get', 'pod', 'low-b', '-o', 'json'])).status.conditions.find((c: { type: string }) => c.type === 'DisruptionTarget');
    expect(disruption).toMatchObject({ status: 'True', reason: 'PreemptionByScheduler', message: 'default-scheduler: preempting to accommodate a higher priority pod' });
    expect(jsonpath(['pod', 'high'], '{.status.nominatedNodeName}')).toBe(victimNode);
    expect(eventsOf('low-b').find((e) => e.reason === 'Preempted')).toMatchObject({ type: 'Normal', message: `Preempted by pod ${uid} on node ${victimNode}` });
    expect(eventsOf('high').find((e) => e.reason === 'FailedScheduling')?.message).toBe('0/2 nodes are available: 2 Insufficient cpu.');

    await waitFor('high bound to the freed node', () => jsonpath(['pod', 'high'], '{.spec.nodeName}') === victimNode, 90_000);
    expect(env.api.kubectl(['get', 'pod', 'low-b']).stderr).toMatch(/NotFound/);
    expect(jsonpath(['pod', 'low-a'], '{.metadata.deletionTimestamp}')).toBe('');
  }, 240_000);

  it("a pod whose class says Never waits with kube-scheduler's message and evicts nobody", async () => {
    ok(['create', '-f', '-'], pod('never', '1500m', 'high-never'));
    await waitFor('FailedScheduling for never', () => eventsOf('never').some((e) => e.reason === 'FailedScheduling'));
    expect(eventsOf('never').find((e) => e.reason === 'FailedScheduling')?.message).toBe('0/2 nodes are available: 2 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never..');
    expect(jsonpath(['pod', 'never'], '{.status.conditions[?(@.type=="PodScheduled")].reason}')).toBe('Unschedulable');
    expect(jsonpath(['pod', 'low-a'], '{.metadata.deletionTimestamp}')).toBe('');
  }, 120_000);
});
