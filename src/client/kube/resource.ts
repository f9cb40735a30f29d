// Where a resource lives in the REST tree: /api/v1 for the core group, /apis/<group>/<version> otherwise.

export interface ResourceRef {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly namespaced: boolean;
  /** Kind, for events and ownerReferences; optional because the path does not need it. */
  readonly kind?: string;
}

function ref(group: string, version: string, plural: string, kind: string, namespaced = true): ResourceRef {
  return { group, version, plural, namespaced, kind };
}

/** The built-in resources the control plane's components use. */
export const Resources = {
  pods: ref('', 'v1', 'pods', 'Pod'),
  nodes: ref('', 'v1', 'nodes', 'Node', false),
  namespaces: ref('', 'v1', 'namespaces', 'Namespace', false),
  services: ref('', 'v1', 'services', 'Service'),
  endpoints: ref('', 'v1', 'endpoints', 'Endpoints'),
  events: ref('', 'v1', 'events', 'Event'),
  serviceAccounts: ref('', 'v1', 'serviceaccounts', 'ServiceAccount'),
  configMaps: ref('', 'v1', 'configmaps', 'ConfigMap'),
  secrets: ref('', 'v1', 'secrets', 'Secret'),
  replicationControllers: ref('', 'v1', 'replicationcontrollers', 'ReplicationController'),
  persistentVolumeClaims: ref('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim'),
  deployments: ref('apps', 'v1', 'deployments', 'Deployment'),
  replicaSets: ref('apps', 'v1', 'replicasets', 'ReplicaSet'),
  statefulSets: ref('apps', 'v1', 'statefulsets', 'StatefulSet'),
  daemonSets: ref('apps', 'v1', 'daemonsets', 'DaemonSet'),
  controllerRevisions: ref('apps', 'v1', 'controllerrevisions', 'ControllerRevision'),
  jobs: ref('batch', 'v1', 'jobs', 'Job'),
  cronJobs: ref('batch', 'v1', 'cronjobs', 'CronJob'),
  leases: ref('coordination.k8s.io', 'v1', 'leases', 'Lease'),
  endpointSlices: ref('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice'),
  eventsV1: ref('events.k8s.io', 'v1', 'events', 'Event'),
  customResourceDefinitions: ref('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', false),
} as const satisfies Record<string, ResourceRef>;

export function apiVersionOf(resource: ResourceRef): string {
  return resource.group ? `${resource.group}/${resource.version}` : resource.version;
}

/** Collection path; with a namespace for namespaced resources (none = across all namespaces). */
export function collectionPath(resource: ResourceRef, namespace?: string): string {
  const root = resource.group ? `/apis/${resource.group}/${resource.version}` : `/api/${resource.version}`;
  const scope = resource.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${scope}/${resource.plural}`;
}

export function objectPath(resource: ResourceRef, namespace: string | undefined, name: string, subresource?: string): string {
  const base = `${collectionPath(resource, namespace)}/${encodeURIComponent(name)}`;
  return subresource ? `${base}/${subresource}` : base;
}
