// Whether a policy's matchConstraints, or a binding's matchResources, select a request
// (admission/plugin/policy/matching): the namespace's labels, then the object's (new or old), then
// no excludeResourceRules and one of the resourceRules (none in a binding: everything its policy
// selects), each rule also limited to its resourceNames.

import { recordsAt } from '../resources/json-access.js';
import { selectorMatches } from '../resources/label-selector.js';
import type { KubeObject } from '../schema/types.js';
import { ruleMatches, type RequestFacts } from './webhook-rules.js';

type Json = Record<string, unknown>;

const selects = (selector: unknown, labels: Record<string, unknown> | undefined): boolean =>
  selector === undefined || selector === null || Object.keys(selector).length === 0 || selectorMatches(selector as Json, labels);

export interface MatchFacts extends RequestFacts {
  readonly name: string;
}

function namedRuleMatches(rule: Json, r: MatchFacts): boolean {
  const names = Array.isArray(rule['resourceNames']) ? (rule['resourceNames'] as unknown[]) : [];
  return ruleMatches(rule, r) && (names.length === 0 || names.includes(r.name));
}

/**
 * `namespace`: the request's Namespace object (the object itself for a Namespace); undefined for
 * cluster-scoped objects, which every namespaceSelector selects.
 */
export function matchResources(match: Json | undefined, r: MatchFacts, namespace: KubeObject | undefined, emptyRulesMatch: boolean): boolean {
  if (!match) return emptyRulesMatch;
  if (namespace && !selects(match['namespaceSelector'], namespace.metadata?.labels as Record<string, unknown> | undefined)) return false;
  const objectSelected = [r.obj, r.old].some((o) => o !== undefined && selects(match['objectSelector'], o.metadata?.labels as Record<string, unknown> | undefined));
  if (!objectSelected) return false;
  if (recordsAt(match, 'excludeResourceRules').some((rule) => namedRuleMatches(rule, r))) return false;
  const rules = recordsAt(match, 'resourceRules');
  return rules.length === 0 ? emptyRulesMatch : rules.some((rule) => namedRuleMatches(rule, r));
}
