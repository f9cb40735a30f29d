// core/v1 ReplicationController: SetDefaults_ReplicationController, ValidateReplicationController and
// printReplicationController, as kube-apiserver 1.32 has them.
import { child, invalid, nonNegative, notSupported, required } from '../schema/field-errors.js';
import { dns1123Subdomain } from '../schema/name-rules.js';
import { validateObjectMeta } from '../schema/object-meta-validation.js';
import type { FieldCause, KubeObject } from '../schema/types.js';
import { formatLabels } from './core-tables.js';
import { ageOf, AGE_COLUMN, column, NAME_COLUMN, nameOf, type TableDefinition } from './define.js';
import { goStringMap } from './go-values.js';
import { numberAt, objectAt, recordAt, stringAt, type Json } from './json-access.js';
import { defaultTemplate } from './pod-defaults.js';
import { validatePodTemplate } from './pod-validation.js';
import { containerCells, TEMPLATE_COLUMNS } from './workload-tables.js';

const MORE_INFO = 'More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller';

const hasEntries = (map: Json | undefined): map is Json => map !== undefined && Object.keys(map).length > 0;

/** An empty selector and empty object labels both take the template's labels; replicas default to 1. */
export function defaultReplicationController(rc: KubeObject): void {
  const spec = objectAt(rc as Json, 'spec');
  const templateLabels = recordAt(recordAt(recordAt(spec, 'template'), 'metadata'), 'labels');
  if (hasEntries(templateLabels)) {
    if (!hasEntries(recordAt(spec, 'selector'))) spec.selector = { ...templateLabels };
    const meta = objectAt(rc as Json, 'metadata');
    if (!hasEntries(recordAt(meta, 'labels'))) meta.labels = { ...templateLabels };
  }
  if (typeof spec.replicas !== 'number') spec.replicas = 1;
  defaultTemplate(spec);
}

/** A plain label map selects a label set when every pair is in it. */
const selects = (selector: Json, labels: Json | undefined) => Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** ValidatePodTemplateSpecForRC: the template's labels match the selector, it restarts Always and has no deadline. */
function validateTemplate(template: Json | undefined, selector: Json | undefined, path: string): FieldCause[] {
  if (!template) return [required(path)];
  const causes: FieldCause[] = [];
  const labels = recordAt(recordAt(template, 'metadata'), 'labels');
  if (hasEntries(selector) && !selects(selector, labels)) {
    causes.push(invalid(`${path}.metadata.labels`, goStringMap(labels), '`selector` does not match template `labels`'));
  }
  causes.push(...validatePodTemplate(template, path));
  const podSpec = recordAt(template, 'spec');
  const restartPolicy = stringAt(podSpec, 'restartPolicy') ?? '';
  if (restartPolicy !== 'Always') causes.push(notSupported(`${path}.spec.restartPolicy`, restartPolicy, ['Always']));
  const deadline = podSpec?.activeDeadlineSeconds;
  if (deadline !== undefined && deadline !== null) causes.push(invalid(`${path}.spec.activeDeadlineSeconds`, deadline, 'must not be specified'));
  return causes;
}

/** Creates and updates alike: unlike a ReplicaSet's, the selector may change. */
export function validateReplicationController(rc: KubeObject): FieldCause[] {
  const causes = validateObjectMeta(rc, true, dns1123Subdomain);
  const spec = recordAt(rc, 'spec') ?? {};
  nonNegative(spec, 'minReadySeconds', 'spec', causes);
  const selector = recordAt(spec, 'selector');
  if (!hasEntries(selector)) causes.push(required(child('spec', 'selector')));
  nonNegative(spec, 'replicas', 'spec', causes);
  causes.push(...validateTemplate(recordAt(spec, 'template'), selector, 'spec.template'));
  return causes;
}

const integer = { type: 'integer' as const };

export const replicationControllerTable: TableDefinition = {
  columns: [
    NAME_COLUMN,
    column('Desired', `Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1. ${MORE_INFO}`, integer),
    column('Current', `Replicas is the most recently observed number of replicas. ${MORE_INFO}`, integer),
    column('Ready', 'The number of ready replicas for this replication controller.', integer),
    AGE_COLUMN,
    ...TEMPLATE_COLUMNS,
    column(
      'Selector',
      'Selector is a label query over pods that should match the Replicas count. If Selector is empty, it is defaulted to the labels present on the Pod template. Label keys and values that must match in order to be controlled by this replication controller, if empty defaulted to labels on Pod template. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
      { priority: 1 },
    ),
  ],
  row: (obj, now) => {
    const spec = recordAt(obj, 'spec');
    const status = recordAt(obj, 'status');
    return [
      nameOf(obj),
      numberAt(spec, 'replicas') ?? 0,
      numberAt(status, 'replicas') ?? 0,
      numberAt(status, 'readyReplicas') ?? 0,
      ageOf(obj, now),
      ...containerCells(spec),
      formatLabels(recordAt(spec, 'selector')),
    ];
  },
};
