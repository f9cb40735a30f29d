// meta/v1 and the apimachinery value types every kind uses.
import { anyJson, bool, componentName, int32, int64, keyedList, list, map, obj, oneOf, ref, str, time } from '../../schema/dsl.js';
import type { SchemaNode } from '../../schema/types.js';

const meta = componentName.meta;

export const metaSchemas: Record<string, SchemaNode> = {
  [meta('Time')]: str('Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON, in RFC 3339 form.', { format: 'date-time' }),
  [meta('MicroTime')]: str('MicroTime is version of Time with microsecond level precision.', { format: 'date-time' }),
  'io.k8s.apimachinery.pkg.api.resource.Quantity': str(
    'Quantity is a fixed-point representation of a number, such as "100m" CPU or "1Gi" memory, serialized as a string.',
  ),
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': str('IntOrString is a type that can hold an int32 or a string.', {
    format: 'int-or-string',
    'x-kubernetes-int-or-string': true,
  }),
  [meta('ObjectMeta')]: obj(
    {
      name: str('Name must be unique within a namespace. Cannot be updated.'),
      generateName: str('An optional prefix used by the server to generate a unique name when Name is not provided.'),
      namespace: str('The namespace the object lives in; empty for cluster-scoped objects. Cannot be updated.'),
      uid: str('A unique identifier for this object across time, set by the server on creation. Read-only.'),
      resourceVersion: str('An opaque value of the object\'s internal version, used for optimistic concurrency and watches. Read-only.'),
      selfLink: str('Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.'),
      generation: int64('A sequence number for a specific generation of the desired state. Set by the system. Read-only.'),
      creationTimestamp: time('When the object was created, set by the server. Read-only.'),
      deletionTimestamp: time('When the object will be deleted, set by the server when a graceful deletion is requested. Read-only.'),
      deletionGracePeriodSeconds: int64('Seconds allowed for graceful termination before the object is removed. Read-only.'),
      labels: map(str(), 'Map of string keys and values used to organize and select objects.'),
      annotations: map(str(), 'Unstructured key value map set by external tools to store and retrieve arbitrary metadata.'),
      ownerReferences: list(ref(meta('OwnerReference')), {
        description: 'Objects this object depends on; when all of them are deleted, this object is garbage collected.',
        mergeKey: 'uid',
        strategy: 'merge',
        listType: 'map',
        mapKeys: ['uid'],
      }),
      finalizers: list(str(), {
        description: 'Conditions that must be cleared before the object is removed from the registry.',
        strategy: 'merge',
        listType: 'set',
      }),
      managedFields: list(ref(meta('ManagedFieldsEntry')), {
        description: 'Which workflow (manager) owns which fields, as server-side apply tracks them.',
        listType: 'atomic',
      }),
    },
    { description: 'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.' },
  ),
  [meta('ListMeta')]: obj(
    {
      resourceVersion: str('The version of the list, usable to start a watch.'),
      continue: str('Set when more items are available; pass it back to get the next page.'),
      remainingItemCount: int64('The number of items left after this page, when known.'),
      selfLink: str('Deprecated: always empty.'),
    },
    { description: 'ListMeta describes metadata that synthetic resources must have, including lists.' },
  ),
  [meta('OwnerReference')]: obj(
    {
      apiVersion: str('API version of the referent.'),
      kind: str('Kind of the referent.'),
      name: str('Name of the referent.'),
      uid: str('UID of the referent.'),
      controller: bool('If true, this reference points to the managing controller.'),
      blockOwnerDeletion: bool('If true, the owner cannot be deleted in foreground until this object is gone.'),
    },
    {
      description: 'OwnerReference contains enough information to let you identify an owning object.',
      required: ['apiVersion', 'kind', 'name', 'uid'],
      extra: { 'x-kubernetes-map-type': 'atomic' },
    },
  ),
  [meta('ManagedFieldsEntry')]: obj(
    {
      manager: str('The workflow managing these fields.'),
      operation: oneOf(['Apply', 'Update'], 'The operation that made this entry.'),
      apiVersion: str('The version of the resource the fields are described in.'),
      time: time('When these fields were last changed.'),
      fieldsType: str('The format of fieldsV1; only "FieldsV1".'),
      fieldsV1: anyJson('The set of fields, as a trie of "f:", "k:", "v:" and "i:" keys.'),
      subresource: str('The subresource the operation was made through, if any.'),
    },
    { description: 'A workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.' },
  ),
  [meta('LabelSelector')]: obj(
    {
      matchLabels: map(str(), 'A map of {key,value} pairs; each is an "In" requirement on one value.'),
      matchExpressions: list(ref(meta('LabelSelectorRequirement')), {
        description: 'A list of label selector requirements, ANDed.',
        listType: 'atomic',
      }),
    },
    {
      description: 'A label query over a set of resources. An empty selector matches all objects; a null one matches none.',
      extra: { 'x-kubernetes-map-type': 'atomic' },
    },
  ),
  [meta('LabelSelectorRequirement')]: obj(
    {
      key: str('The label key that the selector applies to.'),
      operator: str("A key's relationship to a set of values: In, NotIn, Exists or DoesNotExist."),
      values: list(str(), { description: 'Values for In and NotIn; empty for Exists and DoesNotExist.', listType: 'atomic' }),
    },
    { description: 'A selector that contains values, a key, and an operator.', required: ['key', 'operator'] },
  ),
  [meta('Condition')]: obj(
    {
      type: str('Type of condition in CamelCase.'),
      status: oneOf(['True', 'False', 'Unknown'], 'Status of the condition.'),
      observedGeneration: int64('The .metadata.generation the condition was set for.'),
      lastTransitionTime: time('When the condition last changed status.'),
      reason: str("A programmatic identifier of the last transition's reason, in CamelCase."),
      message: str('A human readable message about the transition.'),
    },
    { description: 'Condition contains details for one aspect of the current state of an API resource.', required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'] },
  ),
  [meta('DeleteOptions')]: obj(
    {
      ...{ apiVersion: str('APIVersion of this representation.'), kind: str('Kind of this representation.') },
      gracePeriodSeconds: int64('Seconds before the object should be deleted; zero means now.'),
      preconditions: obj({ uid: str('The target UID.'), resourceVersion: str('The target resourceVersion.') }, { description: 'Must be fulfilled before the deletion.' }),
      propagationPolicy: str('Whether and how garbage collection is performed: Orphan, Background or Foreground.'),
      orphanDependents: bool('Deprecated: use propagationPolicy.'),
      dryRun: list(str(), { description: 'When present, modifications are not persisted.', listType: 'atomic' }),
    },
    { description: 'DeleteOptions may be provided when deleting an API object.' },
  ),
};

