// One pod on a hollow node, as the kubelet's pod worker runs it: post Pending with ContainerCreating,
// "pull", create and start each container (with the kubelet's events), post Running; containers then
// exit as their program says (container-program.ts) and restart per restartPolicy with crash-loop back-off;
// on deletion stop them within the grace period, post the terminal status, and delete the pod with grace 0.

import { randomBytes } from 'node:crypto';
import { isNotFound, Resources, type EventRecorder, type KubeClient } from '../client/kube/index.js';
import { containerProgram, type ContainerProgram } from './container-program.js';
import { imageId, imageSizeBytes, normalizedImage } from './image-reference.js';
import { containerFieldPath, kubeletEvents, type KubeletEvent } from './kubelet-events.js';
import { podConditions, podPhase, qosClass, restartBackoffMs, shouldRestart } from './pod-status.js';
import type { ContainerSpec, ContainerState, ContainerStatus, Pod, PodStatus, RestartPolicy } from './pod-types.js';

/** What a pod worker needs from its kubelet. */
export interface PodHost {
  readonly client: KubeClient;
  readonly recorder: EventRecorder;
  readonly hostIP: string;
  /** How long an image "pull" takes. */
  readonly pullDelayMs: number;
  allocatePodIp(): string;
  releasePodIp(ip: string): void;
  /** Records that the node now holds `image`; false when it already did. */
  pullImage(image: string): boolean;
  onError(error: unknown): void;
}

interface ContainerRun {
  readonly spec: ContainerSpec;
  readonly program: ContainerProgram;
  containerId?: string;
  state: ContainerState;
  lastState: ContainerState;
  restartCount: number;
  timer?: NodeJS.Timeout;
}

const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** What the runtime's create and start calls take; also keeps one pod's events in distinct milliseconds (their names are timestamps). */
const RUNTIME_CALL_MS = 10;
/** How long a failed status write waits before it is made again. */
const STATUS_RETRY_MS = 2_000;

export class PodWorker {
  private pod: Pod;
  private readonly containers = new Map<string, ContainerRun>();
  private podIp?: string;
  private startTime?: string;
  private writes: Promise<void> = Promise.resolve();
  private posts = 0;
  private terminating = false;
  private stopped = false;

  constructor(
    private readonly host: PodHost,
    pod: Pod,
  ) {
    this.pod = { ...pod, apiVersion: 'v1', kind: 'Pod' };
    for (const spec of pod.spec?.containers ?? []) {
      this.containers.set(spec.name, { spec, program: containerProgram(spec), state: { waiting: { reason: 'ContainerCreating' } }, lastState: {}, restartCount: 0 });
    }
    // A failure (no pod IP left on the node, say) goes to the kubelet, not to an unhandled rejection.
    this.run().catch((error: unknown) => this.host.onError(error));
  }

  /** The latest version of the pod from the informer. */
  update(pod: Pod): void {
    this.pod = { ...pod, apiVersion: 'v1', kind: 'Pod' };
    if (pod.metadata.deletionTimestamp && !this.terminating) this.terminate().catch((error: unknown) => this.host.onError(error));
  }

  /** The kubelet is going away: stop timers, write nothing more. */
  stop(): void {
    this.stopped = true;
    for (const run of this.containers.values()) clearTimeout(run.timer);
    if (this.podIp) this.host.releasePodIp(this.podIp);
  }

  private get restartPolicy(): RestartPolicy {
    return this.pod.spec?.restartPolicy ?? 'Always';
  }

