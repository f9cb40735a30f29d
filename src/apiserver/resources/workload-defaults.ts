// apps/v1 and batch/v1 defaulting (SetDefaults_Deployment, _ReplicaSet, _Job) and the Job strategy's
// generated selector.
import type { KubeObject } from '../schema/types.js';
import { objectAt, recordAt, setDefault, type Json } from './json-access.js';
import { defaultTemplate } from './pod-defaults.js';

export function defaultDeployment(deployment: KubeObject): void {
  const spec = objectAt(deployment as Json, 'spec');
  setDefault(spec, 'replicas', 1);
  const strategy = objectAt(spec, 'strategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const rolling = objectAt(strategy, 'rollingUpdate');
    setDefault(rolling, 'maxUnavailable', '25%');
    setDefault(rolling, 'maxSurge', '25%');
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultTemplate(spec);
}

export function defaultReplicaSet(replicaSet: KubeObject): void {
  const spec = objectAt(replicaSet as Json, 'spec');
  setDefault(spec, 'replicas', 1);
  defaultTemplate(spec);
}

const JOB_LABELS = ['batch.kubernetes.io/controller-uid', 'batch.kubernetes.io/job-name', 'controller-uid', 'job-name'] as const;

export function defaultJob(job: KubeObject, old: KubeObject | undefined): void {
  const spec = objectAt(job as Json, 'spec');
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setDefault(spec, 'parallelism', 1);
  // Per-index backoff makes the global limit unbounded (MaxInt32).
  setDefault(spec, 'backoffLimit', spec.backoffLimitPerIndex === undefined ? 6 : 2147483647);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'podReplacementPolicy', recordAt(spec, 'podFailurePolicy') ? 'Failed' : 'TerminatingOrFailed');
  defaultTemplate(spec);
  if (!old && spec.manualSelector !== true) generateJobSelector(job, spec);
}

/** The Job strategy labels the template with the job's uid and name and selects on the uid (needs metadata.uid). */
function generateJobSelector(job: KubeObject, spec: Json): void {
  const uid = job.metadata?.uid;
  const name = job.metadata?.name ?? '';
  if (!uid) return;
  const template = objectAt(spec, 'template');
  const labels = objectAt(objectAt(template, 'metadata'), 'labels');
  const values = [uid, name, uid, name];
  JOB_LABELS.forEach((label, i) => setDefault(labels, label, values[i]));
  if (!recordAt(spec, 'selector')) spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
}
