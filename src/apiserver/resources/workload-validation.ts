// apps/v1 Deployment and ReplicaSet, batch/v1 Job validation (pkg/apis/apps/validation,
// pkg/apis/batch/validation) with kube-apiserver's messages.
import { child, forbidden, immutable, invalid, nonNegative, notSupported, RawValue, required } from '../schema/field-errors.js';
import { dns1123Subdomain } from '../schema/name-rules.js';
import { validateObjectMeta } from '../schema/object-meta-validation.js';
import type { FieldCause, KubeObject } from '../schema/types.js';
import { goLabelSelector, goStringMap } from './go-values.js';
import { jsonEqual, recordAt, stringAt, type Json } from './json-access.js';
import { selectorIsEmpty, selectorMatches, validateLabelSelector } from './label-selector.js';
import { validateJobPolicies } from './job-policy-validation.js';
import { validatePodTemplate } from './pod-validation.js';

const PERCENT = /^[0-9]+%$/;



/** The selector and the template's labels, checked as ValidatePodTemplateSpecForReplicaSet and its callers do. */
function validateSelectorAndTemplate(spec: Json, path: string, owner: string, allowedRestart: readonly string[], causes: FieldCause[]): void {
  const selector = recordAt(spec, 'selector');
  const selectorPath = child(path, 'selector');
  if (!selector) causes.push(required(selectorPath));
  else {
    causes.push(...validateLabelSelector(selector, selectorPath));
    if (owner && selectorIsEmpty(selector)) causes.push(invalid(selectorPath, goLabelSelector(selector), `empty selector is invalid for ${owner}`));
  }
  const template = recordAt(spec, 'template');
  const templatePath = child(path, 'template');
  if (!template) {
    causes.push(required(templatePath));
    return;
  }
  const labels = recordAt(recordAt(template, 'metadata'), 'labels');
  if (!(selector && selectorIsEmpty(selector)) && !selectorMatches(selector, labels)) {
    causes.push(invalid(`${templatePath}.metadata.labels`, goStringMap(labels), '`selector` does not match template `labels`'));
  }
  causes.push(...validatePodTemplate(template, templatePath));
  const restartPolicy = stringAt(recordAt(template, 'spec'), 'restartPolicy') ?? '';
  if (!allowedRestart.includes(restartPolicy)) causes.push(notSupported(`${templatePath}.spec.restartPolicy`, restartPolicy, allowedRestart));
  if (owner && recordAt(template, 'spec')?.activeDeadlineSeconds !== undefined) {
    const value = recordAt(template, 'spec')?.activeDeadlineSeconds;
    causes.push(invalid(`${templatePath}.spec.activeDeadlineSeconds`, value, 'activeDeadlineSeconds in ReplicaSet is not Supported'));
  }
}