/** Conditions lists merge on `type` in every kind that has them. */
export const conditionList = (item: SchemaNode, description: string) => keyedList(item, 'type', description);

/** The meta/v1 types every group-version document references in its operations. */
export const operationSchemas: Record<string, SchemaNode> = {
  [componentName.meta('Patch')]: obj({}, { description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.' }),
  [componentName.meta('Status')]: obj(
    {
      apiVersion: str('APIVersion defines the versioned schema of this representation of an object.'),
      kind: str('Kind is a string value representing the REST resource this object represents.'),
      metadata: ref(componentName.meta('ListMeta'), 'Standard list metadata.', { default: {} }),
      status: str('Status of the operation. One of: "Success" or "Failure".'),
      message: str('A human-readable description of the status of this operation.'),
      reason: str('A machine-readable description of why this operation is in the "Failure" status.'),
      details: ref(componentName.meta('StatusDetails'), 'Extended data associated with the reason.'),
      code: int32('Suggested HTTP return code for this status, 0 if not set.'),
    },
    { description: 'Status is a return value for calls that do not return other objects.', extra: { 'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'Status' }] } },
  ),
  [componentName.meta('StatusDetails')]: obj(
    {
      name: str('The name attribute of the resource associated with the status StatusReason.'),
      group: str('The group attribute of the resource associated with the status StatusReason.'),
      kind: str('The kind attribute of the resource associated with the status StatusReason.'),
      uid: str('UID of the resource.'),
      causes: list(
        obj({ reason: str('A machine-readable description of the cause of the error.'), message: str('A human-readable description of the cause of the error.'), field: str('The field of the resource that has caused this error.') }),
        { description: 'The Causes array includes more details associated with the StatusReason failure.', listType: 'atomic' },
      ),
      retryAfterSeconds: int32('If specified, the time in seconds before the operation should be retried.'),
    },
    { description: 'StatusDetails is a set of additional properties that MAY be set by the server to provide additional information about a response.' },
  ),
};
