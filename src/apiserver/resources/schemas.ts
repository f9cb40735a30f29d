// The OpenAPI components of every served kind, keyed as kube-apiserver names them, with a
// `<Kind>List` component for each resource.
import { listSchema } from '../schema/dsl.js';
import type { SchemaNode } from '../schema/types.js';
import { BUILTIN_DEFINITIONS } from './catalog.js';
import { admissionPolicySchemas } from './schemas/admission-policy.js';
import { admissionRegistrationSchemas } from './schemas/admissionregistration.js';
import { apiextensionsSchemas } from './schemas/apiextensions.js';
import { clusterSchemas } from './schemas/cluster.js';
import { configSchemas } from './schemas/config.js';
import { containerSchemas } from './schemas/container.js';
import { ingressSchemas } from './schemas/ingress.js';
import { metaSchemas, operationSchemas } from './schemas/meta.js';
import { nodeSchemas } from './schemas/node.js';
import { podSchemas } from './schemas/pod.js';
import { policySchemas } from './schemas/policy.js';
import { priorityClassSchemas } from './schemas/priority.js';
import { replicationControllerSchemas } from './schemas/replication-controller.js';
import { reviewSchemas } from './schemas/reviews.js';
import { schedulingSchemas } from './schemas/scheduling.js';
import { serviceSchemas } from './schemas/service.js';
import { volumeSchemas } from './schemas/volume.js';
import { workloadSchemas } from './schemas/workloads.js';

let cached: Record<string, SchemaNode> | undefined;

/** The components; built once and shared, so callers must not mutate them. */
export function builtinSchemas(): Record<string, SchemaNode> {
  cached ??= build();
  return cached;
}

function build(): Record<string, SchemaNode> {
  const components: Record<string, SchemaNode> = {
    ...metaSchemas,
    ...operationSchemas,
    ...containerSchemas,
    ...volumeSchemas,
    ...schedulingSchemas,
    ...podSchemas,
    ...nodeSchemas,
    ...serviceSchemas,
    ...configSchemas,
    ...workloadSchemas,
    ...replicationControllerSchemas,
    ...clusterSchemas,
    ...apiextensionsSchemas,
    ...priorityClassSchemas,
    ...policySchemas,
    ...ingressSchemas,
    ...admissionRegistrationSchemas,
    ...admissionPolicySchemas,
    ...reviewSchemas,
  };
  for (const { group, version, kind, schemaName } of BUILTIN_DEFINITIONS) {
    components[`${schemaName}List`] = listSchema({ group, version, kind: `${kind}List` }, schemaName);
  }
  return components;
}
