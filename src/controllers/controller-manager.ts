// The controller manager: builds the shared informers and the enabled controllers, and runs them while
// it leads (or at once without --leader-elect), as kube-controller-manager does.

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { EventRecorder, KubeClient, Resources, runLeaderElection, type Kubeconfig, type ResourceRef } from '../client/kube/index.js';
import { DeploymentController } from './deployment/deployment-controller.js';
import { EndpointsController } from './endpoints/endpoints-controller.js';
import { COLLECTED_RESOURCES, GarbageCollector } from './garbagecollector/garbage-collector.js';
import { JobController } from './job/job-controller.js';
import { NodeLifecycleController, type NodeLifecycleOptions } from './nodelifecycle/node-lifecycle-controller.js';
import { NamespaceController } from './namespace/namespace-controller.js';
import { PodGcController } from './podgc/pod-gc-controller.js';
import { REPLICATION_CONTROLLER_KIND, ReplicaSetController } from './replicaset/replica-set-controller.js';
import { ServiceAccountController } from './serviceaccount/service-account-controller.js';
import { InformerFactory, type Controller, type ControllerContext, type Log } from './shared/controller-context.js';

/** Controllers this manager runs, with the --concurrent-*-syncs flag that sizes each one's workers. */
export const CONTROLLERS: Record<string, { workersFlag: string; serves: ResourceRef; create: (context: ControllerContext, config: ControllerManagerConfig) => Controller }> = {
  replicaset: { workersFlag: 'concurrentReplicasetSyncs', serves: Resources.replicaSets, create: (context) => new ReplicaSetController(context) },
  replicationcontroller: { workersFlag: 'concurrentRcSyncs', serves: Resources.replicationControllers, create: (context) => new ReplicaSetController(context, REPLICATION_CONTROLLER_KIND) },
  deployment: { workersFlag: 'concurrentDeploymentSyncs', serves: Resources.deployments, create: (context) => new DeploymentController(context) },
  serviceaccount: { workersFlag: 'concurrentServiceaccountSyncs', serves: Resources.serviceAccounts, create: (context) => new ServiceAccountController(context) },
  nodelifecycle: { workersFlag: '', serves: Resources.nodes, create: (context, config) => new NodeLifecycleController(context, config.nodeLifecycle) },
  job: { workersFlag: 'concurrentJobSyncs', serves: Resources.jobs, create: (context) => new JobController(context) },
  endpointslice: { workersFlag: 'concurrentServiceEndpointSyncs', serves: Resources.endpointSlices, create: (context) => new EndpointsController(context) },
  podgc: { workersFlag: '', serves: Resources.pods, create: (context, config) => new PodGcController(context, config.terminatedPodGcThreshold) },
  namespace: { workersFlag: 'concurrentNamespaceSyncs', serves: Resources.namespaces, create: (context) => new NamespaceController(context) },
  garbagecollector: { workersFlag: 'concurrentGcSyncs', serves: Resources.pods, create: (context) => new GarbageCollector(context, COLLECTED_RESOURCES.filter(context.served)) },
};

/** Every name kube-controller-manager's --controllers knows; the ones above are the ones implemented. */
export const KNOWN_CONTROLLERS = [
  ...Object.keys(CONTROLLERS),
  'taint-eviction-controller', 'cronjob', 'endpoint', 'endpointslicemirroring',
  'daemonset', 'statefulset', 'horizontalpodautoscaling', 'disruption', 'ttl', 'ttl-after-finished',
  'resourcequota', 'csrsigning', 'csrapproving', 'csrcleaner', 'bootstrapsigner', 'tokencleaner', 'nodeipam', 'persistentvolume-binder',
  'attachdetach', 'persistentvolume-expander', 'clusterrole-aggregation', 'pvc-protection', 'pv-protection', 'root-ca-cert-publisher',
  'ephemeral-volume', 'serviceaccount-token', 'cloud-node-lifecycle', 'service', 'route', 'storage-version-gc',
];

