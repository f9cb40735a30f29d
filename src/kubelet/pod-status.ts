// Pure pod-status arithmetic, as the kubelet's status manager computes it: the phase from container
// states and restartPolicy (kubelet getPhase), the conditions and their reasons, the QoS class, and the
// crash-loop back-off. The pod worker feeds these the containers' states and posts the result.

import type { ContainerSpec, ContainerState, ContainerStatus, PodCondition, PodPhase, RestartPolicy } from './pod-types.js';

/** A container's current and previous state, as its status carries them. */
export interface ContainerStates {
  readonly state: ContainerState;
  readonly lastState?: ContainerState;
}

/** kubelet getPhase for pods without init containers. `podIsTerminal`: the pod is being shut down for good. */
export function podPhase(restartPolicy: RestartPolicy, containers: readonly ContainerStates[], podIsTerminal = false): PodPhase {
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const { state, lastState } of containers) {
    if (state.running) running++;
    else if (state.terminated) {
      stopped++;
      if (state.terminated.exitCode === 0) succeeded++;
    } else if (lastState?.terminated) stopped++; // waiting to restart: it has run, so the pod is past Pending
    else waiting++;
  }
  if (waiting > 0 && !podIsTerminal) return 'Pending';
  if (running > 0 && !podIsTerminal) return 'Running';
  if (stopped === containers.length && stopped > 0) {
    if (podIsTerminal) return succeeded === stopped ? 'Succeeded' : 'Failed';
    // Restartable containers that stopped are about to run again.
    if (restartPolicy === 'Always') return 'Running';
    if (succeeded === stopped) return 'Succeeded';
    return restartPolicy === 'Never' ? 'Failed' : 'Running';
  }
  if (podIsTerminal) return 'Failed';
  return waiting > 0 ? 'Pending' : 'Running';
}

/** Whether a container that just terminated with `exitCode` is started again. */
export function shouldRestart(restartPolicy: RestartPolicy, exitCode: number): boolean {
  return restartPolicy === 'Always' || (restartPolicy === 'OnFailure' && exitCode !== 0);
}

/** The kubelet's crash-loop back-off: 10 s doubling to 5 min, by how often the container restarted. */
export function restartBackoffMs(restartCount: number): number {
  return Math.min(10_000 * 2 ** restartCount, 300_000);
}

export interface ConditionInputs {
  readonly phase: PodPhase;
  /** The sandbox exists (the pod has its IP). */
  readonly sandboxReady: boolean;
  readonly containers: readonly ContainerStatus[];
  readonly now: string;
  readonly previous?: readonly PodCondition[];
}

function condition(type: string, ok: boolean, previous: readonly PodCondition[] | undefined, now: string, reason?: string, message?: string): PodCondition {
  const status = ok ? 'True' : 'False';
  const before = previous?.find((c) => c.type === type);
  const lastTransitionTime = before && before.status === status ? before.lastTransitionTime : now;
  return { type, status, lastProbeTime: null, lastTransitionTime, ...(ok || !reason ? {} : { reason }), ...(ok || !message ? {} : { message }) };
}

/** The five conditions a 1.32 kubelet keeps, in its order; PodScheduled is kept as the scheduler set it. */
export function podConditions(inputs: ConditionInputs): PodCondition[] {
  const { phase, containers, now, previous } = inputs;
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const unready = containers.filter((c) => !c.ready).map((c) => c.name);
  const allReady = unready.length === 0 && !terminal;
  const reason = terminal ? 'PodCompleted' : 'ContainersNotReady';
  const message = terminal ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  const scheduled = previous?.find((c) => c.type === 'PodScheduled');
  return [
    condition('PodReadyToStartContainers', inputs.sandboxReady && !terminal, previous, now),
    condition('Initialized', true, previous, now),
    condition('Ready', allReady, previous, now, reason, message),
    condition('ContainersReady', allReady, previous, now, reason, message),
    scheduled ?? condition('PodScheduled', true, previous, now),
    // Conditions others own (DisruptionTarget from an eviction or a preemption) are kept, as the kubelet keeps them.
    ...(previous ?? []).filter((c) => !KUBELET_CONDITIONS.includes(c.type)),
  ];
}

/** kubetypes.PodConditionsByKubelet. */
const KUBELET_CONDITIONS: readonly string[] = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];

type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

/** v1qos.GetPodQOS for regular containers: compute resources cpu and memory only. */
export function qosClass(containers: readonly ContainerSpec[]): QosClass {
  const COMPUTE = ['cpu', 'memory'];
  let anySet = false;
  let guaranteed = true;
  for (const container of containers) {
    const requests = container.resources?.requests ?? {};
    const limits = container.resources?.limits ?? {};
    for (const resource of COMPUTE) {
      const request = requests[resource] ?? limits[resource];
      const limit = limits[resource];
      if (request !== undefined || limit !== undefined) anySet = true;
      if (limit === undefined || request !== limit) guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
