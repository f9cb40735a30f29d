// Deployment, ReplicaSet, Job and CronJob tables as kube's printers compute them.
import type { KubeObject } from '../schema/types.js';
import { ageOf, AGE_COLUMN, column, NAME_COLUMN, nameOf, type TableDefinition } from './define.js';
import { ageSince, humanDuration } from './human-duration.js';
import { numberAt, recordAt, recordsAt, stringAt } from './json-access.js';
import { selectorString } from './label-selector.js';

const wide = { priority: 1 };
const integer = { type: 'integer' as const };
const count = (obj: KubeObject, section: 'spec' | 'status', field: string) => numberAt(recordAt(obj, section), field) ?? 0;

/** The Containers and Images wide columns every workload printer shows. */
export const TEMPLATE_COLUMNS = [
  column('Containers', 'Names of each container in the template.', wide),
  column('Images', 'Images referenced by each container in the template.', wide),
];

const CONTAINER_COLUMNS = [
  ...TEMPLATE_COLUMNS,
  column('Selector', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.', wide),
];

/**
 * layoutContainerCells plus the selector: the three wide cells every workload prints. Deployments
 * print the selector as is; replica sets and jobs through FormatLabelSelector, '<none>' when empty.
 */
function templateCells(obj: KubeObject, emptySelector: '' | '<none>'): string[] {
  return specTemplateCells(recordAt(obj, 'spec'), emptySelector);
}

/** layoutContainerCells: the template's container names and images, comma-separated. */
export function containerCells(spec: Record<string, unknown> | undefined): [string, string] {
  const containers = recordsAt(recordAt(recordAt(spec, 'template'), 'spec'), 'containers');
  return [containers.map((c) => stringAt(c, 'name') ?? '').join(','), containers.map((c) => stringAt(c, 'image') ?? '').join(',')];
}

function specTemplateCells(spec: Record<string, unknown> | undefined, emptySelector: '' | '<none>'): string[] {
  return [...containerCells(spec), selectorString(recordAt(spec, 'selector')) || emptySelector];
}

export const deploymentTable: TableDefinition = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'Number of the pod with ready state'),
    column('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    column('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    AGE_COLUMN,
    ...CONTAINER_COLUMNS,
  ],
  row: (obj, now) => [
    nameOf(obj),
    `${count(obj, 'status', 'readyReplicas')}/${count(obj, 'spec', 'replicas')}`,
    count(obj, 'status', 'updatedReplicas'),
    count(obj, 'status', 'availableReplicas'),
    ageOf(obj, now),
    ...templateCells(obj, ''),
  ],
};

export const replicaSetTable: TableDefinition = {
  columns: [
    NAME_COLUMN,
    column('Desired', 'Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified. Defaults to 1.', integer),
    column('Current', 'Replicas is the most recently observed number of replicas.', integer),
    column('Ready', 'The number of ready replicas for this replica set.', integer),
    AGE_COLUMN,
    ...CONTAINER_COLUMNS,
  ],
  row: (obj, now) => [
    nameOf(obj),
    count(obj, 'spec', 'replicas'),
    count(obj, 'status', 'replicas'),
    count(obj, 'status', 'readyReplicas'),
    ageOf(obj, now),
    ...templateCells(obj, '<none>'),
  ],
};

/** The first condition of the type decides, as hasJobCondition reads them. */
const hasCondition = (job: KubeObject, type: string) =>
  recordsAt(recordAt(job, 'status'), 'conditions').find((c) => c.type === type)?.status === 'True';

function jobStatus(job: KubeObject): string {
  if (hasCondition(job, 'Complete')) return 'Complete';
  if (hasCondition(job, 'Failed')) return 'Failed';
  if (job.metadata?.deletionTimestamp) return 'Terminating';
  if (hasCondition(job, 'Suspended')) return 'Suspended';
  if (hasCondition(job, 'FailureTarget')) return 'FailureTarget';
  if (hasCondition(job, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

function jobCompletions(job: KubeObject): string {
  const spec = recordAt(job, 'spec');
  const succeeded = count(job, 'status', 'succeeded');
  const completions = numberAt(spec, 'completions');
  const parallelism = numberAt(spec, 'parallelism');
  if (completions !== undefined) return `${succeeded}/${completions}`;
  if (parallelism !== undefined && parallelism > 1) return `${succeeded}/1 of ${parallelism}`;
  return `${succeeded}/1`;
}

function jobDuration(job: KubeObject, now: Date): string {
  const status = recordAt(job, 'status');
  const start = Date.parse(stringAt(status, 'startTime') ?? '');
  if (Number.isNaN(start)) return '';
  const end = Date.parse(stringAt(status, 'completionTime') ?? '');
  return humanDuration((Number.isNaN(end) ? now.getTime() : end) - start);
}

export const jobTable: TableDefinition = {
  columns: [
    NAME_COLUMN,
    column('Status', 'Status of the job.'),
    column('Completions', 'The completion status of the job.'),
    column('Duration', 'Time required to complete the job.'),
    AGE_COLUMN,
    ...CONTAINER_COLUMNS,
  ],
  row: (obj, now) => [nameOf(obj), jobStatus(obj), jobCompletions(obj), jobDuration(obj, now), ageOf(obj, now), ...templateCells(obj, '<none>')],
};

export const cronJobTable: TableDefinition = {
  columns: [
    NAME_COLUMN,
    column('Schedule', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.'),
    column('Timezone', 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.'),
    column('Suspend', 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.', { type: 'boolean' }),
    column('Active', 'A list of pointers to currently running jobs.', integer),
    column('Last Schedule', 'Information when was the last time the job was successfully scheduled.'),
    AGE_COLUMN,
    ...CONTAINER_COLUMNS,
  ],
  row: (obj, now) => {
    const spec = recordAt(obj, 'spec');
    const status = recordAt(obj, 'status');
    const last = stringAt(status, 'lastScheduleTime');
    return [
      nameOf(obj),
      stringAt(spec, 'schedule') ?? '',
      stringAt(spec, 'timeZone') ?? '<none>',
      // printBoolPtr: a string cell, True/False (<unset> when absent), unlike a plain bool column.
      typeof spec?.suspend === 'boolean' ? (spec.suspend ? 'True' : 'False') : '<unset>',
      recordsAt(status, 'active').length,
      last ? ageSince(last, now) : '<none>',
      ageOf(obj, now),
      ...specTemplateCells(recordAt(recordAt(spec, 'jobTemplate'), 'spec'), '<none>'),
    ];
  },
};
