// The controller manager: builds the shared informers and the enabled controllers, and runs them while
// it leads (or at once without --leader-elect), as kube-controller-manager does.

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { EventRecorder, KubeClient, Resources, runLeaderElection, type Kubeconfig, type ResourceRef } from '../client/kube/index.js';
import { CronJobController } from './cronjob/cronjob-controller.js';
import { DeploymentController } from './deployment/deployment-controller.js';
import { PODDISRUPTIONBUDGETS } from './disruption/disruption-budget.js';
import { DisruptionController } from './disruption/disruption-controller.js';
import { EndpointsController } from './endpoints/endpoints-controller.js';
import { COLLECTED_RESOURCES, GarbageCollector } from './garbagecollector/garbage-collector.js';
import { JobController } from './job/job-controller.js';
import { NodeLifecycleController, type NodeLifecycleOptions } from './nodelifecycle/node-lifecycle-controller.js';
import { NamespaceController } from './namespace/namespace-controller.js';
import { PodGcController } from './podgc/pod-gc-controller.js';
import { REPLICATION_CONTROLLER_KIND, ReplicaSetController } from './replicaset/replica-set-controller.js';
import { RESOURCE_QUOTAS, ResourceQuotaController } from './resourcequota/resource-quota-controller.js';
import { ServiceAccountController } from './serviceaccount/service-account-controller.js';
import { serviceAccountClient } from './shared/client-builder.js';
import { InformerFactory, type Controller, type ControllerContext, type Log } from './shared/controller-context.js';

const USER_AGENT = 'barge-controller-manager/v0.1.0';

/** Controllers this manager runs, with the ServiceAccount each acts as and the --concurrent-*-syncs flag that sizes its workers. */
export const CONTROLLERS: Record<string, { workersFlag: string; account: string; serves: ResourceRef; create: (context: ControllerContext, config: ControllerManagerConfig) => Controller }> = {
  replicaset: { account: 'replicaset-controller', workersFlag: 'concurrentReplicasetSyncs', serves: Resources.replicaSets, create: (context) => new ReplicaSetController(context) },
  replicationcontroller: { account: 'replication-controller', workersFlag: 'concurrentRcSyncs', serves: Resources.replicationControllers, create: (context) => new ReplicaSetController(context, REPLICATION_CONTROLLER_KIND) },
  deployment: { account: 'deployment-controller', workersFlag: 'concurrentDeploymentSyncs', serves: Resources.deployments, create: (context) => new DeploymentController(context) },
  serviceaccount: { account: 'service-account-controller', workersFlag: 'concurrentServiceaccountSyncs', serves: Resources.serviceAccounts, create: (context) => new ServiceAccountController(context) },
  nodelifecycle: { account: 'node-controller', workersFlag: '', serves: Resources.nodes, create: (context, config) => new NodeLifecycleController(context, config.nodeLifecycle) },
  job: { account: 'job-controller', workersFlag: 'concurrentJobSyncs', serves: Resources.jobs, create: (context) => new JobController(context) },
  endpointslice: { account: 'endpointslice-controller', workersFlag: 'concurrentServiceEndpointSyncs', serves: Resources.endpointSlices, create: (context) => new EndpointsController(context) },
  podgc: { account: 'pod-garbage-collector', workersFlag: '', serves: Resources.pods, create: (context, config) => new PodGcController(context, config.terminatedPodGcThreshold) },
  namespace: { account: 'namespace-controller', workersFlag: 'concurrentNamespaceSyncs', serves: Resources.namespaces, create: (context) => new NamespaceController(context) },
  resourcequota: { account: 'resourcequota-controller', workersFlag: 'concurrentResourceQuotaSyncs', serves: RESOURCE_QUOTAS, create: (context, config) => new ResourceQuotaController(context, config.resourceQuotaSyncPeriodMs) },
  disruption: { account: 'disruption-controller', workersFlag: '', serves: PODDISRUPTIONBUDGETS, create: (context) => new DisruptionController(context) },
  cronjob: { account: 'cronjob-controller', workersFlag: 'concurrentCronJobSyncs', serves: Resources.cronJobs, create: (context) => new CronJobController(context) },
  garbagecollector: { account: 'generic-garbage-collector', workersFlag: 'concurrentGcSyncs', serves: Resources.pods, create: (context) => new GarbageCollector(context, COLLECTED_RESOURCES.filter(context.served)) },
};

