// Which kinds this server reads and writes as Kubernetes protobuf, and the message each is: the kinds
// whose generated.proto messages are written out in core-messages.ts, group-messages.ts and
// extension-messages.ts. A kind not here (custom resources, as kube serves them) is JSON only.

import { CORE_MESSAGES, META_MESSAGES } from './core-messages.js';
import { EXTENSION_MESSAGES } from './extension-messages.js';
import { GROUP_MESSAGES } from './group-messages.js';
import { messageTables, type MessageTable } from './message-table.js';

export const MESSAGES: ReadonlyMap<string, MessageTable> = messageTables({ ...META_MESSAGES, ...CORE_MESSAGES, ...GROUP_MESSAGES, ...EXTENSION_MESSAGES });

/** By apiVersion: the kinds whose message is named as the kind, and those renamed (two groups' messages share a name). */
const KINDS: Readonly<Record<string, readonly (string | readonly [kind: string, message: string])[]>> = {
  v1: ['ConfigMap', 'Secret', 'ServiceAccount', 'Namespace', 'ResourceQuota', 'LimitRange', 'Service', 'Pod', 'ReplicationController', 'Node', 'Endpoints', 'Event', 'Binding', 'Status'],
  'apps/v1': ['Deployment', 'ReplicaSet'],
  'autoscaling/v1': ['Scale'],
  'batch/v1': ['Job', 'CronJob'],
  'policy/v1': ['PodDisruptionBudget', 'Eviction'],
  'networking.k8s.io/v1': ['Ingress'],
  'scheduling.k8s.io/v1': ['PriorityClass'],
  'coordination.k8s.io/v1': ['Lease'],
  'discovery.k8s.io/v1': [['EndpointSlice', 'EndpointSlice']],
  'events.k8s.io/v1': [['Event', 'EventsEvent']],
  'rbac.authorization.k8s.io/v1': ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
  'authentication.k8s.io/v1': ['TokenRequest', 'SelfSubjectReview'],
  'authorization.k8s.io/v1': ['SelfSubjectAccessReview', 'SubjectAccessReview', 'SelfSubjectRulesReview'],
  'admissionregistration.k8s.io/v1': ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'],
  'apiextensions.k8s.io/v1': ['CustomResourceDefinition'],
};

const BY_KIND = new Map<string, string>(
  Object.entries(KINDS).flatMap(([apiVersion, kinds]) =>
    kinds.map((entry) => (typeof entry === 'string' ? [`${apiVersion} ${entry}`, entry] : [`${apiVersion} ${entry[0]}`, entry[1]]) as [string, string]),
  ),
);

/** The message of a kind, or undefined for a kind this server serves as JSON only. */
export function messageOf(apiVersion: string, kind: string): string | undefined {
  return BY_KIND.get(`${apiVersion} ${kind}`);
}
