// batch/v1 CronJob defaulting and validation (SetDefaults_CronJob, ValidateCronJob).
import { parseStandard } from '../../shared/cron/cron-schedule.js';
import { TimeZone } from '../../shared/cron/time-zone.js';
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

/** validateScheduleFormat: robfig's parser decides, and a TZ in the schedule is kept only by updates of one that had it. */
function validateSchedule(schedule: string, oldSchedule: string | undefined, timeZone: string | undefined): FieldCause[] {
  const causes: FieldCause[] = [];
  try {
    parseStandard(schedule);
  } catch (error) {
    causes.push(invalid('spec.schedule', schedule, (error as Error).message));
  }
  const allowTZ = oldSchedule?.includes('TZ') ?? false;
  if (allowTZ && schedule.includes('TZ') && timeZone !== undefined) causes.push(invalid('spec.schedule', schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
  else if (!allowTZ && schedule.includes('TZ')) causes.push(invalid('spec.schedule', schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  return causes;
}

// The characters an IANA zone name's components may use (digits and + tolerated for legacy names).
const TIME_ZONE_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

/** validateTimeZone: a name time.LoadLocation knows, never "Local". */
function validateTimeZone(timeZone: string): FieldCause[] {
  if (timeZone === '') return [invalid('spec.timeZone', timeZone, 'timeZone must be nil or non-empty string')];
  if (timeZone.split('/').some((part) => part === '.' || part === '..' || part.startsWith('-') || !TIME_ZONE_PART.test(part))) {
    return [invalid('spec.timeZone', timeZone, `unknown time zone ${timeZone}`)];
  }
  const causes: FieldCause[] = [];
  if (timeZone.toLowerCase() === 'local') causes.push(invalid('spec.timeZone', timeZone, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  try {
    TimeZone.load(timeZone);
  } catch (error) {
    causes.push(invalid('spec.timeZone', timeZone, (error as Error).message));
  }
  return causes;
}

export function validateCronJob(cronJob: KubeObject, old?: KubeObject): FieldCause[] {
  // A CronJob's name must leave room for the 11-character suffix of the jobs it creates.
  const causes = validateObjectMeta(cronJob, true, (name) => [...dns1123Subdomain(name), ...(name.length > 52 ? ['must be no more than 52 characters'] : [])]);
  const spec = recordAt(cronJob, 'spec') ?? {};
  const oldSpec = recordAt(old, 'spec');
  const schedule = stringAt(spec, 'schedule') ?? '';
  const timeZone = stringAt(spec, 'timeZone');
  if (schedule === '') causes.push(required('spec.schedule'));
  else causes.push(...validateSchedule(schedule, stringAt(oldSpec, 'schedule'), timeZone));
  // As kube, an unchanged zone is not checked again (the zone database may have dropped it since).
  if (timeZone !== undefined && (oldSpec === undefined || timeZone !== stringAt(oldSpec, 'timeZone'))) causes.push(...validateTimeZone(timeZone));
  const policy = stringAt(spec, 'concurrencyPolicy');
  if (policy !== undefined && !CONCURRENCY.includes(policy)) causes.push(notSupported('spec.concurrencyPolicy', policy, CONCURRENCY));
  const jobSpec = recordAt(recordAt(spec, 'jobTemplate'), 'spec');
  const template = recordAt(jobSpec, 'template');
  causes.push(...validatePodTemplate(template, 'spec.jobTemplate.spec.template'));
  const restartPolicy = stringAt(recordAt(template, 'spec'), 'restartPolicy') ?? '';
  if (template && !RESTART.includes(restartPolicy)) causes.push(notSupported('spec.jobTemplate.spec.template.spec.restartPolicy', restartPolicy, RESTART));
  return causes;
}