/** Every name kube-controller-manager's --controllers knows; the ones above are the ones implemented. */
export const KNOWN_CONTROLLERS = [
  ...Object.keys(CONTROLLERS),
  'taint-eviction-controller', 'endpoint', 'endpointslicemirroring',
  'daemonset', 'statefulset', 'horizontalpodautoscaling', 'ttl', 'ttl-after-finished',
  'csrsigning', 'csrapproving', 'csrcleaner', 'bootstrapsigner', 'tokencleaner', 'nodeipam', 'persistentvolume-binder',
  'attachdetach', 'persistentvolume-expander', 'clusterrole-aggregation', 'pvc-protection', 'pv-protection', 'root-ca-cert-publisher',
  'ephemeral-volume', 'serviceaccount-token', 'cloud-node-lifecycle', 'service', 'route', 'storage-version-gc',
];

export interface ControllerManagerConfig {
  kubeconfig: Kubeconfig;
  controllers: string[];
  workers: Record<string, number>;
  leaderElect: boolean;
  /** Each controller acts as its own ServiceAccount in kube-system (--use-service-account-credentials). */
  useServiceAccountCredentials: boolean;
  nodeLifecycle: NodeLifecycleOptions;
  terminatedPodGcThreshold: number;
  /** --min-resync-period: the shared informers resync at a random period between it and twice it. */
  minResyncPeriodMs: number;
  /** --resource-quota-sync-period: how often every quota is recomputed whatever changed. */
  resourceQuotaSyncPeriodMs: number;
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
  // kube-controller-manager's ResyncPeriod: one random period in [min, 2*min) for the shared factory, so
  // every controller sees each object again now and then (a budget whose workload's scale changed, say).
  const resyncPeriodMs = config.minResyncPeriodMs * (1 + Math.random());
  const informers = new InformerFactory(client, (error) => config.log(`informer: ${(error as Error).message}`), resyncPeriodMs);
  const recorders: EventRecorder[] = [];
  // Informers read with the manager's own identity; each controller writes (and records events) as its
  // ServiceAccount with --use-service-account-credentials, as kube-controller-manager's client builder does.
  const contextFor = (writer: KubeClient, served: ControllerContext['served']): ControllerContext => {
    const byComponent = new Map<string, EventRecorder>();
    return {
      client: writer,
      served,
      informers,
      log: config.log,
      recorder: (component) => {
        let recorder = byComponent.get(component);
        if (!recorder) {
          byComponent.set(component, (recorder = new EventRecorder(writer, { component, onError: () => undefined })));
          recorders.push(recorder);
        }
        return recorder;
      },
    };
  };
  const context = contextFor(client, await discover(client));
  const served = config.controllers.filter((name) => {
    // As kube-controller-manager, a controller whose resource the server does not serve is skipped.
    if (context.served(CONTROLLERS[name]!.serves)) return true;
    config.log(`skipping controller ${name}: ${CONTROLLERS[name]!.serves.plural} is not served`);
    return false;
  });
  const running = await Promise.all(
    served.map(async (name) => {
      const writer = config.useServiceAccountCredentials ? await serviceAccountClient(client, CONTROLLERS[name]!.account, USER_AGENT) : client;
      return { name, controller: CONTROLLERS[name]!.create(writer === client ? context : contextFor(writer, context.served), config) };
    }),
  );
  await informers.startAndSync();
  config.log(`started controllers: ${running.map((entry) => entry.name).join(', ')}`);
  await Promise.all(running.map(({ name, controller }) => controller.run(config.workers[CONTROLLERS[name]!.workersFlag] ?? 5, signal)));
  await informers.stop();
  for (const recorder of recorders) recorder.shutdown();
}

export async function runControllerManager(config: ControllerManagerConfig): Promise<void> {
  const client = new KubeClient(config.kubeconfig, { userAgent: USER_AGENT });
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
