// batch/v1 CronJob defaulting and validation (SetDefaults_CronJob, ValidateCronJob).
import { invalid, notSupported, required } from '../schema/field-errors.js';
import { dns1123Subdomain } from '../schema/name-rules.js';
import { validateObjectMeta } from '../schema/object-meta-validation.js';
import type { FieldCause, KubeObject } from '../schema/types.js';
import { objectAt, recordAt, setDefault, stringAt, type Json } from './json-access.js';
import { defaultTemplate } from './pod-defaults.js';
import { validatePodTemplate } from './pod-validation.js';

const CONCURRENCY = ['Allow', 'Forbid', 'Replace'];
const RESTART = ['OnFailure', 'Never'];

export function defaultCronJob(cronJob: KubeObject): void {
  const spec = objectAt(cronJob as Json, 'spec');
  setDefault(spec, 'concurrencyPolicy', 'Allow');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'successfulJobsHistoryLimit', 3);
  setDefault(spec, 'failedJobsHistoryLimit', 1);
  defaultTemplate(recordAt(recordAt(spec, 'jobTemplate'), 'spec'));
}

/** Five standard cron fields, or one of the @ macros robfig/cron accepts. */
const SCHEDULE = /^(@(yearly|annually|monthly|weekly|daily|midnight|hourly|every .+)|(TZ=\S+\s+)?\S+(\s+\S+){4})$/;

export function validateCronJob(cronJob: KubeObject): FieldCause[] {
  // A CronJob's name must leave room for the 11-character suffix of the jobs it creates.
  const causes = validateObjectMeta(cronJob, true, (name) => [...dns1123Subdomain(name), ...(name.length > 52 ? ['must be no more than 52 characters'] : [])]);
  const spec = recordAt(cronJob, 'spec') ?? {};
  const schedule = stringAt(spec, 'schedule') ?? '';
  if (schedule === '') causes.push(required('spec.schedule'));
  else if (!SCHEDULE.test(schedule.trim())) causes.push(invalid('spec.schedule', schedule, `unparseable schedule: expected exactly 5 fields, found ${schedule.trim().split(/\s+/).length}`));
  const policy = stringAt(spec, 'concurrencyPolicy');
  if (policy !== undefined && !CONCURRENCY.includes(policy)) causes.push(notSupported('spec.concurrencyPolicy', policy, CONCURRENCY));
  const jobSpec = recordAt(recordAt(spec, 'jobTemplate'), 'spec');
  const template = recordAt(jobSpec, 'template');
  causes.push(...validatePodTemplate(template, 'spec.jobTemplate.spec.template'));
  const restartPolicy = stringAt(recordAt(template, 'spec'), 'restartPolicy') ?? '';
  if (template && !RESTART.includes(restartPolicy)) causes.push(notSupported('spec.jobTemplate.spec.template.spec.restartPolicy', restartPolicy, RESTART));
  return causes;
}
