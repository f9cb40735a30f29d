// The default roles and bindings kube-apiserver reconciles at start
// (plugin/pkg/auth/authorizer/rbac/bootstrappolicy; see bootstrap-reconcile.ts), labelled
// kubernetes.io/bootstrapping=rbac-defaults and annotated for auto-update, as upstream marks them.

import type { KubeObject } from '../schema/types.js';
import { CONTROLLER_NAMESPACE, CONTROLLER_ROLE_PREFIX, CONTROLLER_ROLES } from './controller-policy.js';
import { policyRule, type PolicyRule, type Subject } from './policy-rules.js';

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const READ_WRITE = [...READ, ...WRITE];

const rule = policyRule;

function urls(verbs: string[], nonResourceURLs: string[]): PolicyRule {
  return { verbs, nonResourceURLs };
}

interface RoleSpec {
  readonly name: string;
  readonly rules?: PolicyRule[];
  readonly aggregateFrom?: string;
  readonly aggregateTo?: string[];
}

const POD_WORKLOADS = ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy'];
const VIEWABLE_CORE = ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status'];
const APPS = ['daemonsets', 'deployments', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale'];

const ROLES: RoleSpec[] = [
  { name: 'cluster-admin', rules: [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])] },
  { name: 'system:discovery', rules: [urls(['get'], ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'])] },
  { name: 'system:public-info-viewer', rules: [urls(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/'])] },
  {
    name: 'system:basic-user',
    rules: [rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']), rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews'])],
  },
  { name: 'admin', aggregateFrom: 'admin' },
  { name: 'edit', aggregateFrom: 'edit', aggregateTo: ['admin'] },
  { name: 'view', aggregateFrom: 'view', aggregateTo: ['edit'] },
  {
    name: 'system:aggregate-to-admin',
    aggregateTo: ['admin'],
    rules: [rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']), rule(READ_WRITE, ['rbac.authorization.k8s.io'], ['rolebindings', 'roles'])],
  },
  {
    name: 'system:aggregate-to-edit',
    aggregateTo: ['edit'],
    rules: [
      rule(READ_WRITE, [''], POD_WORKLOADS),
      rule(READ_WRITE, [''], ['configmaps', 'endpoints', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy']),
      rule(['create'], [''], ['serviceaccounts/token']),
      rule(READ_WRITE, ['apps'], APPS),
      rule(READ_WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
      rule(READ_WRITE, ['batch'], ['cronjobs', 'jobs']),
      rule(READ_WRITE, ['policy'], ['poddisruptionbudgets']),
      rule(READ_WRITE, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
      rule(READ_WRITE, ['coordination.k8s.io'], ['leases']),
      rule(['create'], ['', 'events.k8s.io'], ['events']),
    ],
  },
  {
    name: 'system:aggregate-to-view',
    aggregateTo: ['view'],
    rules: [
      rule(READ, [''], VIEWABLE_CORE),
      rule(READ, [''], ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status']),
      rule(READ, [''], ['namespaces']),
      rule(READ, ['discovery.k8s.io'], ['endpointslices']),
      rule(READ, ['apps'], [...APPS, 'controllerrevisions']),
      rule(READ, ['autoscaling'], ['horizontalpodautoscalers']),
      rule(READ, ['batch'], ['cronjobs', 'jobs']),
      rule(READ, ['policy'], ['poddisruptionbudgets']),
      rule(READ, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
    ],
  },
  {
    name: 'system:kube-scheduler',
    rules: [
      rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
      rule(['create'], ['coordination.k8s.io'], ['leases']),
      rule(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['kube-scheduler']),
      rule(['delete', 'get', 'list', 'watch'], [''], ['nodes']),
      rule(READ, [''], ['namespaces', 'pods']),
      rule(['create'], [''], ['bindings', 'pods/binding']),
      rule(['patch', 'update'], [''], ['pods/status']),
      rule(READ, ['', 'apps'], ['replicationcontrollers', 'services', 'replicasets', 'statefulsets']),
      rule(READ, [''], ['persistentvolumeclaims', 'persistentvolumes']),
      rule(READ, ['policy'], ['poddisruptionbudgets']),
      rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
      rule(READ, ['storage.k8s.io'], ['csidrivers', 'csinodes', 'csistoragecapacities', 'storageclasses', 'volumeattachments']),
    ],
  },
  {
    name: 'system:kube-controller-manager',
    rules: [
      rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
      rule(['create'], ['coordination.k8s.io'], ['leases']),
      rule(['get', 'update'], ['coordination.k8s.io'], ['leases'], ['kube-controller-manager']),
      rule(['create'], [''], ['secrets', 'serviceaccounts']),
      rule(['delete'], [''], ['secrets']),
      rule(['get'], [''], ['configmaps', 'namespaces', 'secrets', 'serviceaccounts']),
      rule(['update'], [''], ['secrets', 'serviceaccounts']),
      rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
      rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
      rule(['list', 'watch'], ['*'], ['*']),
      rule(['create'], [''], ['serviceaccounts/token']),
    ],
  },
  {
    name: 'system:node-proxier',
    rules: [
      rule(['list', 'watch'], [''], ['endpoints', 'services']),
      rule(['get', 'list', 'watch'], [''], ['nodes']),
      rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
      rule(['list', 'watch'], ['discovery.k8s.io'], ['endpointslices']),
    ],
  },
];

interface BindingSpec {
  readonly name: string;
  readonly role: string;
  readonly subjects: Subject[];
}

const group = (name: string): Subject => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name });
const user = (name: string): Subject => ({ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name });

const BINDINGS: BindingSpec[] = [
  { name: 'cluster-admin', role: 'cluster-admin', subjects: [group('system:masters')] },
  { name: 'system:discovery', role: 'system:discovery', subjects: [group('system:authenticated')] },
  { name: 'system:basic-user', role: 'system:basic-user', subjects: [group('system:authenticated')] },
  { name: 'system:public-info-viewer', role: 'system:public-info-viewer', subjects: [group('system:authenticated'), group('system:unauthenticated')] },
  { name: 'system:kube-scheduler', role: 'system:kube-scheduler', subjects: [user('system:kube-scheduler')] },
  { name: 'system:kube-controller-manager', role: 'system:kube-controller-manager', subjects: [user('system:kube-controller-manager')] },
  { name: 'system:node-proxier', role: 'system:node-proxier', subjects: [user('system:kube-proxy')] },
  ...CONTROLLER_ROLES.map(({ name }) => ({ name, role: name, subjects: [{ kind: 'ServiceAccount', name: name.slice(CONTROLLER_ROLE_PREFIX.length), namespace: CONTROLLER_NAMESPACE }] })),
];

const METADATA_DEFAULTS = {
  labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
  annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
};

function clusterRole(spec: RoleSpec): KubeObject {
  const labels: Record<string, string> = { ...METADATA_DEFAULTS.labels };
  for (const target of spec.aggregateTo ?? []) labels[`rbac.authorization.k8s.io/aggregate-to-${target}`] = 'true';
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: spec.name, labels, annotations: { ...METADATA_DEFAULTS.annotations } },
    ...(spec.aggregateFrom ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [`rbac.authorization.k8s.io/aggregate-to-${spec.aggregateFrom}`]: 'true' } }] } } : {}),
    rules: spec.rules ?? [],
  };
}

function clusterRoleBinding(spec: BindingSpec): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: spec.name, labels: { ...METADATA_DEFAULTS.labels }, annotations: { ...METADATA_DEFAULTS.annotations } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: spec.role },
    subjects: spec.subjects,
  };
}

export const BOOTSTRAP_CLUSTER_ROLES: readonly KubeObject[] = [...ROLES, ...CONTROLLER_ROLES].map(clusterRole);
export const BOOTSTRAP_CLUSTER_ROLE_BINDINGS: readonly KubeObject[] = BINDINGS.map(clusterRoleBinding);
