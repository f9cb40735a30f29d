// The Flyingcube controller, in the shape of Kubernetes' sample-controller: informers on Flyingcubes and
// on the Deployments they own feed one work queue of cube keys; a worker reconciles a cube by creating or
// updating its Deployment, then writes the cube's status through the /status subresource, and records
// what it did as Events on the cube. A failed sync is retried with the queue's per-item backoff.

import {
  controllerOf,
  EventRecorder,
  isAlreadyExists,
  Informer,
  Resources,
  runWorker,
  splitKey,
  WorkQueue,
  objectKey,
  type KubeClient,
} from '../../src/index.js';
import {
  API_VERSION,
  deploymentName,
  desiredDeployment,
  desiredStatus,
  Flyingcubes,
  isControlledBy,
  KIND,
  reconciledDeployment,
  sameStatus,
  sizeOf,
  type Deployment,
  type Flyingcube,
} from './flyingcube.js';

export const COMPONENT = 'flyingcube-operator';

export interface ControllerOptions {
  client: KubeClient;
  /** Watch one namespace; every namespace when unset. */
  namespace?: string;
  log: (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;
}

export class FlyingcubeController {
  private readonly queue = new WorkQueue<string>();
  private readonly cubes: Informer<Flyingcube>;
  private readonly deployments: Informer<Deployment>;
  private readonly recorder: EventRecorder;

  constructor(private readonly options: ControllerOptions) {
    const { client, namespace, log } = options;
    const onError = (error: unknown): void => log('warn', 'informer error', { error: String(error) });
    this.cubes = new Informer<Flyingcube>(client, Flyingcubes, { namespace, onError });
    this.deployments = new Informer<Deployment>(client, Resources.deployments, { namespace, onError });
    this.recorder = new EventRecorder(client, { component: COMPONENT, onError: (error) => log('warn', 'event not recorded', { error: String(error) }) });
    const enqueue = (cube: Flyingcube): void => this.queue.add(objectKey(cube));
    this.cubes.onAdd(enqueue).onUpdate((_, cube) => enqueue(cube)).onDelete(enqueue);
    const owned = (deployment: Deployment): void => this.enqueueOwner(deployment);
    this.deployments.onAdd(owned).onUpdate((_, deployment) => owned(deployment)).onDelete(owned);
  }

  /** Runs `workers` workers until `signal` aborts. */
  async run(workers: number, signal: AbortSignal): Promise<void> {
    const informers = [this.cubes, this.deployments];
    for (const informer of informers) informer.start();
    signal.addEventListener('abort', () => this.queue.shutdown(), { once: true });
    try {
      await Promise.all(informers.map((informer) => informer.waitForSync()));
      this.options.log('info', 'caches synced, reconciling', { workers });
      const onError = (key: string, error: unknown): void => this.options.log('warn', 'sync failed, will retry', { cube: key, error: String(error) });
      await Promise.all(Array.from({ length: workers }, () => runWorker(this.queue, (key) => this.sync(key), onError)));
    } finally {
      this.queue.shutdown();
      await Promise.all(informers.map((informer) => informer.stop()));
      await this.recorder.flush();
      this.recorder.shutdown();
    }
  }

  /** A Deployment changed: its controlling cube (if a cube controls it) gets reconciled. */
  private enqueueOwner(deployment: Deployment): void {
    const ref = controllerOf(deployment);
    if (ref?.kind !== KIND || ref.apiVersion !== API_VERSION) return;
    const cube = this.cubes.lister.get(deployment.metadata.namespace, ref.name);
    if (cube?.metadata.uid === ref.uid) this.queue.add(objectKey(cube));
  }

  private async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.cubes.lister.get(namespace, name);
    // Gone: the garbage collector removes its Deployment through the owner reference.
    if (!cached || cached.metadata.deletionTimestamp) return;
    const cube: Flyingcube = { ...structuredClone(cached), apiVersion: API_VERSION, kind: KIND };
    const deployment = await this.reconcileDeployment(cube);
    const status = desiredStatus(cube, deployment);
    if (sameStatus(cube.status, status)) return;
    await this.options.client.updateStatus(Flyingcubes, { ...cube, status });
  }

  private async reconcileDeployment(cube: Flyingcube): Promise<Deployment> {
    const { client, log } = this.options;
    const name = deploymentName(cube);
    let current = this.deployments.lister.get(cube.metadata.namespace, name);
    if (!current) {
      try {
        const created = await client.create(Resources.deployments, desiredDeployment(cube));
        this.recorder.event(cube, 'Normal', 'Created', `Created Deployment ${name} with ${sizeOf(cube)} replicas`);
        log('info', 'created deployment', { cube: objectKey(cube), deployment: name });
        return created;
      } catch (error) {
        // Created a moment ago (the informer has not caught up) or by someone else: judge what is there.
        if (!isAlreadyExists(error)) throw error;
        current = await client.get<Deployment>(Resources.deployments, cube.metadata.namespace, name);
      }
    }
    if (!isControlledBy(current, cube)) {
      // sample-controller's wording: someone else's object is never taken over.
      const message = `Resource "${name}" already exists and is not managed by ${KIND}`;
      this.recorder.event(cube, 'Warning', 'ErrResourceExists', message);
      throw new Error(message);
    }
    const wanted = reconciledDeployment(cube, structuredClone(current));
    if (!wanted) return current;
    const updated = await client.update(Resources.deployments, wanted);
    const from = current.spec.replicas ?? 1;
    const message = from === sizeOf(cube) ? `Updated Deployment ${name} for developer ${cube.spec.developer}` : `Scaled Deployment ${name} from ${from} to ${sizeOf(cube)}`;
    this.recorder.event(cube, 'Normal', from === sizeOf(cube) ? 'Updated' : 'Scaled', message);
    log('info', 'updated deployment', { cube: objectKey(cube), deployment: name, replicas: sizeOf(cube) });
    return updated;
  }
}
