// The roles of the controllers kube-controller-manager runs with --use-service-account-credentials
// (bootstrappolicy/controller_policy.go): one ClusterRole `system:controller:<name>` per controller,
// bound to the ServiceAccount kube-system/<name> its requests are made as. Only the controllers Barge
// runs are listed.

import { policyRule as rule, type PolicyRule } from './policy-rules.js';

export const CONTROLLER_ROLE_PREFIX = 'system:controller:';
/** The namespace the controllers' ServiceAccounts live in. */
export const CONTROLLER_NAMESPACE = 'kube-system';

const READ = ['get', 'list', 'watch'];
const EVENTS = rule(['create', 'update', 'patch'], ['', 'events.k8s.io'], ['events']);

const RULES: Record<string, PolicyRule[]> = {
  'cronjob-controller': [
    rule([...READ, 'update'], ['batch'], ['cronjobs']),
    rule([...READ, 'create', 'update', 'delete', 'patch'], ['batch'], ['jobs']),
    rule(['update'], ['batch'], ['cronjobs/status', 'cronjobs/finalizers']),
    rule(['list', 'delete'], [''], ['pods']),
    EVENTS,
  ],
  'deployment-controller': [
    rule([...READ, 'update'], ['extensions', 'apps'], ['deployments']),
    rule(['update'], ['extensions', 'apps'], ['deployments/status', 'deployments/finalizers']),
    rule([...READ, 'create', 'update', 'patch', 'delete'], ['apps', 'extensions'], ['replicasets']),
    rule([...READ, 'update'], [''], ['pods']),
    EVENTS,
  ],
  'disruption-controller': [
    rule(READ, ['extensions', 'apps'], ['deployments']),
    rule(READ, ['apps', 'extensions'], ['replicasets']),
    rule(READ, [''], ['replicationcontrollers']),
    rule(READ, ['policy'], ['poddisruptionbudgets']),
    rule(READ, ['apps'], ['statefulsets']),
    rule(['update'], ['policy'], ['poddisruptionbudgets/status']),
    rule(['get'], ['*'], ['*/scale']),
    rule(['patch', 'update'], [''], ['pods/status']),
    EVENTS,
  ],
  // Barge's endpointslice controller also keeps each Service's Endpoints (kube's endpoint-controller's job).
  'endpointslice-controller': [
    rule(READ, [''], ['services', 'pods', 'nodes']),
    rule(['update'], [''], ['services/finalizers']),
    rule([...READ, 'create', 'update', 'delete'], ['discovery.k8s.io'], ['endpointslices']),
    rule([...READ, 'create', 'update', 'delete'], [''], ['endpoints']),
    EVENTS,
  ],
  'generic-garbage-collector': [rule([...READ, 'patch', 'update', 'delete'], ['*'], ['*']), EVENTS],
  'job-controller': [
    rule([...READ, 'update', 'patch'], ['batch'], ['jobs']),
    rule(['update'], ['batch'], ['jobs/status', 'jobs/finalizers']),
    rule(['list', 'watch', 'create', 'delete', 'patch'], [''], ['pods']),
    EVENTS,
  ],
  'namespace-controller': [
    rule(['get', 'list', 'watch', 'delete'], [''], ['namespaces']),
    rule(['update'], [''], ['namespaces/finalize', 'namespaces/status']),
    rule(['get', 'list', 'delete', 'deletecollection'], ['*'], ['*']),
  ],
  'node-controller': [
    rule([...READ, 'update', 'delete', 'patch'], [''], ['nodes']),
    rule(['patch', 'update'], [''], ['nodes/status', 'pods/status']),
    rule(['list', 'watch', 'get', 'delete'], [''], ['pods']),
    EVENTS,
  ],
  'pod-garbage-collector': [
    rule(['list', 'watch', 'delete'], [''], ['pods']),
    rule(READ, [''], ['nodes']),
    rule(['patch'], [''], ['pods/status']),
  ],
  'replicaset-controller': [
    rule([...READ, 'update'], ['apps', 'extensions'], ['replicasets']),
    rule(['update'], ['apps', 'extensions'], ['replicasets/status', 'replicasets/finalizers']),
    rule(['list', 'watch', 'patch', 'create', 'delete'], [''], ['pods']),
    EVENTS,
  ],
  'replication-controller': [
    rule([...READ, 'update'], [''], ['replicationcontrollers']),
    rule(['update'], [''], ['replicationcontrollers/status', 'replicationcontrollers/finalizers']),
    rule(['list', 'watch', 'patch', 'create', 'delete'], [''], ['pods']),
    EVENTS,
  ],
  'resourcequota-controller': [rule(['list', 'watch'], ['*'], ['*']), rule(['update'], [''], ['resourcequotas/status']), EVENTS],
  'service-account-controller': [rule(['create'], [''], ['serviceaccounts']), EVENTS],
};

export const CONTROLLER_ROLES: ReadonlyArray<{ readonly name: string; readonly rules: PolicyRule[] }> = Object.entries(RULES).map(([name, rules]) => ({ name: `${CONTROLLER_ROLE_PREFIX}${name}`, rules }));