export function validateIntOrPercent(value: unknown, path: string, causes: FieldCause[]): number | undefined {
  if (typeof value === 'number') {
    if (value < 0) causes.push(invalid(path, value, 'must be greater than or equal to 0'));
    return value;
  }
  if (typeof value === 'string') {
    if (!PERCENT.test(value)) {
      causes.push(invalid(path, value, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
      return undefined;
    }
    return Number(value.slice(0, -1));
  }
  return undefined;
}

function validateStrategy(spec: Json, causes: FieldCause[]): void {
  const strategy = recordAt(spec, 'strategy');
  const path = 'spec.strategy';
  const rolling = recordAt(strategy, 'rollingUpdate');
  const type = stringAt(strategy, 'type');
  if (type === 'Recreate') {
    if (rolling) causes.push(forbidden(child(path, 'rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'"));
  } else if (type === 'RollingUpdate') {
    if (!rolling) causes.push(required(child(path, 'rollingUpdate'), 'this should be defaulted and never be nil'));
    else {
      const at = child(path, 'rollingUpdate');
      const unavailable = validateIntOrPercent(rolling.maxUnavailable, child(at, 'maxUnavailable'), causes);
      const surge = validateIntOrPercent(rolling.maxSurge, child(at, 'maxSurge'), causes);
      if (typeof rolling.maxUnavailable === 'string' && (unavailable ?? 0) > 100) causes.push(invalid(child(at, 'maxUnavailable'), rolling.maxUnavailable, 'must not be greater than 100%'));
      if (unavailable === 0 && surge === 0) causes.push(invalid(child(at, 'maxUnavailable'), rolling.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
    }
  } else {
    causes.push(notSupported(child(path, 'type'), type ?? '', ['Recreate', 'RollingUpdate']));
  }
}

function selectorImmutable(obj: KubeObject, old: KubeObject | undefined, causes: FieldCause[]): void {
  if (!old) return;
  const selector = recordAt(recordAt(obj, 'spec'), 'selector');
  if (!jsonEqual(selector, recordAt(recordAt(old, 'spec'), 'selector'))) causes.push(immutable('spec.selector', goLabelSelector(selector)));
}

export function validateDeployment(deployment: KubeObject, old: KubeObject | undefined): FieldCause[] {
  const causes = validateObjectMeta(deployment, true, dns1123Subdomain);
  const spec = recordAt(deployment, 'spec') ?? {};
  for (const field of ['replicas', 'minReadySeconds', 'revisionHistoryLimit', 'progressDeadlineSeconds']) nonNegative(spec, field, 'spec', causes);
  validateSelectorAndTemplate(spec, 'spec', 'deployment', ['Always'], causes);
  validateStrategy(spec, causes);
  const deadline = spec.progressDeadlineSeconds;
  if (typeof deadline === 'number' && deadline <= Number(spec.minReadySeconds ?? 0)) {
    causes.push(invalid('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'));
  }
  selectorImmutable(deployment, old, causes);
  return causes;
}

export function validateReplicaSet(replicaSet: KubeObject, old: KubeObject | undefined): FieldCause[] {
  const causes = validateObjectMeta(replicaSet, true, dns1123Subdomain);
  const spec = recordAt(replicaSet, 'spec') ?? {};
  for (const field of ['replicas', 'minReadySeconds']) nonNegative(spec, field, 'spec', causes);
  validateSelectorAndTemplate(spec, 'spec', 'deployment', ['Always'], causes);
  selectorImmutable(replicaSet, old, causes);
  return causes;
}

export function validateJob(job: KubeObject, old: KubeObject | undefined): FieldCause[] {
  const causes = validateObjectMeta(job, true, dns1123Subdomain);
  const spec = recordAt(job, 'spec') ?? {};
  for (const field of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished']) nonNegative(spec, field, 'spec', causes);
  validateSelectorAndTemplate(spec, 'spec', '', ['OnFailure', 'Never'], causes);
  const mode = stringAt(spec, 'completionMode');
  if (mode !== undefined && mode !== 'NonIndexed' && mode !== 'Indexed') causes.push(notSupported('spec.completionMode', mode, ['NonIndexed', 'Indexed']));
  if (mode === 'Indexed' && spec.completions === undefined) causes.push(required('spec.completions', 'when completion mode is Indexed'));
  const uid = job.metadata?.uid;
  if (spec.manualSelector !== true && uid && !old) {
    const selector = recordAt(spec, 'selector');
    if (stringAt(recordAt(selector, 'matchLabels'), 'batch.kubernetes.io/controller-uid') !== uid) {
      causes.push(invalid('spec.selector', goLabelSelector(selector), '`selector` not auto-generated'));
    }
  }
  if (old) {
    const oldSpec = recordAt(old, 'spec') ?? {};
    selectorImmutable(job, old, causes);
    if (!jsonEqual(spec.completionMode, oldSpec.completionMode)) causes.push(immutable('spec.completionMode', spec.completionMode));
    if (mode !== 'Indexed' && !jsonEqual(spec.completions, oldSpec.completions)) causes.push(immutable('spec.completions', spec.completions));
    // A suspended job that never started may change its template's scheduling directives; other changes are not allowed.
    if (oldSpec.suspend !== true && !jsonEqual(spec.template, oldSpec.template)) causes.push(immutable('spec.template', new RawValue('core.PodTemplateSpec{...}')));
  }
  causes.push(...validateJobPolicies(spec, old ? (recordAt(old, 'spec') ?? {}) : undefined));
  return causes;
}
