// ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding defaults, validation (with the CEL
// compile errors kube reports on the expression's field) and tables
// (pkg/apis/admissionregistration/v1 defaults.go and validation.go, pkg/printers/internalversion).
import { compilePolicy } from '../cel/policy-programs.js';
import { child, duplicate, forbidden, index, invalid, notSupported, RawValue, required } from '../schema/field-errors.js';
import type { FieldCause, KubeObject } from '../schema/types.js';
import { ageOf, AGE_COLUMN, column, NAME_COLUMN, nameOf, type TableDefinition } from './define.js';
import { recordAt, recordsAt, stringAt } from './json-access.js';
import { selectorString, validateLabelSelector } from './label-selector.js';

type Json = Record<string, unknown>;

const specOf = (obj: KubeObject): Json | undefined => recordAt(obj, 'spec');
// Sorted, as kube's sets list them in its messages.
const REASONS = ['Forbidden', 'Invalid', 'RequestEntityTooLarge', 'Unauthorized'];
const ACTIONS = ['Audit', 'Deny', 'Warn'];
const CEL_IDENTIFIER = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

function defaultMatchResources(match: Json | undefined): void {
  if (!match) return;
  match['matchPolicy'] ??= 'Equivalent';
  match['namespaceSelector'] ??= {};
  match['objectSelector'] ??= {};
  for (const rule of [...recordsAt(match, 'resourceRules'), ...recordsAt(match, 'excludeResourceRules')]) rule['scope'] ??= '*';
}

export function defaultValidatingAdmissionPolicy(obj: KubeObject): void {
  const spec = specOf(obj);
  if (!spec) return;
  spec['failurePolicy'] ??= 'Fail';
  defaultMatchResources(spec['matchConstraints'] as Json | undefined);
}

export function defaultValidatingAdmissionPolicyBinding(obj: KubeObject): void {
  const spec = specOf(obj);
  if (!spec) return;
  defaultMatchResources(spec['matchResources'] as Json | undefined);
  const paramRef = spec['paramRef'] as Json | undefined;
  if (paramRef) paramRef['parameterNotFoundAction'] ??= 'Deny';
}

function validateMatchResources(match: Json, path: string): FieldCause[] {
  const causes = [...validateLabelSelector(match['namespaceSelector'] as Json | undefined, child(path, 'namespaceSelector')), ...validateLabelSelector(match['objectSelector'] as Json | undefined, child(path, 'objectSelector'))];
  if (!['Exact', 'Equivalent'].includes(match['matchPolicy'] as string)) causes.push(notSupported(child(path, 'matchPolicy'), match['matchPolicy'], ['Equivalent', 'Exact']));
  return causes;
}

function validateExpressions(spec: Json): FieldCause[] {
  const causes: FieldCause[] = [];
  recordsAt(spec, 'validations').forEach((v, i) => {
    const path = index('spec.validations', i);
    if (typeof v['expression'] !== 'string' || v['expression'].trim() === '') causes.push(required(child(path, 'expression'), 'expression is not specified'));
    if (typeof v['message'] === 'string' && v['message'].includes('\n')) causes.push(invalid(child(path, 'message'), v['message'], 'message must not contain line breaks'));
    if (v['reason'] !== undefined && !REASONS.includes(v['reason'] as string)) causes.push(notSupported(child(path, 'reason'), v['reason'], REASONS));
  });
  recordsAt(spec, 'variables').forEach((v, i) => {
    const path = index('spec.variables', i);
    if (typeof v['name'] !== 'string' || v['name'] === '') causes.push(required(child(path, 'name'), 'name is not specified'));
    else if (!CEL_IDENTIFIER.test(v['name'])) causes.push(invalid(child(path, 'name'), v['name'], 'name is not a valid CEL identifier'));
    if (typeof v['expression'] !== 'string' || v['expression'].trim() === '') causes.push(required(child(path, 'expression'), 'expression is not specified'));
  });
  const keys: string[] = [];
  recordsAt(spec, 'auditAnnotations').forEach((a, i) => {
    const path = index('spec.auditAnnotations', i);
    const key = stringAt(a, 'key') ?? '';
    if (key === '') causes.push(required(child(path, 'key')));
    else if (keys.includes(key)) causes.push(duplicate(child(path, 'key'), key));
    keys.push(key);
    if ((stringAt(a, 'valueExpression') ?? '').trim() === '') causes.push(required(child(path, 'valueExpression'), 'valueExpression is not specified'));
  });
  for (const issue of compilePolicy(spec).issues) causes.push(invalid(issue.path, issue.expression, issue.error));
  return causes;
}

