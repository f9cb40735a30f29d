// Whether a webhook is sent a request (admission/plugin/webhook/predicates): one of its rules names the
// operation, group, version, resource (or `*`, `*/status`, `pods/*`) and scope, and the namespace's and
// the object's labels match its selectors.

import { compileWebhookConditions, type CompileIssue, type NamedProgram } from '../cel/policy-programs.js';
import { selectorMatches } from '../resources/label-selector.js';
import type { KubeObject } from '../schema/types.js';
import { admissionForbidden, type AdmissionRequest } from './admission-chain.js';
import { celObjects } from './validating-admission-policy-activation.js';
import { aggregate, matchConditionsOutcome } from './validating-admission-policy-eval.js';

type Json = Record<string, unknown>;

export interface RequestFacts {
  readonly operation: string;
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly subresource: string;
  /** '' for cluster-scoped objects. */
  readonly namespace: string;
  readonly obj?: KubeObject;
  readonly old?: KubeObject;
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
const has = (list: string[], value: string): boolean => list.includes('*') || list.includes(value);

function resourceMatches(patterns: string[], resource: string, subresource: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return patterns.some((p) => {
    if (p === '*/*' || p === combined) return true;
    if (p === '*') return subresource === '';
    const [pr, ps] = p.split('/');
    return (pr === '*' && ps === subresource && subresource !== '') || (pr === resource && ps === '*');
  });
}

export function ruleMatches(rule: Json, r: RequestFacts): boolean {
  const scope = (rule['scope'] as string | undefined) ?? '*';
  if (scope === 'Cluster' && r.namespace !== '') return false;
  // A Namespace is cluster-scoped even though its own name fills the namespace field.
  if (scope === 'Namespaced' && (r.namespace === '' || (r.group === '' && r.resource === 'namespaces'))) return false;
  return has(strings(rule['operations']), r.operation) && has(strings(rule['apiGroups']), r.group) && has(strings(rule['apiVersions']), r.version) && resourceMatches(strings(rule['resources']), r.resource, r.subresource);
}

/** An absent or empty selector selects everything. */
const selects = (selector: Json | undefined, labels: Record<string, unknown> | undefined): boolean => !selector || Object.keys(selector).length === 0 || selectorMatches(selector, labels);

/** `namespaceLabels`: the labels of the request's namespace (of the object itself for a Namespace); undefined for cluster-scoped objects. */
export function webhookApplies(webhook: Json, r: RequestFacts, namespaceLabels: Record<string, unknown> | undefined): boolean {
  const rules = Array.isArray(webhook['rules']) ? (webhook['rules'] as Json[]) : [];
  if (!rules.some((rule) => ruleMatches(rule, r))) return false;
  if (namespaceLabels !== undefined && !selects(webhook['namespaceSelector'] as Json | undefined, namespaceLabels)) return false;
  // The object selector matches when the new or the old object's labels do.
  const objectSelector = webhook['objectSelector'] as Json | undefined;
  return [r.obj, r.old].some((o) => o !== undefined && selects(objectSelector, o.metadata?.labels as Record<string, unknown> | undefined));
}

const compiledConditions = new WeakMap<Json, { programs: NamedProgram[]; issues: CompileIssue[] }>();

/** The webhook's CEL matchConditions: false skips it; errors refuse the request unless its failurePolicy is Ignore. */
export async function matchConditionsMet(webhook: Json, r: AdmissionRequest): Promise<boolean> {
  if (!Array.isArray(webhook['matchConditions']) || webhook['matchConditions'].length === 0) return true;
  let compiled = compiledConditions.get(webhook);
  if (!compiled) compiledConditions.set(webhook, (compiled = compileWebhookConditions('matchConditions', webhook['matchConditions'] as Json[])));
  const failClosed = webhook['failurePolicy'] !== 'Ignore';
  const outcome = compiled.issues.length > 0 ? (failClosed ? { message: aggregate(compiled.issues.map((i) => i.error)) } : 'skip') : await matchConditionsOutcome(compiled.programs, celObjects(r), failClosed);
  if (outcome === 'skip') return false;
  if (outcome) throw admissionForbidden(r, outcome.message);
  return true;
}
