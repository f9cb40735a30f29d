// Per-kind defaulting, validation and tables, looked up by group and kind.
import { coreEventTable, endpointSliceTable, eventsV1Table, leaseTable, roleBindingTable } from './cluster-tables.js';
import { bindingValidator, roleValidator, validateEndpointSlice, validateEventsV1, validateLease } from './cluster-validation.js';
import * as defaults from './core-defaults.js';
import * as tables from './core-tables.js';
import * as validation from './core-validation.js';
import { validateCustomResourceDefinition } from './crd-validation.js';
import { NAME_CREATED_TABLE, type ResourceDefinition } from './define.js';
import { coreToEventsV1, eventsV1ToCore } from './event-conversion.js';
import { defaultCronJob, validateCronJob } from './cron-job.js';
import { podDisruptionBudgetTable, validatePodDisruptionBudget } from './disruption-budget.js';
import { ingressTable, validateIngress } from './ingress.js';
import { defaultPod } from './pod-defaults.js';
import { podTable } from './pod-table.js';
import { defaultPriorityClass, priorityClassTable, validatePriorityClass } from './priority-class.js';
import { validatePod } from './pod-validation.js';
import { defaultReplicationController, replicationControllerTable, validateReplicationController } from './replication-controller.js';
import * as policies from './validating-admission-policy.js';
import { defaultWebhookConfiguration, validateWebhookConfiguration, webhookConfigurationTable } from './webhook-configuration.js';
import { defaultDeployment, defaultJob, defaultReplicaSet } from './workload-defaults.js';
import { cronJobTable, deploymentTable, jobTable, replicaSetTable } from './workload-tables.js';
import { validateDeployment, validateJob, validateReplicaSet } from './workload-validation.js';

type Behaviour = Pick<ResourceDefinition, 'defaults' | 'validate' | 'table' | 'toStorage' | 'fromStorage'>;

const byKind: Record<string, Behaviour> = {
  '/Namespace': { defaults: defaults.defaultNamespace, validate: validation.validateNamespace, table: tables.namespaceTable },
  '/Pod': { defaults: defaultPod, validate: validatePod, table: podTable },
  '/Node': { defaults: defaults.defaultNode, validate: validation.validateNode, table: tables.nodeTable },
  '/Service': { defaults: defaults.defaultService, validate: validation.validateService, table: tables.serviceTable },
  '/Endpoints': { defaults: defaults.defaultEndpoints, validate: validation.validateEndpoints, table: tables.endpointsTable },
  '/ConfigMap': { validate: validation.validateConfigMap, table: tables.configMapTable },
  '/Secret': { defaults: defaults.defaultSecret, validate: validation.validateSecret, table: tables.secretTable },
  '/ServiceAccount': { validate: validation.validateServiceAccount, table: tables.serviceAccountTable },
  '/Event': { defaults: defaults.defaultCoreEvent, validate: validation.validateCoreEvent, table: coreEventTable },
  '/LimitRange': { defaults: defaults.defaultLimitRange, validate: validation.validateLimitRange, table: NAME_CREATED_TABLE },
  '/ReplicationController': { defaults: defaultReplicationController, validate: validateReplicationController, table: replicationControllerTable },
  '/ResourceQuota': { validate: validation.validateResourceQuota, table: tables.resourceQuotaTable },
  'apps/Deployment': { defaults: defaultDeployment, validate: validateDeployment, table: deploymentTable },
  'apps/ReplicaSet': { defaults: defaultReplicaSet, validate: validateReplicaSet, table: replicaSetTable },
  'batch/Job': { defaults: defaultJob, validate: validateJob, table: jobTable },
  'batch/CronJob': { defaults: defaultCronJob, validate: validateCronJob, table: cronJobTable },
  'policy/PodDisruptionBudget': { validate: validatePodDisruptionBudget, table: podDisruptionBudgetTable },
  'networking.k8s.io/Ingress': { validate: validateIngress, table: ingressTable },
  'coordination.k8s.io/Lease': { validate: validateLease, table: leaseTable },
  'discovery.k8s.io/EndpointSlice': { defaults: defaults.defaultEndpointSlice, validate: validateEndpointSlice, table: endpointSliceTable },
  'events.k8s.io/Event': { validate: validateEventsV1, table: eventsV1Table, toStorage: eventsV1ToCore, fromStorage: coreToEventsV1 },
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': { defaults: defaultWebhookConfiguration, validate: validateWebhookConfiguration, table: webhookConfigurationTable },
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': { defaults: defaultWebhookConfiguration, validate: validateWebhookConfiguration, table: webhookConfigurationTable },
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy': { defaults: policies.defaultValidatingAdmissionPolicy, validate: policies.validateValidatingAdmissionPolicy, table: policies.validatingAdmissionPolicyTable },
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding': { defaults: policies.defaultValidatingAdmissionPolicyBinding, validate: policies.validateValidatingAdmissionPolicyBinding, table: policies.validatingAdmissionPolicyBindingTable },
  'rbac.authorization.k8s.io/Role': { validate: roleValidator(true), table: NAME_CREATED_TABLE },
  'rbac.authorization.k8s.io/ClusterRole': { validate: roleValidator(false), table: NAME_CREATED_TABLE },
  'rbac.authorization.k8s.io/RoleBinding': { defaults: defaults.defaultRoleBinding, validate: bindingValidator(false), table: roleBindingTable },
  'rbac.authorization.k8s.io/ClusterRoleBinding': { defaults: defaults.defaultRoleBinding, validate: bindingValidator(true), table: roleBindingTable },
  'scheduling.k8s.io/PriorityClass': { defaults: defaultPriorityClass, validate: validatePriorityClass, table: priorityClassTable },
  'apiextensions.k8s.io/CustomResourceDefinition': { defaults: defaults.defaultCustomResourceDefinition, validate: validateCustomResourceDefinition },
};

export function behaviours(group: string, kind: string): Behaviour {
  return byKind[`${group}/${kind}`] ?? {};
}
