// apiextensions.k8s.io/v1 CustomResourceDefinition; openAPIV3Schema is kept as free-form JSONSchemaProps.
import { anyJson, atomicList, bool, componentName, int32, kindSchema, list, obj, oneOf, ref, str, time } from '../../schema/dsl.js';
import type { SchemaNode } from '../../schema/types.js';

const ext = componentName.apiextensions;

export const apiextensionsSchemas: Record<string, SchemaNode> = {
  [ext('CustomResourceDefinition')]: kindSchema(
    { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition' },
    'CustomResourceDefinition represents a resource that should be exposed on the API server. Its name MUST be in the format <.spec.name>.<.spec.group>.',
    {
      spec: ref(ext('CustomResourceDefinitionSpec'), 'The resource that should be exposed on the API server.'),
      status: ref(ext('CustomResourceDefinitionStatus'), 'The status of the CustomResourceDefinition.'),
    },
    ['spec'],
  ),
  [ext('CustomResourceDefinitionSpec')]: obj(
    {
      group: str('The API group of the defined custom resource, e.g. stable.example.com.'),
      names: ref(ext('CustomResourceDefinitionNames'), 'The resource and kind names for the custom resource.'),
      scope: oneOf(['Cluster', 'Namespaced'], 'Whether the defined custom resource is cluster- or namespace-scoped.'),
      versions: atomicList(ref(ext('CustomResourceDefinitionVersion')), 'All API versions of the defined custom resource; exactly one is the storage version.'),
      conversion: obj({ strategy: str('How custom resources are converted between versions: None or Webhook.'), webhook: anyJson('How to call the conversion webhook.') }, { description: 'Conversion settings for the CRD.', required: ['strategy'] }),
      preserveUnknownFields: bool('Deprecated: must be false in apiextensions.k8s.io/v1.'),
    },
    { description: 'CustomResourceDefinitionSpec describes how a user wants their resource to appear.', required: ['group', 'names', 'scope', 'versions'] },
  ),
  [ext('CustomResourceDefinitionNames')]: obj(
    {
      plural: str('The plural name of the resource to serve, lowercase: /apis/<group>/<version>/.../<plural>.'),
      singular: str('The singular name of the resource, lowercase. Defaults to the lowercased kind.'),
      shortNames: atomicList(str(), 'Short names for the resource, exposed in discovery for clients like kubectl get <shortname>.'),
      kind: str('The serialized kind of the resource, normally CamelCase and singular.'),
      listKind: str('The serialized kind of the list for this resource. Defaults to "<kind>List".'),
      categories: atomicList(str(), 'Grouped resources this custom resource belongs to (e.g. "all").'),
    },
    { description: 'CustomResourceDefinitionNames indicates the names to serve this CustomResourceDefinition.', required: ['plural', 'kind'] },
  ),
  [ext('CustomResourceDefinitionVersion')]: obj(
    {
      name: str('The version name, e.g. "v1", "v2beta1"; served under /apis/<group>/<version>/...'),
      served: bool('Whether this version is enabled via REST APIs.'),
      storage: bool('Whether this version is used when persisting custom resources; exactly one version must be.'),
      deprecated: bool('Whether this version of the custom resource API is deprecated.'),
      deprecationWarning: str('Overrides the default warning returned to API clients.'),
      schema: obj({ openAPIV3Schema: ref(ext('JSONSchemaProps'), 'The OpenAPI v3 schema used for validation and pruning.') }, { description: 'The schema used for validation, pruning, and defaulting of this version of the custom resource.' }),
      subresources: obj(
        {
          status: obj({}, { description: 'Enables the /status subresource; the main endpoint then ignores status changes.' }),
          scale: obj(
            {
              specReplicasPath: str('The JSON path inside the custom resource that corresponds to Scale spec.replicas.'),
              statusReplicasPath: str('The JSON path inside the custom resource that corresponds to Scale status.replicas.'),
              labelSelectorPath: str('The JSON path inside the custom resource that corresponds to Scale status.selector.'),
            },
            { description: 'Enables the /scale subresource.', required: ['specReplicasPath', 'statusReplicasPath'] },
          ),
        },
        { description: 'The subresources this version of the custom resource has.' },
      ),
      additionalPrinterColumns: atomicList(
        obj(
          {
            name: str('A human readable name for the column.'),
            type: str('An OpenAPI type definition for this column: integer, number, string, boolean or date.'),
            format: str('An optional OpenAPI type definition for this column.'),
            description: str('A human readable description of this column.'),
            priority: int32('An integer defining the relative importance of this column; above 0 is shown with -o wide.'),
            jsonPath: str('A simple JSON path evaluated against each custom resource to produce the value for this column.'),
          },
          { required: ['name', 'type', 'jsonPath'] },
        ),
        'Additional columns returned in Table output.',
      ),
      selectableFields: atomicList(obj({ jsonPath: str('A simple JSON path to a field usable in field selectors.') }, { required: ['jsonPath'] }), 'Fields that may be used as field selectors.'),
    },
    { description: 'CustomResourceDefinitionVersion describes a version for CRD.', required: ['name', 'served', 'storage'] },
  ),
  [ext('JSONSchemaProps')]: anyJson('JSONSchemaProps is a JSON-Schema following Specification Draft 4 (http://json-schema.org/).'),
  [ext('CustomResourceDefinitionStatus')]: obj(
    {
      conditions: list(
        obj(
          { type: str('The type of the condition: Established, NamesAccepted, Terminating.'), status: str('The status of the condition: True, False, Unknown.'), lastTransitionTime: time('Last time the condition transitioned.'), reason: str("The reason for the condition's last transition."), message: str('Details about the last transition.') },
          { required: ['type', 'status'] },
        ),
        { description: 'The observations of a CRD\'s current state.', listType: 'map', mapKeys: ['type'] },
      ),
      acceptedNames: ref(ext('CustomResourceDefinitionNames'), 'The names actually being used to serve discovery.'),
      storedVersions: atomicList(str(), 'All versions of this resource that were ever persisted.'),
    },
    { description: 'CustomResourceDefinitionStatus indicates the state of the CustomResourceDefinition.' },
  ),
};
