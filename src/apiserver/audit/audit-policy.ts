// An audit policy (audit.k8s.io/v1 Policy): the first rule that matches a request gives its level;
// no rule, no event. Stages can be left out per rule or for the whole policy.

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { UserInfo } from '../authn/user-info.js';
import type { Attributes } from '../authz/attributes.js';

export type AuditLevel = 'None' | 'Metadata' | 'Request' | 'RequestResponse';
export type AuditStage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';

interface GroupResources {
  readonly group?: string;
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
}

export interface PolicyRule {
  readonly level: AuditLevel;
  readonly users?: readonly string[];
  readonly userGroups?: readonly string[];
  readonly verbs?: readonly string[];
  readonly resources?: readonly GroupResources[];
  readonly namespaces?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
  readonly omitStages?: readonly AuditStage[];
}

export interface AuditPolicy {
  readonly rules: readonly PolicyRule[];
  readonly omitStages?: readonly AuditStage[];
}

const LEVELS: readonly AuditLevel[] = ['None', 'Metadata', 'Request', 'RequestResponse'];

export function parseAuditPolicy(text: string): AuditPolicy {
  const doc = parse(text) as { kind?: string; apiVersion?: string; rules?: PolicyRule[]; omitStages?: AuditStage[] } | null;
  if (!doc || doc.kind !== 'Policy' || !String(doc.apiVersion).startsWith('audit.k8s.io/')) throw new Error('audit policy: expected kind Policy of audit.k8s.io');
  const rules = doc.rules ?? [];
  rules.forEach((r, i) => {
    if (!LEVELS.includes(r.level)) throw new Error(`audit policy: rules[${i}].level: Unsupported value: "${String(r.level)}"`);
  });
  return { rules, ...(doc.omitStages ? { omitStages: doc.omitStages } : {}) };
}

export function readAuditPolicy(file: string): AuditPolicy {
  return parseAuditPolicy(readFileSync(file, 'utf8'));
}

function userMatches(rule: PolicyRule, user: UserInfo | undefined): boolean {
  if (rule.users && !rule.users.includes(user?.username ?? '')) return false;
  if (rule.userGroups && !rule.userGroups.some((g) => user?.groups.includes(g))) return false;
  return true;
}

function resourceMatches(rule: PolicyRule, a: Attributes): boolean {
  if (!a.resourceRequest) return rule.resources === undefined && rule.namespaces === undefined;
  if (rule.nonResourceURLs) return false;
  if (rule.namespaces && !rule.namespaces.includes(a.namespace)) return false;
  if (!rule.resources) return true;
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  return rule.resources.some((gr) => (gr.group ?? '') === a.apiGroup && (!gr.resources?.length || gr.resources.some((r) => r === combined || r === '*' || r === `*/${a.subresource}` || (r === `${a.resource}/*` && a.subresource !== ''))) && (!gr.resourceNames?.length || gr.resourceNames.includes(a.name)));
}

function urlMatches(rule: PolicyRule, a: Attributes): boolean {
  if (!rule.nonResourceURLs) return true;
  if (a.resourceRequest) return false;
  return rule.nonResourceURLs.some((u) => u === '*' || u === a.path || (u.endsWith('*') && a.path.startsWith(u.slice(0, -1))));
}

/** The level and left-out stages for a request (None when no rule matches). */
export function auditLevel(policy: AuditPolicy, a: Attributes): { level: AuditLevel; omitStages: readonly AuditStage[] } {
  for (const rule of policy.rules) {
    if (rule.verbs && !rule.verbs.includes(a.verb)) continue;
    if (!userMatches(rule, a.user) || !resourceMatches(rule, a) || !urlMatches(rule, a)) continue;
    return { level: rule.level, omitStages: [...(policy.omitStages ?? []), ...(rule.omitStages ?? [])] };
  }
  return { level: 'None', omitStages: [] };
}
