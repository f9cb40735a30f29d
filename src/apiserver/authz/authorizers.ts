// --authorization-mode: the named authorizers asked in order, the first that allows or denies
// deciding; members of system:masters are allowed before any of them, as kube-apiserver's
// privileged-group authorizer does.

import { SYSTEM_MASTERS } from '../authn/user-info.js';
import type { Attributes, Authorizer, AuthorizerResult } from './attributes.js';
import type { NodeAuthorizer } from './node-authorizer.js';
import { AUTHORIZATION_MODES, type AuthorizationMode } from './gate-config.js';
import type { RbacAuthorizer } from './rbac-authorizer.js';

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

export class UnionAuthorizer implements Authorizer {
  private readonly chain: Authorizer[];

  /** `node` and `rbac` are given when their mode is listed. */
  constructor(modes: readonly AuthorizationMode[], rbac: RbacAuthorizer | undefined, node?: NodeAuthorizer) {
    this.chain = [PRIVILEGED, ...modes.map((m) => (m === 'AlwaysAllow' ? ALWAYS_ALLOW : m === 'AlwaysDeny' ? ALWAYS_DENY : m === 'Node' ? node! : rbac!))];
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
