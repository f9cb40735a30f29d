// Webhook configurations' defaults and validation (pkg/apis/admissionregistration/v1 defaults.go and
// validation.go, the parts that decide whether a webhook can be called at all).
import { compileWebhookConditions } from '../cel/policy-programs.js';
import { child, index, invalid, notSupported, required } from '../schema/field-errors.js';
import type { FieldCause, KubeObject } from '../schema/types.js';
import { ageOf, AGE_COLUMN, column, NAME_COLUMN, nameOf, type TableDefinition } from './define.js';
import { recordsAt } from './json-access.js';

type Json = Record<string, unknown>;

const webhooksOf = (obj: KubeObject): Json[] => (Array.isArray(obj['webhooks']) ? (obj['webhooks'] as Json[]) : []);

export function defaultWebhookConfiguration(obj: KubeObject): void {
  for (const webhook of webhooksOf(obj)) {
    webhook['failurePolicy'] ??= 'Fail';
    webhook['matchPolicy'] ??= 'Equivalent';
    webhook['namespaceSelector'] ??= {};
    webhook['objectSelector'] ??= {};
    webhook['timeoutSeconds'] ??= 10;
    if (obj.kind === 'MutatingWebhookConfiguration') webhook['reinvocationPolicy'] ??= 'Never';
    for (const rule of Array.isArray(webhook['rules']) ? (webhook['rules'] as Json[]) : []) rule['scope'] ??= '*';
    const service = (webhook['clientConfig'] as Json | undefined)?.['service'] as Json | undefined;
    if (service) service['port'] ??= 443;
  }
}

export function validateWebhookConfiguration(obj: KubeObject): FieldCause[] {
  const causes: FieldCause[] = [];
  webhooksOf(obj).forEach((webhook, i) => {
    const path = index('webhooks', i);
    const config = (webhook['clientConfig'] as Json | undefined) ?? {};
    if ((config['url'] === undefined) === (config['service'] === undefined)) causes.push(required(child(path, 'clientConfig'), 'exactly one of url or service is required'));
    const sideEffects = webhook['sideEffects'];
    if (sideEffects === undefined) causes.push(required(child(path, 'sideEffects'), 'must specify one of None, NoneOnDryRun'));
    else if (sideEffects !== 'None' && sideEffects !== 'NoneOnDryRun') causes.push(notSupported(child(path, 'sideEffects'), sideEffects, ['None', 'NoneOnDryRun']));
    const versions = webhook['admissionReviewVersions'];
    if (!Array.isArray(versions) || versions.length === 0) causes.push(required(child(path, 'admissionReviewVersions'), 'must specify one of v1, v1beta1'));
    if (!['Fail', 'Ignore'].includes(webhook['failurePolicy'] as string)) causes.push(notSupported(child(path, 'failurePolicy'), webhook['failurePolicy'], ['Fail', 'Ignore']));
    for (const issue of compileWebhookConditions(path, recordsAt(webhook, 'matchConditions')).issues) causes.push(invalid(issue.path, issue.expression, issue.error));
  });
  return causes;
}

/** kube's printer: the configuration's name, how many webhooks it has, and its age. */
export const webhookConfigurationTable: TableDefinition = {
  columns: [NAME_COLUMN, column('Webhooks', 'Webhooks indicates the number of webhooks in the configuration.', { type: 'integer' }), AGE_COLUMN],
  row: (obj, now) => [nameOf(obj), webhooksOf(obj).length, ageOf(obj, now)],
};
