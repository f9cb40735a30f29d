// Every built-in resource the apiserver serves, with the facts kube-apiserver 1.32 publishes for it in
// discovery (short names, categories, subresources) and its etcd key segment
// (pkg/kubeapiserver/default_storage_factory_builder.go and each registry's storage prefix).
import { componentName } from '../schema/dsl.js';
import { FINALIZE, SCALE, STATUS, type ResourceDefinition } from './define.js';
import * as fields from './selectable-fields.js';
import { behaviours } from './behaviours.js';

const core = (kind: string, plural: string, namespaced: boolean, rest: Partial<ResourceDefinition> = {}) =>
  ({ group: '', version: 'v1', kind, plural, namespaced, schemaName: componentName.core(kind), ...rest }) satisfies ResourceDefinition;

const grouped = (group: string, short: string, version: string, kind: string, plural: string, namespaced: boolean, rest: Partial<ResourceDefinition> = {}) =>
  ({ group, version, kind, plural, namespaced, schemaName: componentName.api(short, version, kind), ...rest }) satisfies ResourceDefinition;

const definitions: ResourceDefinition[] = [
  core('Namespace', 'namespaces', false, { shortNames: ['ns'], subresources: [STATUS, FINALIZE], fieldSelectors: fields.namespaceFields }),
  core('Pod', 'pods', true, {
    shortNames: ['po'],
    categories: ['all'],
    subresources: [
      STATUS,
      { name: 'binding', responseKind: { group: '', version: 'v1', kind: 'Binding' }, verbs: ['create'] },
      { name: 'eviction', responseKind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] },
    ],
    fieldSelectors: fields.podFields,
  }),
  core('Node', 'nodes', false, { shortNames: ['no'], subresources: [STATUS], storagePath: 'minions', fieldSelectors: fields.nodeFields }),
  core('Service', 'services', true, {
    shortNames: ['svc'],
    categories: ['all'],
    subresources: [STATUS],
    storagePath: 'services/specs',
    fieldSelectors: fields.serviceFields,
  }),
  core('Endpoints', 'endpoints', true, { shortNames: ['ep'], storagePath: 'services/endpoints' }),
  core('ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  core('Secret', 'secrets', true, { fieldSelectors: fields.secretFields }),
  core('ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'] }),
  core('Event', 'events', true, { shortNames: ['ev'], fieldSelectors: fields.coreEventFields }),
  core('LimitRange', 'limitranges', true, { shortNames: ['limits'] }),
  core('ReplicationController', 'replicationcontrollers', true, {
    shortNames: ['rc'],
    categories: ['all'],
    subresources: [STATUS, SCALE],
    storagePath: 'controllers',
    fieldSelectors: fields.replicaSetFields,
  }),
  core('ResourceQuota', 'resourcequotas', true, { shortNames: ['quota'], subresources: [STATUS] }),
  grouped('apps', 'apps', 'v1', 'Deployment', 'deployments', true, { shortNames: ['deploy'], categories: ['all'], subresources: [STATUS, SCALE] }),
  grouped('apps', 'apps', 'v1', 'ReplicaSet', 'replicasets', true, {
    shortNames: ['rs'],
    categories: ['all'],
    subresources: [STATUS, SCALE],
    fieldSelectors: fields.replicaSetFields,
  }),
  grouped('batch', 'batch', 'v1', 'Job', 'jobs', true, { categories: ['all'], subresources: [STATUS], fieldSelectors: fields.jobFields }),
  grouped('batch', 'batch', 'v1', 'CronJob', 'cronjobs', true, { shortNames: ['cj'], categories: ['all'], subresources: [STATUS] }),
  grouped('policy', 'policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, { shortNames: ['pdb'], subresources: [STATUS] }),
  grouped('networking.k8s.io', 'networking', 'v1', 'Ingress', 'ingresses', true, { shortNames: ['ing'], subresources: [STATUS], storagePath: 'ingress' }),
  grouped('coordination.k8s.io', 'coordination', 'v1', 'Lease', 'leases', true),
  grouped('scheduling.k8s.io', 'scheduling', 'v1', 'PriorityClass', 'priorityclasses', false, { shortNames: ['pc'] }),
  grouped('discovery.k8s.io', 'discovery', 'v1', 'EndpointSlice', 'endpointslices', true),
  // events.k8s.io/v1 is another view of the same stored events.
  grouped('events.k8s.io', 'events', 'v1', 'Event', 'events', true, { shortNames: ['ev'], fieldSelectors: fields.eventsV1Fields }),
  grouped('admissionregistration.k8s.io', 'admissionregistration', 'v1', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false, { categories: ['api-extensions'] }),
  grouped('admissionregistration.k8s.io', 'admissionregistration', 'v1', 'ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false, { categories: ['api-extensions'] }),
  grouped('admissionregistration.k8s.io', 'admissionregistration', 'v1', 'ValidatingAdmissionPolicy', 'validatingadmissionpolicies', false, { categories: ['api-extensions'], subresources: [STATUS] }),
  grouped('admissionregistration.k8s.io', 'admissionregistration', 'v1', 'ValidatingAdmissionPolicyBinding', 'validatingadmissionpolicybindings', false, { categories: ['api-extensions'] }),
  grouped('rbac.authorization.k8s.io', 'rbac', 'v1', 'Role', 'roles', true),
  grouped('rbac.authorization.k8s.io', 'rbac', 'v1', 'RoleBinding', 'rolebindings', true),
  grouped('rbac.authorization.k8s.io', 'rbac', 'v1', 'ClusterRole', 'clusterroles', false),
  grouped('rbac.authorization.k8s.io', 'rbac', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    kind: 'CustomResourceDefinition',
    plural: 'customresourcedefinitions',
    namespaced: false,
    schemaName: componentName.apiextensions('CustomResourceDefinition'),
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    subresources: [STATUS],
    storagePath: 'apiextensions.k8s.io/customresourcedefinitions',
  },
];

/** Every built-in resource's facts with its defaulting, validation and table. */
export const BUILTIN_DEFINITIONS: readonly ResourceDefinition[] = definitions.map((definition) => ({
  ...definition,
  ...behaviours(definition.group, definition.kind),
}));
