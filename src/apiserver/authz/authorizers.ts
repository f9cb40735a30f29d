// --authorization-mode: the named authorizers asked in order, the first that allows or denies
// deciding; members of system:masters are allowed before any of them, as kube-apiserver's
// privileged-group authorizer does. What a user may do (SelfSubjectRulesReview) is the union of what
// each mode's rule resolver lists; the privileged group is no rule resolver, as upstream.

import { SYSTEM_MASTERS } from '../authn/user-info.js';
import type { Attributes, Authorizer, AuthorizerResult } from './attributes.js';
import { nodeNameOf, type NodeAuthorizer } from './node-authorizer.js';
import { AUTHORIZATION_MODES, type AuthorizationMode } from './gate-config.js';
import type { RbacAuthorizer } from './rbac-authorizer.js';
import type { PolicyRule } from './policy-rules.js';
import type { UserInfo } from '../authn/user-info.js';

export function parseAuthorizationModes(value: string): AuthorizationMode[] {
  const modes = value.split(',').map((m) => m.trim()).filter((m) => m !== '');
  if (modes.length === 0) throw new Error('at least one authorization-mode must be passed');
  for (const m of modes) {
    if (!(AUTHORIZATION_MODES as readonly string[]).includes(m)) throw new Error(`authorization-mode "${m}" is not a valid mode (supported: ${AUTHORIZATION_MODES.join(',')})`);
  }
  if (new Set(modes).size !== modes.length) throw new Error(`authorization-mode "${value}" has mode specified more than once`);
  return modes as AuthorizationMode[];
}

const ALWAYS_ALLOW: Authorizer = { authorize: () => ({ decision: 'allow', reason: '' }) };
// kube's AlwaysDeny has no opinion (a later mode may still allow), with the reason a refusal carries.
const ALWAYS_DENY: Authorizer = { authorize: () => ({ decision: 'no-opinion', reason: 'Everything is forbidden.' }) };
const PRIVILEGED: Authorizer = { authorize: (a) => (a.user.groups.includes(SYSTEM_MASTERS) ? { decision: 'allow', reason: '' } : { decision: 'no-opinion', reason: '' }) };

/** A user's rules (kube's RuleResolver.RulesFor): resource and non-resource rules, whether the list may be short, and why. */
export interface UserRules {
  readonly resourceRules: PolicyRule[];
  readonly nonResourceRules: PolicyRule[];
  readonly incomplete: boolean;
  readonly errors: string[];
}

type RuleResolver = (user: UserInfo, namespace: string) => Partial<UserRules>;

const EVERYTHING: RuleResolver = () => ({ resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }] });
const NOTHING: RuleResolver = () => ({});
// The Node authorizer's grants hang on its graph, which it does not list: for a node the list is incomplete.
const NODE_RULES: RuleResolver = (user) => (nodeNameOf(user) === undefined ? {} : { incomplete: true, errors: ['node authorizer does not support user rule resolution'] });

/** RBAC lists each rule with resources as a resource rule, and each with URLs as a non-resource one. */
function rbacRules(rbac: RbacAuthorizer): RuleResolver {
  return (user, namespace) => {
    const rules = rbac.rulesFor(user, namespace);
    return {
      // Empty lists are left out, as the API's omitempty fields are.
      resourceRules: rules.filter((r) => (r.resources ?? []).length > 0).map((r) => ({ verbs: r.verbs, ...(r.apiGroups?.length ? { apiGroups: r.apiGroups } : {}), resources: r.resources!, ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}) })),
      nonResourceRules: rules.filter((r) => (r.nonResourceURLs ?? []).length > 0).map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs! })),
    };
  };
}

export class UnionAuthorizer implements Authorizer {
  private readonly chain: Authorizer[];
  private readonly resolvers: RuleResolver[];

  /** `node` and `rbac` are given when their mode is listed. */
  constructor(modes: readonly AuthorizationMode[], rbac: RbacAuthorizer | undefined, node?: NodeAuthorizer) {
    this.chain = [PRIVILEGED, ...modes.map((m) => (m === 'AlwaysAllow' ? ALWAYS_ALLOW : m === 'AlwaysDeny' ? ALWAYS_DENY : m === 'Node' ? node! : rbac!))];
    this.resolvers = modes.map((m) => (m === 'AlwaysAllow' ? EVERYTHING : m === 'AlwaysDeny' ? NOTHING : m === 'Node' ? NODE_RULES : rbacRules(rbac!)));
  }

  rulesFor(user: UserInfo, namespace: string): UserRules {
    const all = this.resolvers.map((resolve) => resolve(user, namespace));
    return {
      resourceRules: all.flatMap((r) => r.resourceRules ?? []),
      nonResourceRules: all.flatMap((r) => r.nonResourceRules ?? []),
      incomplete: all.some((r) => r.incomplete === true),
      errors: all.flatMap((r) => r.errors ?? []),
    };
  }

  async authorize(a: Attributes): Promise<AuthorizerResult> {
    const reasons: string[] = [];
    for (const authorizer of this.chain) {
      const result = await authorizer.authorize(a);
      if (result.decision !== 'no-opinion') return result;
      if (result.reason) reasons.push(result.reason);
    }
    return { decision: 'no-opinion', reason: reasons.join('\n') };
  }
}
