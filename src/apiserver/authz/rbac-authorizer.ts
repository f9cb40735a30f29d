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

/** The binding's first subject naming the user, if any. */
function appliedSubject(user: UserInfo, binding: KubeObject, namespace: string): Subject | undefined {
  const subjects = (binding['subjects'] as Subject[] | undefined) ?? [];
  return subjects.find((s) => subjectMatches(user, s, namespace));
}

/** What granted a request, as kube's reason names it: `ClusterRoleBinding "b" of ClusterRole "r" to User "u"`. */
function describeSource(binding: KubeObject, subject: Subject, namespace: string): string {
  const ref = binding['roleRef'] as RoleRef;
  const who = subject.kind === 'ServiceAccount' ? `${subject.kind} "${subject.name}/${subject.namespace || namespace}"` : `${subject.kind} "${subject.name}"`;
  const where = namespace === '' ? `ClusterRoleBinding "${binding.metadata?.name ?? ''}"` : `RoleBinding "${binding.metadata?.name ?? ''}/${namespace}"`;
  return `${where} of ${ref.kind} "${ref.name}" to ${who}`;
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

  /**
   * Calls `visit` with each binding that names the user and the rules its role grants, ClusterRoleBindings
   * first, then the namespace's RoleBindings ('' for cluster-wide rules only), until it returns true.
   */
  private visitRules(user: UserInfo, namespace: string, visit: (rules: readonly PolicyRule[], source: () => string) => boolean): void {
    const scopes: [readonly KubeObject[], string][] = [[this.objects.clusterRoleBindings(), ''], [namespace === '' ? [] : this.objects.roleBindings(namespace), namespace]];
    for (const [bindings, where] of scopes) {
      for (const binding of bindings) {
        const subject = appliedSubject(user, binding, where);
        if (subject && visit(this.refRules(binding['roleRef'] as RoleRef, where), () => describeSource(binding, subject, where))) return;
      }
    }
  }

  /** Every rule that applies to the user in the namespace ('' for cluster-wide rules only). */
  rulesFor(user: UserInfo, namespace: string): PolicyRule[] {
    const rules: PolicyRule[] = [];
    this.visitRules(user, namespace, (granted) => {
      rules.push(...granted);
      return false;
    });
    return rules;
  }

  authorize(a: Attributes): AuthorizerResult {
    let reason: string | undefined;
    this.visitRules(a.user, a.resourceRequest ? a.namespace : '', (rules, source) => {
      if (rules.some((rule) => ruleAllows(a, rule))) reason = `RBAC: allowed by ${source()}`;
      return reason !== undefined;
    });
    return reason !== undefined ? { decision: 'allow', reason } : { decision: 'no-opinion', reason: '' };
  }
}
