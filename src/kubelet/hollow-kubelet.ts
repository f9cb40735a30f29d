// A hollow kubelet: registers its Node, renews its Lease in kube-node-lease every 10 s, checks its node
// status every 10 s (on its Node as its own informer last saw it, as kubelet 1.32's first try: no
// request) and re-posts it when it differs from what the kubelet reports (the node lifecycle controller
// marked it Unknown) or every --node-status-report-frequency otherwise, and runs the pods bound to it (a
// pod informer with the field selector spec.nodeName=<node>) through pod workers. It talks to the
// apiserver only.

import { isAlreadyExists, isConflict, isNotFound, EventRecorder, Informer, Resources, type KubeClient } from '../client/kube/index.js';
import { NODE_LEASE_DURATION_SECONDS, NODE_LEASE_NAMESPACE, nodeIp, nodeLease, nodeObject, nodeStatus, podCidrBase, type Lease, type Node, type NodeSize } from './node-object.js';
import { PodWorker, type PodHost } from './pod-worker.js';
import type { Pod } from './pod-types.js';

export interface HollowKubeletOptions {
  readonly client: KubeClient;
  readonly nodeName: string;
  readonly size: NodeSize;
  /** How long an image pull takes (default 1 s). */
  readonly pullDelayMs?: number;
  /** How often node status is re-posted when nothing changed (kubelet's nodeStatusReportFrequency, 5 min). */
  readonly statusReportMs?: number;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

/** kubelet's nodeStatusUpdateFrequency: how often it compares the node's status with its own. */
const NODE_STATUS_UPDATE_MS = 10_000;

const MICRO_NOW = (): string => new Date().toISOString().replace('Z', '000Z');
const SECOND_NOW = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export class HollowKubelet {
  private readonly client: KubeClient;
  private readonly recorder: EventRecorder;
  private readonly informer: Informer<Pod>;
  /** This node only (metadata.name), as the kubelet's node informer. */
  private readonly nodeInformer: Informer<Node>;
  private readonly workers = new Map<string, PodWorker>();
  private readonly images = new Set<string>();
  private readonly usedIps = new Set<string>();
  private readonly timers: NodeJS.Timeout[] = [];
  private node?: Node;
  /** The Lease as this kubelet's last write left it. */
  private lease?: Lease;

  private constructor(private readonly options: HollowKubeletOptions) {
    this.client = options.client;
    this.recorder = new EventRecorder(this.client, { component: 'kubelet', host: options.nodeName, onError: (e) => this.error(e) });
    this.informer = new Informer<Pod>(this.client, Resources.pods, { fieldSelector: `spec.nodeName=${options.nodeName}`, onError: (e) => this.error(e) });
    this.nodeInformer = new Informer<Node>(this.client, Resources.nodes, { fieldSelector: `metadata.name=${options.nodeName}`, onError: (e) => this.error(e) });
  }

  static async start(options: HollowKubeletOptions): Promise<HollowKubelet> {
    const kubelet = new HollowKubelet(options);
    kubelet.informer.onAdd((pod) => kubelet.sync(pod));
    kubelet.informer.onUpdate((_old, pod) => kubelet.sync(pod));
    kubelet.informer.onDelete((pod) => kubelet.forget(pod));
    // As the kubelet's pod config source, the watches start as the node registers, not after: their lists
    // and the registration go out together, so the connections the kubelet keeps are all opened now. Over
    // HTTP/1.1 each watch holds one (the kubelet's HTTP/2 one carries them all): started after registering,
    // they took the connections its requests had used, and a thousand nodes each opened another on their
    // first request after — one wave of TLS handshakes about 10 s in, during which new pods' first status
    // writes waited seconds.
    kubelet.informer.start();
    kubelet.nodeInformer.start();
    await kubelet.register();
    await kubelet.renewLease();
    // Both report their own API errors; the catch reports anything else instead of leaving it unhandled.
    kubelet.timers.push(setInterval(() => {
      kubelet.renewLease().catch((e: unknown) => kubelet.error(e));
    }, (NODE_LEASE_DURATION_SECONDS * 1000) / 4));
    kubelet.timers.push(setInterval(() => {
      kubelet.syncNodeStatus().catch((e: unknown) => kubelet.error(e));
    }, NODE_STATUS_UPDATE_MS));
    return kubelet;
  }

  get nodeName(): string {
    return this.options.nodeName;
  }

  /** Stops renewing and running pods; the node is left to go Unknown, as a killed kubelet's would. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.informer.stop();
    await this.nodeInformer.stop();
    for (const worker of this.workers.values()) worker.stop();
    this.workers.clear();
    this.recorder.shutdown();
  }

  /**
   * As kubelet's registerWithAPIServer: tries until the Node is there, backing off 100 ms doubling to 7 s,
   * so an apiserver too busy to answer in time (1,000 nodes registering at once) delays a node, not fails it.
   */
  private async register(): Promise<void> {
    const { nodeName, size } = this.options;
    for (let backoffMs = 100; ; backoffMs = Math.min(backoffMs * 2, 7000)) {
      try {
        this.node = await this.client.create<Node>(Resources.nodes, nodeObject(nodeName, size, SECOND_NOW()));
        this.options.log?.('node registered', { node: nodeName });
        break;
      } catch (error) {
        if (isAlreadyExists(error)) {
          this.node = await this.client.get<Node>(Resources.nodes, undefined, nodeName).catch((e: unknown) => void this.error(e));
          if (this.node) break;
        } else this.error(error);
        await new Promise((resolve) => setTimeout(resolve, backoffMs));
      }
    }
    await this.postNodeStatus();
  }

  /** As tryUpdateNodeStatus: post when the stored Ready condition is not ours or the report is due. */
  private async syncNodeStatus(): Promise<void> {
    // Until the informer has listed, the Node as this kubelet's last write left it.
    this.node = this.nodeInformer.lister.get(undefined, this.options.nodeName) ?? this.node;
    if (!this.node) return;
    const ready = this.node.status?.conditions?.find((c) => c.type === 'Ready');
    const due = !ready || Date.now() - Date.parse(ready.lastHeartbeatTime) >= (this.options.statusReportMs ?? 300_000);
    if (due || ready.status !== 'True' || ready.reason !== 'KubeletReady') await this.postNodeStatus();
  }

  private async postNodeStatus(): Promise<void> {
    const { nodeName, size } = this.options;
    try {
      const status = nodeStatus(nodeName, size, SECOND_NOW(), this.node?.status?.conditions);
      this.node = await this.client.patch<Node>(Resources.nodes, undefined, nodeName, { status }, 'merge', { subresource: 'status' });
    } catch (error) {
      this.error(error);
    }
  }

  /**
   * Renews (or creates) the node's Lease with optimistic concurrency, as the kubelet's lease controller:
   * from the Lease its last write returned, sparing a GET each time; after a conflict (another writer) or
   * without one, from a fresh read.
   */
  private async renewLease(): Promise<void> {
    const name = this.options.nodeName;
    const renewed = (lease: Lease): Lease => ({ ...lease, spec: { ...lease.spec, holderIdentity: name, leaseDurationSeconds: NODE_LEASE_DURATION_SECONDS, renewTime: MICRO_NOW() } });
    if (this.lease) {
      try {
        this.lease = await this.client.update<Lease>(Resources.leases, renewed(this.lease));
        return;
      } catch (error) {
        this.lease = undefined;
        if (!isConflict(error) && !isNotFound(error)) return this.error(error);
      }
    }
    try {
      const current = await this.client.get<Lease>(Resources.leases, NODE_LEASE_NAMESPACE, name);
      this.lease = await this.client.update<Lease>(Resources.leases, renewed(current));
    } catch (error) {
      if (isNotFound(error) && this.node) {
        this.lease = await this.client.create<Lease>(Resources.leases, nodeLease(this.node, MICRO_NOW())).catch((e: unknown) => void this.error(e));
      } else if (!isConflict(error)) this.error(error);
    }
  }

  private sync(pod: Pod): void {
    const uid = pod.metadata.uid!;
    const worker = this.workers.get(uid);
    if (worker) worker.update(pod);
    else this.workers.set(uid, new PodWorker(this.podHost(), pod));
  }

  private forget(pod: Pod): void {
    const uid = pod.metadata.uid!;
    this.workers.get(uid)?.stop();
    this.workers.delete(uid);
  }

  private podHost(): PodHost {
    const base = podCidrBase(this.options.nodeName);
    return {
      client: this.client,
      recorder: this.recorder,
      hostIP: nodeIp(this.options.nodeName),
      pullDelayMs: this.options.pullDelayMs ?? 1000,
      allocatePodIp: () => {
        for (let host = 2; host < 255; host++) {
          const ip = `${base}.${host}`;
          if (!this.usedIps.has(ip)) {
            this.usedIps.add(ip);
            return ip;
          }
        }
        throw new Error(`node ${this.options.nodeName} has no pod IP left`);
      },
      releasePodIp: (ip) => this.usedIps.delete(ip),
      pullImage: (image) => {
        const fresh = !this.images.has(image);
        this.images.add(image);
        return fresh;
      },
      onError: (error) => this.error(error),
    };
  }

  private error(error: unknown): void {
    this.options.log?.('error', { node: this.options.nodeName, error: error instanceof Error ? error.message : String(error) });
  }
}
