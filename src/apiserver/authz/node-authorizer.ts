// The Node authorizer (plugin/pkg/auth/authorizer/node): a kubelet (user system:node:<name> in
// system:nodes) may read the secrets, configmaps, claims and volumes of the pods bound to it and ask
// for their ServiceAccounts' tokens (the graph), use its own Lease, and otherwise do what kube's
// NodeRules allow. Whether a node or pod it writes is its own is NodeRestriction's check at admission.

import type { UserInfo } from '../authn/user-info.js';
import type { Attributes, Authorizer, AuthorizerResult } from './attributes.js';
import type { GraphVertex, NodeGraph } from './node-graph.js';
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
  { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'] },
  { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews', 'localsubjectaccessreviews'] },
  { verbs: ['create', 'get', 'list', 'watch'], apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'] },
];

const NO_OPINION = (reason: string): AuthorizerResult => ({ decision: 'no-opinion', reason });
const ALLOW: AuthorizerResult = { decision: 'allow', reason: '' };

export class NodeAuthorizer implements Authorizer {
  constructor(private readonly graph: NodeGraph) {}

  authorize(a: Attributes): AuthorizerResult {
    const node = nodeNameOf(a.user);
    if (node === undefined || !a.resourceRequest) return NO_OPINION('');
    if (a.apiGroup === '') {
      switch (a.resource) {
        case 'secrets':
        case 'configmaps':
          return this.readNamespaced(node, a.resource, a);
        case 'persistentvolumeclaims':
          if (a.subresource === 'status') return a.verb === 'update' || a.verb === 'patch' ? this.related(node, 'persistentvolumeclaims', a) : NO_OPINION('can only get individual resources of this type');
          return this.get(node, 'persistentvolumeclaims', a);
        case 'persistentvolumes':
          return this.get(node, 'persistentvolumes', a);
        case 'serviceaccounts':
          return this.createToken(node, a);
      }
    }
    if (a.apiGroup === 'coordination.k8s.io' && a.resource === 'leases') return this.lease(node, a);
    return NODE_RULES.some((rule) => ruleAllows(a, rule)) ? ALLOW : NO_OPINION('');
  }

  /** authorize: the object must be named and reachable from the node. */
  private related(node: string, vertex: GraphVertex, a: Attributes): AuthorizerResult {
    if (a.name === '') return NO_OPINION('No Object name found');
    return this.graph.hasPathFrom(node, vertex, a.namespace, a.name) ? ALLOW : NO_OPINION(`no relationship found between node '${node}' and this object`);
  }

  private readNamespaced(node: string, vertex: GraphVertex, a: Attributes): AuthorizerResult {
    if (!READ.includes(a.verb)) return NO_OPINION(`can only read resources of this type`);
    if (a.subresource !== '') return NO_OPINION('cannot read subresource');
    if (a.namespace === '') return NO_OPINION('can only read namespaced object of this type');
    return this.related(node, vertex, a);
  }

  private get(node: string, vertex: GraphVertex, a: Attributes): AuthorizerResult {
    if (a.verb !== 'get') return NO_OPINION('can only get individual resources of this type');
    if (a.subresource !== '') return NO_OPINION('cannot get subresource');
    return this.related(node, vertex, a);
  }

  private createToken(node: string, a: Attributes): AuthorizerResult {
    if (a.verb !== 'create' || a.name === '') return NO_OPINION('can only create tokens for individual service accounts');
    if (a.subresource !== 'token') return NO_OPINION('can only create token subresource of serviceaccount');
    return this.related(node, 'serviceaccounts', a);
  }

  /** authorizeLease: only its own Lease in kube-node-lease. */
  private lease(node: string, a: Attributes): AuthorizerResult {
    if (!['get', 'create', 'update', 'patch', 'delete'].includes(a.verb)) return NO_OPINION(`can only get, create, update, patch, or delete a node lease`);
    if (a.namespace !== 'kube-node-lease') return NO_OPINION('can only access leases in the "kube-node-lease" system namespace');
    if (a.verb !== 'create' && a.name !== node) return NO_OPINION('can only access node lease with the same name as the requesting node');
    return ALLOW;
  }
}
