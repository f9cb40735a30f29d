// RBAC: a request is allowed when a rule of a role bound to its user allows it. ClusterRoleBindings
// apply everywhere; RoleBindings only in their namespace (and never to non-resource URLs). A
// ClusterRole with an aggregationRule holds the rules of the ClusterRoles its selectors pick.

import type { UserInfo } from '../authn/user-info.js';
import { selectorMatches } from '../resources/label-selector.js';
import type { KubeObject } from '../schema/types.js';
import type { Attributes, Authorizer, AuthorizerResult } from './attributes.js';
import { ruleAllows, subjectMatches, type PolicyRule, type Subject } from './policy-rules.js';
import type { RbacObjects } from './rbac-source.js';

interface RoleRef {
  readonly kind: string;
  readonly name: string;
}

function rulesOf(role: KubeObject | undefined): readonly PolicyRule[] {
  return (role?.['rules'] as PolicyRule[] | undefined) ?? [];
}

function bindingApplies(user: UserInfo, binding: KubeObject, namespace: string): boolean {
  const subjects = (binding['subjects'] as Subject[] | undefined) ?? [];
  return subjects.some((s) => subjectMatches(user, s, namespace));
}

export class RbacAuthorizer implements Authorizer {
  constructor(private readonly objects: RbacObjects) {}

  /**
   * A ClusterRole's rules, those of the roles it aggregates included; an aggregated role's rules are
   * what the aggregation controller would have filled in, so aggregation nests (admin ← edit ← view).
   */
  clusterRoleRules(name: string, visited: Set<string> = new Set()): readonly PolicyRule[] {
    visited.add(name);
    const role = this.objects.clusterRole(name);
    const aggregation = role?.['aggregationRule'] as { clusterRoleSelectors?: unknown[] } | undefined;
    if (!aggregation) return rulesOf(role);
    const selectors = aggregation.clusterRoleSelectors ?? [];
    const picked = this.objects.clusterRoles().filter((r) => !visited.has(r.metadata?.name ?? '') && selectors.some((s) => selectorMatches(s as never, r.metadata?.labels)));
    return [...rulesOf(role), ...picked.flatMap((r) => this.clusterRoleRules(r.metadata?.name ?? '', visited))];
  }

  role(namespace: string, name: string): KubeObject | undefined {
    return this.objects.role(namespace, name);
  }

  private refRules(ref: RoleRef, namespace: string): readonly PolicyRule[] {
    if (ref.kind === 'ClusterRole') return this.clusterRoleRules(ref.name);
    if (ref.kind === 'Role' && namespace !== '') return rulesOf(this.objects.role(namespace, ref.name));
    return [];
  }

  /** Every rule that applies to the user in the namespace ('' for cluster-wide rules only). */
  rulesFor(user: UserInfo, namespace: string): PolicyRule[] {
    const rules: PolicyRule[] = [];
    for (const binding of this.objects.clusterRoleBindings()) {
      if (bindingApplies(user, binding, '')) rules.push(...this.refRules(binding['roleRef'] as RoleRef, ''));
    }
    if (namespace !== '') {
      for (const binding of this.objects.roleBindings(namespace)) {
        if (bindingApplies(user, binding, namespace)) rules.push(...this.refRules(binding['roleRef'] as RoleRef, namespace));
      }
    }
    return rules;
  }

  authorize(a: Attributes): AuthorizerResult {
    const allowed = this.rulesFor(a.user, a.resourceRequest ? a.namespace : '').some((rule) => ruleAllows(a, rule));
    return allowed ? { decision: 'allow', reason: '' } : { decision: 'no-opinion', reason: '' };
  }
}
