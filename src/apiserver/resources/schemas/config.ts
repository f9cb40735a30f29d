// core/v1 ConfigMap, Secret, ServiceAccount, Event, LimitRange, ResourceQuota, Binding and ObjectReference.
import { atomicList, bool, bytes, componentName, int32, keyedList, kindSchema, map, microTime, obj, quantity, ref, str, time } from '../../schema/dsl.js';
import type { SchemaNode } from '../../schema/types.js';

const core = componentName.core;
const gv = (kind: string) => ({ group: '', version: 'v1', kind });
const quantities = (description: string) => map(quantity(), description);

export const configSchemas: Record<string, SchemaNode> = {
  [core('ObjectReference')]: obj(
    {
      kind: str('Kind of the referent.'),
      namespace: str('Namespace of the referent.'),
      name: str('Name of the referent.'),
      uid: str('UID of the referent.'),
      apiVersion: str('API version of the referent.'),
      resourceVersion: str('Specific resourceVersion to which this reference is made, if any.'),
      fieldPath: str('A piece of an object instead of an entire object, e.g. spec.containers{name}.'),
    },
    { description: 'ObjectReference contains enough information to let you inspect or modify the referred object.', extra: { 'x-kubernetes-map-type': 'atomic' } },
  ),
  [core('ConfigMap')]: kindSchema(gv('ConfigMap'), 'ConfigMap holds configuration data for pods to consume.', {
    data: map(str(), 'Configuration data as UTF-8 strings; keys are alphanumeric, "-", "_" or ".".'),
    binaryData: map(bytes(), 'Binary configuration data, base64 encoded; keys may not overlap data\'s.'),
    immutable: bool('If true, the data cannot be updated (only the object metadata can be modified).'),
  }),
  [core('Secret')]: kindSchema(gv('Secret'), 'Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.', {
    data: map(bytes(), 'The secret data, base64 encoded; keys are alphanumeric, "-", "_" or ".".'),
    stringData: map(str(), 'Write-only convenience: non-binary secret data merged into data on write, never output when reading.'),
    type: str('Used to facilitate programmatic handling of secret data. Defaults to Opaque.'),
    immutable: bool('If true, the data cannot be updated (only the object metadata can be modified).'),
  }),
  [core('ServiceAccount')]: kindSchema(gv('ServiceAccount'), 'ServiceAccount binds together: a name understood by users and perhaps by peripheral systems, for an identity; a principal that can be authenticated and authorized; and a set of secrets.', {
    secrets: keyedList(ref(core('ObjectReference')), 'name', 'Secrets in the same namespace that pods running as this ServiceAccount may use.'),
    imagePullSecrets: atomicList(ref(core('LocalObjectReference')), 'Secrets for pulling container images, used by pods that reference this ServiceAccount.'),
    automountServiceAccountToken: bool('Whether pods running as this service account get an API token automatically mounted.'),
  }),
  [core('Event')]: kindSchema(
    gv('Event'),
    'Event is a report of an event somewhere in the cluster.',
    {
      involvedObject: ref(core('ObjectReference'), 'The object that this event is about.', { default: {} }),
      reason: str('A short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
      message: str('A human-readable description of the status of this operation.'),
      source: obj({ component: str('Component from which the event is generated.'), host: str('Node name on which the event is generated.') }, { description: 'The component reporting this event.' }),
      firstTimestamp: time('The time at which the event was first recorded.'),
      lastTimestamp: time('The time at which the most recent occurrence of this event was recorded.'),
      count: int32('The number of times this event has occurred.'),
      type: str('Type of this event (Normal, Warning).'),
      eventTime: microTime('Time when this Event was first observed.'),
      series: obj({ count: int32('Number of occurrences in this series up to the last heartbeat time.'), lastObservedTime: microTime('Time of the last occurrence observed.') }, { description: 'Data about the Event series this event represents.' }),
      action: str('What action was taken/failed regarding to the Regarding object.'),
      related: ref(core('ObjectReference'), 'Optional secondary object for more complex actions.'),
      reportingComponent: str('Name of the controller that emitted this Event, e.g. kubernetes.io/kubelet.', { default: '' }),
      reportingInstance: str('ID of the controller instance, e.g. kubelet-xyzf.', { default: '' }),
    },
    ['metadata', 'involvedObject'],
  ),
  [core('LimitRange')]: kindSchema(gv('LimitRange'), 'LimitRange sets resource usage limits for each kind of resource in a Namespace.', {
    spec: obj(
      {
        limits: atomicList(
          obj(
            {
              type: str('Type of resource that this limit applies to: Pod, Container or PersistentVolumeClaim.'),
              max: quantities('Max usage constraints on this kind by resource name.'),
              min: quantities('Min usage constraints on this kind by resource name.'),
              default: quantities('Default resource requirement limit value by resource name if resource limit is omitted.'),
              defaultRequest: quantities('Default resource requirement request value by resource name if resource request is omitted.'),
              maxLimitRequestRatio: quantities('The max burst for the named resource: limit / request.'),
            },
            { required: ['type'] },
          ),
          'Limits is the list of LimitRangeItem objects that are enforced.',
        ),
      },
      { description: 'Spec defines the limits enforced.', required: ['limits'] },
    ),
  }),
  [core('ResourceQuota')]: kindSchema(gv('ResourceQuota'), 'ResourceQuota sets aggregate quota restrictions enforced per namespace.', {
    spec: obj(
      {
        hard: quantities('The desired hard limits for each named resource.'),
        scopes: atomicList(str(), 'A collection of filters that must match each object tracked by a quota.'),
        scopeSelector: obj({ matchExpressions: atomicList(obj({ scopeName: str('The name of the scope.'), operator: str("The scope's relationship to the values."), values: atomicList(str(), 'Values.') }, { required: ['scopeName', 'operator'] }), 'Scope selector requirements by scope.') }, { description: 'A collection of filters like scopes.', extra: { 'x-kubernetes-map-type': 'atomic' } }),
      },
      { description: 'Spec defines the desired quota.' },
    ),
    status: obj(
      { hard: quantities('The enforced hard limits for each named resource.'), used: quantities('The current observed total usage of the resource in the namespace.') },
      { description: 'Status defines the actual enforced quota and its current usage.' },
    ),
  }),
  [core('Binding')]: kindSchema(
    gv('Binding'),
    'Binding ties one object to another; for example, a pod is bound to a node by a scheduler.',
    { target: ref(core('ObjectReference'), 'The target object that you want to bind to the standard object.', { default: {} }) },
    ['target'],
  ),
};