export interface ControllerManagerConfig {
  kubeconfig: Kubeconfig;
  controllers: string[];
  workers: Record<string, number>;
  leaderElect: boolean;
  nodeLifecycle: NodeLifecycleOptions;
  terminatedPodGcThreshold: number;
  lease: { namespace: string; name: string; durationMs: number; renewDeadlineMs: number; retryPeriodMs: number };
  signal: AbortSignal;
  log: Log;
}

/** --controllers: "*" is every default controller, "name" adds one, "-name" removes one. */
export function enabledControllers(spec: readonly string[]): string[] {
  for (const entry of spec) {
    const name = entry.replace(/^-/, '');
    if (name !== '*' && !KNOWN_CONTROLLERS.includes(name)) throw new Error(`"${name}" is not in the list of known controllers`);
  }
  const all = spec.includes('*');
  return Object.keys(CONTROLLERS).filter((name) => !spec.includes(`-${name}`) && (all || spec.includes(name)));
}

/** The plural names served per group version, for the resources the controllers may use. */
async function discover(client: KubeClient): Promise<(resource: ResourceRef) => boolean> {
  const paths = new Set([...COLLECTED_RESOURCES, ...Object.values(CONTROLLERS).map((entry) => entry.serves)].map(groupVersionPath));
  const plurals = new Map<string, Set<string>>();
  for (const path of paths) {
    const list = await client.raw<{ resources?: Array<{ name: string }> }>(path).catch(() => ({ resources: [] }));
    plurals.set(path, new Set((list.resources ?? []).map((entry) => entry.name)));
  }
  return (resource) => plurals.get(groupVersionPath(resource))?.has(resource.plural) ?? false;
}

function groupVersionPath(resource: ResourceRef): string {
  return resource.group ? `/apis/${resource.group}/${resource.version}` : `/api/${resource.version}`;
}

async function runControllers(config: ControllerManagerConfig, client: KubeClient, signal: AbortSignal): Promise<void> {
  const informers = new InformerFactory(client, (error) => config.log(`informer: ${(error as Error).message}`));
  const recorders = new Map<string, EventRecorder>();
  const context: ControllerContext = {
    client,
    served: await discover(client),
    informers,
    log: config.log,
    recorder: (component) => {
      let recorder = recorders.get(component);
      if (!recorder) recorders.set(component, (recorder = new EventRecorder(client, { component, onError: () => undefined })));
      return recorder;
    },
  };
  const served = config.controllers.filter((name) => {
    // As kube-controller-manager, a controller whose resource the server does not serve is skipped.
    if (context.served(CONTROLLERS[name]!.serves)) return true;
    config.log(`skipping controller ${name}: ${CONTROLLERS[name]!.serves.plural} is not served`);
    return false;
  });
  const running = served.map((name) => ({ name, controller: CONTROLLERS[name]!.create(context, config) }));
  await informers.startAndSync();
  config.log(`started controllers: ${running.map((entry) => entry.name).join(', ')}`);
  await Promise.all(running.map(({ name, controller }) => controller.run(config.workers[CONTROLLERS[name]!.workersFlag] ?? 5, signal)));
  await informers.stop();
  for (const recorder of recorders.values()) recorder.shutdown();
}

export async function runControllerManager(config: ControllerManagerConfig): Promise<void> {
  const client = new KubeClient(config.kubeconfig, { userAgent: 'barge-controller-manager/v0.1.0' });
  if (!config.leaderElect) return runControllers(config, client, config.signal);
  const identity = `${hostname()}_${randomUUID()}`;
  await runLeaderElection({
    client,
    lock: { namespace: config.lease.namespace, name: config.lease.name },
    identity,
    leaseDurationMs: config.lease.durationMs,
    renewDeadlineMs: config.lease.renewDeadlineMs,
    retryPeriodMs: config.lease.retryPeriodMs,
    releaseOnCancel: true,
    signal: config.signal,
    onNewLeader: (leader) => config.log(`leader is ${leader}${leader === identity ? ' (this process)' : ''}`),
    onStartedLeading: (leading) => runControllers(config, client, leading),
    onStoppedLeading: () => config.log('leaderelection lost'),
    onError: (error) => config.log(`leader election: ${(error as Error).message}`),
  });
}
