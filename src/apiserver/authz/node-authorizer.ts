// The Node authorizer, basics: a kubelet (user system:node:<name> in system:nodes) may read nodes,
// pods and services, write its own Node and its status, its Lease in kube-node-lease, pod status and
// events, and ask for tokens and reviews. Whether an object is really its own is NodeRestriction's
// check at admission. Secrets and configmaps by the pods bound to it (kube's graph) are not served yet.

import type { UserInfo } from '../authn/user-info.js';
import type { Attributes, Authorizer, AuthorizerResult } from './attributes.js';
import { ruleAllows, type PolicyRule } from './policy-rules.js';

export const NODES_GROUP = 'system:nodes';
const NODE_PREFIX = 'system:node:';

/** The node a user is, or undefined when it is not a node. */
export function nodeNameOf(user: UserInfo | undefined): string | undefined {
  if (!user || !user.groups.includes(NODES_GROUP) || !user.username.startsWith(NODE_PREFIX)) return undefined;
  const name = user.username.slice(NODE_PREFIX.length);
  return name === '' ? undefined : name;
}

const READ = ['get', 'list', 'watch'];

/** What any node may ask for (kube's NodeRules, the part that needs no graph). */
const NODE_RULES: PolicyRule[] = [
  { verbs: READ, apiGroups: [''], resources: ['nodes', 'pods', 'services', 'endpoints'] },
  { verbs: ['create', 'get', 'update', 'patch', 'delete'], apiGroups: [''], resources: ['nodes'] },
  { verbs: ['update', 'patch'], apiGroups: [''], resources: ['nodes/status', 'pods/status'] },
  { verbs: ['create', 'delete'], apiGroups: [''], resources: ['pods'] },
  { verbs: ['create'], apiGroups: [''], resources: ['pods/eviction'] },
  { verbs: ['create', 'update', 'patch'], apiGroups: ['', 'events.k8s.io'], resources: ['events'] },
  { verbs: ['get', 'create', 'update', 'patch', 'delete'], apiGroups: ['coordination.k8s.io'], resources: ['leases'] },
  { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'] },
  { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews', 'localsubjectaccessreviews'] },
  { verbs: ['create', 'get', 'list', 'watch'], apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'] },
];

export const nodeAuthorizer: Authorizer = {
  authorize(a: Attributes): AuthorizerResult {
    const node = nodeNameOf(a.user);
    if (node === undefined || !a.resourceRequest) return { decision: 'no-opinion', reason: '' };
    // Leases are checked here (authorizeLease); other objects' ownership is NodeRestriction's.
    if (a.apiGroup === 'coordination.k8s.io' && a.resource === 'leases') {
      if (a.namespace !== 'kube-node-lease') return { decision: 'no-opinion', reason: 'can only access leases in the "kube-node-lease" system namespace' };
      if (a.verb !== 'create' && a.name !== node) return { decision: 'no-opinion', reason: 'can only access node lease with the same name as the requesting node' };
    }
    return NODE_RULES.some((rule) => ruleAllows(a, rule)) ? { decision: 'allow', reason: '' } : { decision: 'no-opinion', reason: '' };
  },
};