  private async run(): Promise<void> {
    const phase = this.pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') {
      if (this.pod.metadata.deletionTimestamp) await this.terminate();
      return;
    }
    if (this.adopt()) return;
    this.startTime = now();
    this.post();
    if (this.pod.metadata.deletionTimestamp) return this.terminate();
    // The sandbox (and with it the pod's IP) comes first, then the containers one by one.
    this.podIp = this.host.allocatePodIp();
    for (const run of this.containers.values()) {
      if (this.terminating || this.stopped) return;
      await this.pullAndStart(run, false);
    }
    this.post();
  }

  /** A pod this node already ran before the kubelet restarted: take its containers back as they were. */
  private adopt(): boolean {
    const status = this.pod.status;
    if (!status?.podIP || !status.containerStatuses?.length) return false;
    this.podIp = status.podIP;
    this.startTime = status.startTime;
    for (const cs of status.containerStatuses) {
      const run = this.containers.get(cs.name);
      if (!run) continue;
      Object.assign(run, { containerId: cs.containerID, state: cs.state, lastState: cs.lastState, restartCount: cs.restartCount });
      if (cs.state.running) this.scheduleExit(run, Date.parse(cs.state.running.startedAt));
      else if (cs.state.terminated && shouldRestart(this.restartPolicy, cs.state.terminated.exitCode)) this.scheduleRestart(run);
    }
    if (this.pod.metadata.deletionTimestamp) this.terminate().catch((error: unknown) => this.host.onError(error));
    return true;
  }

  private async pullAndStart(run: ContainerRun, restarting: boolean): Promise<void> {
    await sleep(RUNTIME_CALL_MS);
    const image = run.spec.image ?? '';
    const policy = (run.spec as { imagePullPolicy?: string }).imagePullPolicy;
    const pulledBefore = !this.host.pullImage(image);
    if (policy === 'Never' || (pulledBefore && (policy === 'IfNotPresent' || restarting))) {
      this.record(run, kubeletEvents.alreadyPresent(image));
    } else {
      this.record(run, kubeletEvents.pulling(image));
      const began = Date.now();
      await sleep(this.host.pullDelayMs);
      if (this.terminating || this.stopped) return;
      this.record(run, kubeletEvents.pulled(image, Date.now() - began, imageSizeBytes(image)));
    }
    await sleep(RUNTIME_CALL_MS);
    if (this.terminating || this.stopped) return;
    run.containerId = `containerd://${randomBytes(32).toString('hex')}`;
    this.record(run, kubeletEvents.created(run.spec.name));
    await sleep(RUNTIME_CALL_MS);
    if (this.terminating || this.stopped) return;
    run.state = { running: { startedAt: now() } };
    this.record(run, kubeletEvents.started(run.spec.name));
    this.scheduleExit(run, Date.now());
  }

  private scheduleExit(run: ContainerRun, startedAtMs: number): void {
    const program = run.program;
    if (program.kind === 'serve' || (program.kind === 'sleep' && !Number.isFinite(program.seconds))) return;
    const delay = program.kind === 'sleep' ? Math.max(0, startedAtMs + program.seconds * 1000 - Date.now()) : 0;
    const exitCode = program.kind === 'exit' ? program.code : 0;
    run.timer = setTimeout(() => this.exited(run, exitCode), delay);
  }

  private exited(run: ContainerRun, exitCode: number): void {
    if (this.terminating || this.stopped) return;
    run.state = { terminated: this.terminatedState(run, exitCode) };
    if (shouldRestart(this.restartPolicy, exitCode)) this.scheduleRestart(run);
    this.post();
  }

  private terminatedState(run: ContainerRun, exitCode: number): NonNullable<ContainerState['terminated']> {
    return {
      exitCode,
      reason: exitCode === 0 ? 'Completed' : 'Error',
      startedAt: run.state.running?.startedAt ?? now(),
      finishedAt: now(),
      ...(run.containerId ? { containerID: run.containerId } : {}),
    };
  }

  /** CrashLoopBackOff: wait the back-off showing it, then start the container again. */
  private scheduleRestart(run: ContainerRun): void {
    const { name, namespace = 'default', uid = '' } = this.pod.metadata;
    const delay = restartBackoffMs(run.restartCount);
    run.lastState = run.state.terminated ? { terminated: run.state.terminated } : run.lastState;
    run.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${delay / 1000}s restarting failed container=${run.spec.name} pod=${name}_${namespace}(${uid})` } };
    this.record(run, kubeletEvents.backOff(run.spec.name, name!, namespace, uid));
    run.timer = setTimeout(() => {
      if (this.terminating || this.stopped) return;
      run.restartCount++;
      this.pullAndStart(run, true)
        .then(() => this.post())
        .catch((error: unknown) => this.host.onError(error));
    }, delay);
  }

  /** Graceful deletion: SIGTERM every container; `sleep` ignores it and is killed when the grace period ends. */
  private async terminate(): Promise<void> {
    if (this.terminating || this.stopped) return;
    this.terminating = true;
    for (const run of this.containers.values()) clearTimeout(run.timer);
    // As the kubelet, the grace period counts from when the deletion is seen (deletionTimestamp has only
    // second precision).
    const graceSeconds = this.pod.metadata.deletionGracePeriodSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? 30;
    const deadline = Date.now() + graceSeconds * 1000;
    const running = [...this.containers.values()].filter((run) => run.state.running);
    for (const run of running) this.record(run, kubeletEvents.killing(run.spec.name));
    if (running.some((run) => run.program.kind === 'sleep')) await sleep(Math.max(0, deadline - Date.now()));
    if (this.stopped) return;
    for (const run of running) run.state = { terminated: this.terminatedState(run, run.program.kind === 'sleep' ? 137 : 0) };
    for (const run of this.containers.values()) {
      if (run.state.waiting) run.state = { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated', startedAt: now(), finishedAt: now() } };
    }
    this.post(true);
    await this.writes;
    const { namespace, name, uid } = this.pod.metadata;
    try {
      await this.host.client.delete(Resources.pods, namespace, name!, { gracePeriodSeconds: 0, preconditions: { uid } });
    } catch (error) {
      if (!isNotFound(error)) this.host.onError(error);
    }
  }

  private record(run: ContainerRun, event: KubeletEvent): void {
    this.host.recorder.event(this.pod, event.type, event.reason, event.message, containerFieldPath(run.spec.name));
  }

  /** The status as it stands now. */
  status(podIsTerminal = false): PodStatus {
    const containerStatuses = [...this.containers.values()].map((run) => this.containerStatus(run));
    const phase = podPhase(this.restartPolicy, containerStatuses, podIsTerminal);
    const status: PodStatus = {
      phase,
      conditions: podConditions({ phase, sandboxReady: this.podIp !== undefined, containers: containerStatuses, now: now(), previous: this.pod.status?.conditions }),
      hostIP: this.host.hostIP,
      hostIPs: [{ ip: this.host.hostIP }],
      ...(this.startTime ? { startTime: this.startTime } : {}),
      qosClass: this.pod.status?.qosClass ?? qosClass(this.pod.spec?.containers ?? []),
      containerStatuses,
    };
    if (this.podIp) Object.assign(status, { podIP: this.podIp, podIPs: [{ ip: this.podIp }] });
    return status;
  }

  private containerStatus(run: ContainerRun): ContainerStatus {
    const image = run.spec.image ?? '';
    return {
      name: run.spec.name,
      image: normalizedImage(image),
      imageID: run.containerId ? imageId(image) : '',
      ...(run.containerId ? { containerID: run.containerId } : {}),
      ready: run.state.running !== undefined,
      started: run.state.running !== undefined,
      restartCount: run.restartCount,
      state: run.state,
      lastState: run.lastState,
    };
  }

  /**
   * Status writes go out in order, one at a time, each carrying the whole status. One that fails (the
   * store without a leader, say) is made again with the status of then, unless a later one is queued:
   * as the kubelet's status manager, a lost write must not leave the pod ContainerCreating for good.
   */
  private post(podIsTerminal = false): void {
    if (this.stopped) return;
    const status = this.status(podIsTerminal);
    const { namespace, name } = this.pod.metadata;
    const attempt = ++this.posts;
    this.writes = this.writes.then(async () => {
      try {
        const updated = await this.host.client.patch<Pod>(Resources.pods, namespace, name!, { status }, 'merge', { subresource: 'status' });
        this.pod = { ...this.pod, status: updated.status };
      } catch (error) {
        if (isNotFound(error)) return;
        this.host.onError(error);
        setTimeout(() => attempt === this.posts && this.post(podIsTerminal), STATUS_RETRY_MS);
      }
    });
  }
}