export function validateValidatingAdmissionPolicy(obj: KubeObject): FieldCause[] {
  const spec = specOf(obj) ?? {};
  const causes: FieldCause[] = [];
  if (!['Fail', 'Ignore'].includes(spec['failurePolicy'] as string)) causes.push(notSupported('spec.failurePolicy', spec['failurePolicy'], ['Fail', 'Ignore']));
  const paramKind = spec['paramKind'] as Json | undefined;
  if (paramKind) {
    if (!paramKind['apiVersion']) causes.push(required('spec.paramKind.apiVersion'));
    if (!paramKind['kind']) causes.push(required('spec.paramKind.kind'));
  }
  const match = spec['matchConstraints'] as Json | undefined;
  if (!match) causes.push(required('spec.matchConstraints'));
  else {
    causes.push(...validateMatchResources(match, 'spec.matchConstraints'));
    if (recordsAt(match, 'resourceRules').length === 0) causes.push(required('spec.matchConstraints.resourceRules'));
  }
  if (recordsAt(spec, 'validations').length === 0 && recordsAt(spec, 'auditAnnotations').length === 0) causes.push(required('spec.validations', 'validations or auditAnnotations must contain at least one item'));
  return [...causes, ...validateExpressions(spec)];
}

export function validateValidatingAdmissionPolicyBinding(obj: KubeObject): FieldCause[] {
  const spec = specOf(obj) ?? {};
  const causes: FieldCause[] = [];
  if (typeof spec['policyName'] !== 'string' || spec['policyName'] === '') causes.push(required('spec.policyName'));
  const actions = Array.isArray(spec['validationActions']) ? (spec['validationActions'] as unknown[]) : [];
  if (actions.length === 0) causes.push(required('spec.validationActions', 'at least one validation action is required'));
  actions.forEach((action, i) => {
    if (!ACTIONS.includes(action as string)) causes.push(notSupported(index('spec.validationActions', i), action, ACTIONS));
    else if (actions.indexOf(action) !== i) causes.push(duplicate(index('spec.validationActions', i), action));
  });
  if (actions.includes('Deny') && actions.includes('Warn')) {
    const printed = new RawValue(`[]admissionregistration.ValidationAction{${actions.map((a) => JSON.stringify(a)).join(', ')}}`);
    causes.push(invalid('spec.validationActions', printed, 'must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)'));
  }
  const paramRef = spec['paramRef'] as Json | undefined;
  if (paramRef) {
    if (paramRef['name'] !== undefined && paramRef['selector'] !== undefined) causes.push(forbidden('spec.paramRef.name', 'name and selector are mutually exclusive'));
    else if (!paramRef['name'] && paramRef['selector'] === undefined) causes.push(required('spec.paramRef', 'one of name or selector must be specified'));
    if (!['Allow', 'Deny'].includes(paramRef['parameterNotFoundAction'] as string)) causes.push(notSupported('spec.paramRef.parameterNotFoundAction', paramRef['parameterNotFoundAction'], ['Allow', 'Deny']));
  }
  const match = spec['matchResources'] as Json | undefined;
  if (match) causes.push(...validateMatchResources(match, 'spec.matchResources'));
  return causes;
}

export const validatingAdmissionPolicyTable: TableDefinition = {
  columns: [
    NAME_COLUMN,
    column('Validations', 'Validations indicates the number of validation rules defined in this configuration', { type: 'integer' }),
    column('ParamKind', 'ParamKind specifies the kind of resources used to parameterize this policy'),
    AGE_COLUMN,
  ],
  row: (obj, now) => {
    const spec = specOf(obj) ?? {};
    const paramKind = spec['paramKind'] as Json | undefined;
    return [nameOf(obj), recordsAt(spec, 'validations').length, paramKind ? `${stringAt(paramKind, 'apiVersion') ?? ''}/${stringAt(paramKind, 'kind') ?? ''}` : '<unset>', ageOf(obj, now)];
  },
};

/** `<namespace>/<name>`, `*\/<name>` when the namespace is left to the request, or the selector. */
function paramRefCell(paramRef: Json | undefined): string {
  if (!paramRef) return '<unset>';
  if (typeof paramRef['name'] === 'string' && paramRef['name'] !== '') return `${typeof paramRef['namespace'] === 'string' && paramRef['namespace'] !== '' ? paramRef['namespace'] : '*'}/${paramRef['name']}`;
  return paramRef['selector'] !== undefined ? selectorString(paramRef['selector']) : '<unset>';
}

export const validatingAdmissionPolicyBindingTable: TableDefinition = {
  columns: [
    NAME_COLUMN,
    column('PolicyName', 'PolicyName indicates the policy definition which the policy binding binded to'),
    column('ParamRef', 'ParamRef indicates the param resource which sets the configration param'),
    AGE_COLUMN,
  ],
  row: (obj, now) => {
    const spec = specOf(obj) ?? {};
    return [nameOf(obj), spec['policyName'] ?? '', paramRefCell(spec['paramRef'] as Json | undefined), ageOf(obj, now)];
  },
};
