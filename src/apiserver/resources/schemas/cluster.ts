// coordination.k8s.io Lease, discovery.k8s.io EndpointSlice, events.k8s.io Event and rbac.authorization.k8s.io.
import { atomicList, bool, componentName, int32, kindSchema, labelSelector, list, map, microTime, obj, oneOf, ref, str } from '../../schema/dsl.js';
import type { SchemaNode } from '../../schema/types.js';

const rbac = (kind: string) => componentName.api('rbac', 'v1', kind);
const discovery = (kind: string) => componentName.api('discovery', 'v1', kind);
const rbacGvk = (kind: string) => ({ group: 'rbac.authorization.k8s.io', version: 'v1', kind });

export const clusterSchemas: Record<string, SchemaNode> = {
  [componentName.api('coordination', 'v1', 'Lease')]: kindSchema({ group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' }, 'Lease defines a lease concept.', {
    spec: obj(
      {
        holderIdentity: str('The identity of the holder of a current lease.'),
        leaseDurationSeconds: int32('Seconds candidates for the lease must wait before forcibly acquiring it, measured against renewTime.'),
        acquireTime: microTime('When the current lease was acquired.'),
        renewTime: microTime('When the current holder of a lease last updated it.'),
        leaseTransitions: int32('The number of transitions of a lease between holders.'),
        strategy: str('The strategy for picking the leader for coordinated leader election.'),
        preferredHolder: str('Signals to a lease holder that the lease has a more optimal holder.'),
      },
      { description: 'Spec contains the specification of the Lease.' },
    ),
  }),
  [discovery('EndpointSlice')]: kindSchema(
    { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice' },
    'EndpointSlice represents a subset of the endpoints that implement a service.',
    {
      addressType: oneOf(['FQDN', 'IPv4', 'IPv6'], 'The type of address carried by this EndpointSlice. Cannot be updated.'),
      endpoints: atomicList(ref(discovery('Endpoint')), 'A list of unique endpoints in this slice (at most 1000).'),
      ports: atomicList(
        obj({ name: str('The name of this port.'), protocol: oneOf(['SCTP', 'TCP', 'UDP'], 'The IP protocol for this port. Defaults to TCP.'), port: int32('The port number of the endpoint.'), appProtocol: str('The application protocol for this port.') }, { extra: { 'x-kubernetes-map-type': 'atomic' } }),
        'The network ports exposed by each endpoint in this slice.',
      ),
    },
    ['addressType', 'endpoints'],
  ),
  [discovery('Endpoint')]: obj(
    {
      addresses: list(str(), { description: 'Addresses of this endpoint, interpreted per the slice\'s addressType.', listType: 'set' }),
      conditions: obj(
        { ready: bool('Whether this endpoint is ready to receive traffic.'), serving: bool('Like ready, also true while terminating.'), terminating: bool('Whether this endpoint is terminating.') },
        { description: 'The current state of the endpoint.' },
      ),
      hostname: str('Hostname of this endpoint.'),
      targetRef: ref(componentName.core('ObjectReference'), 'A reference to a Kubernetes object that represents this endpoint.'),
      deprecatedTopology: map(str(), 'Deprecated topology information.'),
      nodeName: str('The name of the Node hosting this endpoint.'),
      zone: str('The name of the Zone this endpoint exists in.'),
      hints: obj({ forZones: atomicList(obj({ name: str('The name of the zone.') }, { required: ['name'] }), 'Zones this endpoint should be consumed by.') }, { description: 'Information about how an endpoint should be consumed.' }),
    },
    { description: 'Endpoint represents a single logical "backend" implementing a service.', required: ['addresses'] },
  ),
  [componentName.api('events', 'v1', 'Event')]: kindSchema(
    { group: 'events.k8s.io', version: 'v1', kind: 'Event' },
    'Event is a report of an event somewhere in the cluster.',
    {
      eventTime: microTime('The time when this Event was first observed. Required.'),
      series: obj({ count: int32('Number of observed occurrences.'), lastObservedTime: microTime('Time of the last occurrence observed.') }, { description: 'Data about the Event series this event represents.', required: ['count', 'lastObservedTime'] }),
      reportingController: str('The name of the controller that emitted this Event, e.g. kubernetes.io/kubelet.'),
      reportingInstance: str('The ID of the controller instance, e.g. kubelet-xyzf.'),
      action: str('What action was taken/failed regarding the regarding object.'),
      reason: str('Why the action was taken, in CamelCase.'),
      regarding: ref(componentName.core('ObjectReference'), 'The object this Event is about.'),
      related: ref(componentName.core('ObjectReference'), 'Optional secondary object for more complex actions.'),
      note: str('A human-readable description of the status of this operation.'),
      type: str('The type of this event (Normal, Warning).'),
      deprecatedSource: obj({ component: str('Component from which the event is generated.'), host: str('Node name on which the event is generated.') }, { description: 'The deprecated field assuring backward compatibility with core.v1 Event type.' }),
      deprecatedFirstTimestamp: ref(componentName.meta('Time'), 'Deprecated field assuring backward compatibility with core.v1 Event type.'),
      deprecatedLastTimestamp: ref(componentName.meta('Time'), 'Deprecated field assuring backward compatibility with core.v1 Event type.'),
      deprecatedCount: int32('Deprecated field assuring backward compatibility with core.v1 Event type.'),
    },
    ['eventTime'],
  ),
  [rbac('PolicyRule')]: obj(
    {
      verbs: atomicList(str(), "Verbs the rule applies to; '*' means all."),
      apiGroups: atomicList(str(), "API groups of the resources; '' is the core group, '*' means all."),
      resources: atomicList(str(), "Resources the rule applies to; '*' means all."),
      resourceNames: atomicList(str(), 'An optional allow-list of object names.'),
      nonResourceURLs: atomicList(str(), 'Partial URLs a user should have access to, e.g. /healthz; only in ClusterRoles.'),
    },
    { description: 'PolicyRule holds information that describes a policy rule, but does not contain information about who the rule applies to.', required: ['verbs'] },
  ),
  [rbac('Subject')]: obj(
    {
      kind: str('Kind of object being referenced: User, Group or ServiceAccount.'),
      apiGroup: str('API group of the subject: "" for ServiceAccount, rbac.authorization.k8s.io for User and Group.'),
      name: str('Name of the object being referenced.'),
      namespace: str('Namespace of the referenced object; for ServiceAccount subjects.'),
    },
    { description: 'Subject contains a reference to the object or user identities a role binding applies to.', required: ['kind', 'name'], extra: { 'x-kubernetes-map-type': 'atomic' } },
  ),
  [rbac('RoleRef')]: obj(
    { apiGroup: str('The group for the resource being referenced.'), kind: str('The type of resource being referenced: Role or ClusterRole.'), name: str('The name of resource being referenced.') },
    { description: 'RoleRef contains information that points to the role being used.', required: ['apiGroup', 'kind', 'name'], extra: { 'x-kubernetes-map-type': 'atomic' } },
  ),
  [rbac('Role')]: kindSchema(rbacGvk('Role'), 'Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding.', {
    rules: atomicList(ref(rbac('PolicyRule')), 'All the PolicyRules for this Role.'),
  }),
  [rbac('ClusterRole')]: kindSchema(rbacGvk('ClusterRole'), 'ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding.', {
    rules: atomicList(ref(rbac('PolicyRule')), 'All the PolicyRules for this ClusterRole.'),
    aggregationRule: obj(
      { clusterRoleSelectors: atomicList(labelSelector(), "Selectors of ClusterRoles whose rules are aggregated into this one's.") },
      { description: 'Describes how to build the Rules for this ClusterRole; the controller overwrites rules when set.' },
    ),
  }),
  [rbac('RoleBinding')]: kindSchema(rbacGvk('RoleBinding'), 'RoleBinding references a role, but does not contain it. It adds who information via Subjects and namespace information by which namespace it exists in.', {
    subjects: atomicList(ref(rbac('Subject')), 'References to the objects the role applies to.'),
    roleRef: ref(rbac('RoleRef'), 'A Role in the current namespace or a ClusterRole in the global namespace. Cannot be updated.', { default: {} }),
  }, ['roleRef']),
  [rbac('ClusterRoleBinding')]: kindSchema(rbacGvk('ClusterRoleBinding'), 'ClusterRoleBinding references a ClusterRole, but not contain it. It can reference a ClusterRole in the global namespace, and adds who information via Subject.', {
    subjects: atomicList(ref(rbac('Subject')), 'References to the objects the role applies to.'),
    roleRef: ref(rbac('RoleRef'), 'A ClusterRole in the global namespace. Cannot be updated.', { default: {} }),
  }, ['roleRef']),
};
