// RBAC escalation prevention (pkg/registry/rbac): a user may create or update a role only with rules
// it already holds, unless allowed `escalate` on it; and bind a role only when it holds the role's
// rules, unless allowed `bind` on it.

import type { UserInfo } from '../authn/user-info.js';
import { admissionForbidden, type AdmissionPlugin, type AdmissionRequest } from '../admission/admission-chain.js';
import { resourceAttributes, type Authorizer } from './attributes.js';
import { ruleAllows, type PolicyRule } from './policy-rules.js';
import type { RbacAuthorizer } from './rbac-authorizer.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** Each rule split into one verb on one resource (or URL), as BreakdownRule does. */
export function breakdown(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const verb of rule.verbs) {
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        const names = rule.resourceNames ?? [];
        if (names.length === 0) out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
        else for (const name of names) out.push({ apiGroups: [group], resources: [resource], resourceNames: [name], verbs: [verb] });
      }
    }
    for (const url of rule.nonResourceURLs ?? []) out.push({ nonResourceURLs: [url], verbs: [verb] });
  }
  return out;
}

const quoted = (values: readonly string[]): string => `[${values.map((v) => JSON.stringify(v)).join(' ')}]`;

/** rbacv1helpers.CompactString. */
export function compactString(rule: PolicyRule): string {
  const parts: string[] = [];
  if (rule.apiGroups?.length) parts.push(`APIGroups:${quoted(rule.apiGroups)}`);
  if (rule.resources?.length) parts.push(`Resources:${quoted(rule.resources)}`);
  if (rule.nonResourceURLs?.length) parts.push(`NonResourceURLs:${quoted(rule.nonResourceURLs)}`);
  if (rule.resourceNames?.length) parts.push(`ResourceNames:${quoted(rule.resourceNames)}`);
  if (rule.verbs.length) parts.push(`Verbs:${quoted(rule.verbs)}`);
  return `{${parts.join(', ')}}`;
}

function covered(owner: readonly PolicyRule[], atom: PolicyRule, user: UserInfo): boolean {
  const verb = atom.verbs[0]!;
  if (atom.nonResourceURLs) return owner.some((o) => ruleAllows({ user, verb, resourceRequest: false, path: atom.nonResourceURLs![0]!, namespace: '', apiGroup: '', apiVersion: '', resource: '', subresource: '', name: '' }, o));
  const [resource = '', subresource = ''] = atom.resources![0]!.split('/');
  const a = resourceAttributes(user, { verb, group: atom.apiGroups![0]!, resource, subresource, name: atom.resourceNames?.[0] ?? '' });
  return owner.some((o) => ruleAllows(a, o));
}

/** The rules of `wanted` the owner does not hold, broken down; empty when none. */
export function missingRules(owner: readonly PolicyRule[], wanted: readonly PolicyRule[], user: UserInfo): PolicyRule[] {
  return wanted.flatMap(breakdown).filter((atom) => !covered(owner, atom, user));
}

export function escalationMessage(user: UserInfo, missing: readonly PolicyRule[]): string {
  return `user ${JSON.stringify(user.username)} (groups=${quoted(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${missing.map(compactString).join('\n')}`;
}

export function escalationCheck(authorizer: Authorizer, rbac: RbacAuthorizer): AdmissionPlugin {
  const allowed = async (user: UserInfo, verb: string, resource: string, namespace: string, name: string) =>
    (await authorizer.authorize(resourceAttributes(user, { verb, group: RBAC_GROUP, resource, namespace, name }))).decision === 'allow';
  const confirm = (r: AdmissionRequest, user: UserInfo, wanted: readonly PolicyRule[]) => {
    const missing = missingRules(rbac.rulesFor(user, r.namespace), wanted, user);
    if (missing.length > 0) throw admissionForbidden(r, escalationMessage(user, missing));
  };
  return {
    name: 'RBACEscalation',
    async validate(r) {
      if (r.group !== RBAC_GROUP || !r.user) return;
      const user = r.user;
      if (r.resource === 'roles' || r.resource === 'clusterroles') {
        if (await allowed(user, 'escalate', r.resource, r.namespace, r.name)) return;
        if (r.resource === 'clusterroles' && r.obj['aggregationRule']) throw admissionForbidden(r, 'must have cluster-admin privileges to use the aggregationRule');
        confirm(r, user, (r.obj['rules'] as PolicyRule[] | undefined) ?? []);
      } else if (r.resource === 'rolebindings' || r.resource === 'clusterrolebindings') {
        const ref = r.obj['roleRef'] as { kind: string; name: string } | undefined;
        if (!ref) return;
        const roleResource = ref.kind === 'Role' ? 'roles' : 'clusterroles';
        if (await allowed(user, 'bind', roleResource, r.namespace, ref.name)) return;
        const rules = ref.kind === 'ClusterRole' ? rbac.clusterRoleRules(ref.name) : ((rbac.role(r.namespace, ref.name)?.['rules'] as PolicyRule[] | undefined) ?? []);
        confirm(r, user, rules);
      }
    },
  };
}
