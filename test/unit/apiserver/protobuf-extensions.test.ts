// Protobuf for the API-extension kinds kube serves in it: admissionregistration.k8s.io/v1 webhook
// configurations and ValidatingAdmissionPolicy(+Binding), apiextensions.k8s.io/v1 CustomResourceDefinition.
// Objects in Go's JSON form round-trip through the encoder and the decoder; hand-built messages (field
// numbers from kube's generated.proto) decode to what Go prints and re-encode to the same bytes, as
// gogo writes them: every value field, in number order.
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeKubernetesProtobuf } from '../../../src/apiserver/protobuf/decode.js';
import { encodeKubernetesProtobuf, hasProtobufMessage, Unencodable } from '../../../src/apiserver/protobuf/encode.js';
import { envelope, message, type Field } from './protobuf-fixtures.js';

type Json = Record<string, unknown>;

const roundTrip = (obj: Json) => decodeKubernetesProtobuf(encodeKubernetesProtobuf(obj));
const ADMISSION = 'admissionregistration.k8s.io/v1';
const EXTENSIONS = 'apiextensions.k8s.io/v1';
const meta = (name: string): Json => ({ name, uid: 'u-1', resourceVersion: '5', generation: 1, creationTimestamp: '2026-12-03T06:00:00Z' });

/** The message inside an envelope, as [number, raw value] pairs (bytes for length-delimited fields). */
function fieldsOf(bytes: Uint8Array): [number, unknown][] {
  const reader = protobuf.Reader.create(bytes);
  const out: [number, unknown][] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const wire = tag & 7;
    out.push([tag >>> 3, wire === 2 ? reader.bytes() : wire === 1 ? reader.double() : Number(reader.int64())]);
  }
  return out;
}
const rawOf = (body: Buffer): Uint8Array => fieldsOf(body.subarray(4)).find(([n]) => n === 2)![1] as Uint8Array;

const webhook = (extra: Json): Json => ({
  name: 'check.example.com',
  clientConfig: { service: { namespace: 'hooks', name: 'checker', path: '/validate', port: 8443 }, caBundle: 'LS0tLS1CRUdJTg==' },
  rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods', 'pods/status'], scope: 'Namespaced' }],
  failurePolicy: 'Fail',
  matchPolicy: 'Equivalent',
  namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] },
  objectSelector: {},
  sideEffects: 'None',
  timeoutSeconds: 10,
  admissionReviewVersions: ['v1', 'v1beta1'],
  matchConditions: [{ name: 'not-system', expression: "!request.userInfo.username.startsWith('system:')" }],
  ...extra,
});

const SCHEMA: Json = {
  type: 'object',
  required: ['spec'],
  properties: {
    spec: {
      type: 'object',
      description: 'desired state',
      properties: {
        developer: { type: 'string', minLength: 1, maxLength: 63, pattern: '^[a-z]+$', enum: ['alice', 'bob'] },
        size: { type: 'integer', default: 1, minimum: 0, maximum: 10.5, exclusiveMaximum: true, multipleOf: 0.5 },
        ports: {
          type: 'array',
          items: { type: 'object', properties: { port: { type: 'integer' } }, required: ['port'] },
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['port'],
          maxItems: 4,
        },
        pair: { type: 'array', items: [{ type: 'string' }, { type: 'integer' }], additionalItems: false },
        labels: { type: 'object', additionalProperties: { type: 'string' }, 'x-kubernetes-map-type': 'atomic' },
        open: { type: 'object', additionalProperties: true, 'x-kubernetes-preserve-unknown-fields': true },
        closed: { type: 'object', additionalProperties: false },
        port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true, nullable: true },
        either: { oneOf: [{ required: ['a'] }, { required: ['b'] }], not: { required: ['c'] }, allOf: [{ minProperties: 1 }] },
        deps: { type: 'object', dependencies: { a: ['b', 'c'], d: { required: ['e'] } }, patternProperties: { '^x-': { type: 'string' } } },
        example: { type: 'object', example: { a: [1, 'two', null, false] }, externalDocs: { description: 'more', url: 'https://example.com' } },
      },
      'x-kubernetes-validations': [
        { rule: 'self.size <= 10', message: 'too big', messageExpression: "'size ' + string(self.size)", reason: 'FieldValueForbidden', fieldPath: '.size' },
        { rule: 'self.developer == oldSelf.developer', optionalOldSelf: true },
      ],
    },
  },
};

describe('protobuf for webhook configurations and admission policies', () => {
  it('round-trips validating and mutating webhook configurations and their lists', () => {
    const validating: Json = { kind: 'ValidatingWebhookConfiguration', apiVersion: ADMISSION, metadata: meta('v'), webhooks: [webhook({}), webhook({ name: 'url.example.com', clientConfig: { url: 'https://hooks.example.com/x' } })] };
    const mutating: Json = { kind: 'MutatingWebhookConfiguration', apiVersion: ADMISSION, metadata: meta('m'), webhooks: [webhook({ reinvocationPolicy: 'IfNeeded' })] };
    for (const obj of [validating, mutating]) expect(roundTrip(obj)).toEqual(obj);
    const list = encodeKubernetesProtobuf({ kind: 'MutatingWebhookConfigurationList', apiVersion: ADMISSION, metadata: { resourceVersion: '9' }, items: [mutating] });
    const [[, listMeta], [, item]] = fieldsOf(rawOf(list)) as [[number, Uint8Array], [number, Uint8Array]];
    expect(fieldsOf(listMeta).map(([n, v]) => [n, Buffer.from(v as Uint8Array).toString()])).toEqual([[1, ''], [2, '9'], [3, '']]);
    expect(decodeKubernetesProtobuf(envelope(ADMISSION, 'MutatingWebhookConfiguration', item))).toEqual(mutating);
  });

  it('reads webhook fields by their generated.proto numbers, the embedded rule inline, and prints a missing sideEffects as null', () => {
    const rule: Field[] = [[1, 'CREATE'], [2, [[1, 'apps'], [2, 'v1'], [3, 'deployments'], [4, '*']]]];
    const hook: Field[] = [[1, 'h.example.com'], [2, [[3, 'https://h.example.com']]], [3, rule], [4, 'Ignore'], [5, [[1, [[1, 'a'], [2, 'b']]]]], [7, 3], [8, 'v1'], [9, 'Exact'], [10, []], [11, [[1, 'c'], [2, 'true']]]];
    const body = envelope(ADMISSION, 'ValidatingWebhookConfiguration', message([[1, [[1, 'v']]], [2, hook]]));
    expect(decodeKubernetesProtobuf(body)).toEqual({
      kind: 'ValidatingWebhookConfiguration',
      apiVersion: ADMISSION,
      metadata: { name: 'v' },
      webhooks: [
        {
          name: 'h.example.com',
          clientConfig: { url: 'https://h.example.com' },
          rules: [{ operations: ['CREATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'], scope: '*' }],
          failurePolicy: 'Ignore',
          matchPolicy: 'Exact',
          namespaceSelector: { matchLabels: { a: 'b' } },
          objectSelector: {},
          sideEffects: null,
          timeoutSeconds: 3,
          admissionReviewVersions: ['v1'],
          matchConditions: [{ name: 'c', expression: 'true' }],
        },
      ],
    });
    // Mutating webhooks number objectSelector 11, reinvocationPolicy 10 and matchConditions 12.
    const mutating = message([[1, [[1, 'm']]], [2, [[1, 'h'], [2, []], [6, 'None'], [8, 'v1'], [10, 'Never'], [11, [[1, [[1, 'x'], [2, 'y']]]]], [12, [[1, 'c'], [2, 'true']]]]]]);
    expect(decodeKubernetesProtobuf(envelope(ADMISSION, 'MutatingWebhookConfiguration', mutating))['webhooks']).toEqual([
      { name: 'h', clientConfig: {}, objectSelector: { matchLabels: { x: 'y' } }, sideEffects: 'None', admissionReviewVersions: ['v1'], reinvocationPolicy: 'Never', matchConditions: [{ name: 'c', expression: 'true' }] },
    ]);
  });

  it('round-trips a ValidatingAdmissionPolicy with its status, and a binding with a param selector', () => {
    const policy: Json = {
      kind: 'ValidatingAdmissionPolicy',
      apiVersion: ADMISSION,
      metadata: meta('replicas'),
      spec: {
        paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
        matchConstraints: {
          namespaceSelector: {},
          objectSelector: {},
          resourceRules: [{ resourceNames: ['web'], operations: ['CREATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'] }],
          excludeResourceRules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*/scale'] }],
          matchPolicy: 'Equivalent',
        },
        validations: [{ expression: 'object.spec.replicas <= int(params.data.max)', message: 'too many', reason: 'Forbidden', messageExpression: "'max ' + params.data.max" }],
        failurePolicy: 'Fail',
        auditAnnotations: [{ key: 'replicas', valueExpression: 'string(object.spec.replicas)' }],
        matchConditions: [{ name: 'labelled', expression: "has(object.metadata.labels)" }],
        variables: [{ name: 'max', expression: 'int(params.data.max)' }],
      },
      status: {
        observedGeneration: 1,
        typeChecking: { expressionWarnings: [{ fieldRef: 'spec.validations[0].expression', warning: 'no such key' }] },
        conditions: [{ type: 'Ready', status: 'True', observedGeneration: 1, lastTransitionTime: '2026-12-03T06:00:00Z', reason: 'Checked', message: '' }],
      },
    };
    const binding: Json = {
      kind: 'ValidatingAdmissionPolicyBinding',
      apiVersion: ADMISSION,
      metadata: meta('replicas-binding'),
      spec: {
        policyName: 'replicas',
        paramRef: { namespace: 'default', selector: { matchLabels: { limits: 'true' } }, parameterNotFoundAction: 'Deny' },
        matchResources: { namespaceSelector: { matchLabels: { env: 'test' } }, objectSelector: {}, matchPolicy: 'Equivalent' },
        validationActions: ['Deny', 'Audit'],
      },
    };
    for (const obj of [policy, binding]) expect(roundTrip(obj)).toEqual(obj);
    expect(hasProtobufMessage(ADMISSION, 'ValidatingAdmissionPolicyBinding')).toBe(true);
  });
});

describe('protobuf for CustomResourceDefinitions', () => {
  const crd: Json = {
    kind: 'CustomResourceDefinition',
    apiVersion: EXTENSIONS,
    metadata: meta('flyingcubes.ktcloud.io'),
    spec: {
      group: 'ktcloud.io',
      names: { plural: 'flyingcubes', singular: 'flyingcube', shortNames: ['fc'], kind: 'Flyingcube', listKind: 'FlyingcubeList', categories: ['all'] },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: SCHEMA },
          subresources: { status: {}, scale: { specReplicasPath: '.spec.size', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
          additionalPrinterColumns: [{ name: 'Developer', type: 'string', jsonPath: '.spec.developer' }, { name: 'Size', type: 'integer', format: 'int32', description: 'cube size', priority: 1, jsonPath: '.spec.size' }],
          selectableFields: [{ jsonPath: '.spec.developer' }],
        },
        { name: 'v1beta1', served: false, storage: false, deprecated: true, deprecationWarning: 'use v1', schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
      ],
      conversion: { strategy: 'Webhook', webhook: { clientConfig: { service: { namespace: 'conv', name: 'conv', path: '/convert', port: 443 } }, conversionReviewVersions: ['v1'] } },
    },
    status: {
      conditions: [
        { type: 'NamesAccepted', status: 'True', lastTransitionTime: '2026-12-03T06:00:00Z', reason: 'NoConflicts', message: 'no conflicts found' },
        { type: 'Established', status: 'True', lastTransitionTime: '2026-12-03T06:00:01Z', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
      ],
      acceptedNames: { plural: 'flyingcubes', singular: 'flyingcube', shortNames: ['fc'], kind: 'Flyingcube', listKind: 'FlyingcubeList', categories: ['all'] },
      storedVersions: ['v1'],
    },
  };

  it('round-trips a CRD whose schema uses every JSONSchemaProps field and union form', () => {
    expect(roundTrip(crd)).toEqual(crd);
    const list = encodeKubernetesProtobuf({ kind: 'CustomResourceDefinitionList', apiVersion: EXTENSIONS, metadata: { resourceVersion: '3' }, items: [crd] });
    const item = fieldsOf(rawOf(list)).find(([n]) => n === 2)![1] as Uint8Array;
    expect(decodeKubernetesProtobuf(envelope(EXTENSIONS, 'CustomResourceDefinition', item))).toEqual(crd);
  });

  it('writes the schema unions as apiextensions does: items as schema (1) or list (2), additionalProperties as allows (1) and schema (2)', () => {
    const schemaOf = (props: Json): [number, unknown][] => {
      const body = encodeKubernetesProtobuf({ kind: 'CustomResourceDefinition', apiVersion: EXTENSIONS, metadata: { name: 'x' }, spec: { group: 'g', names: { plural: 'p', kind: 'K' }, scope: 'Cluster', versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: props } }] }, status: { acceptedNames: { plural: '', kind: '' }, storedVersions: [] } });
      const spec = fieldsOf(rawOf(body)).find(([n]) => n === 2)![1] as Uint8Array;
      const version = fieldsOf(spec).find(([n]) => n === 7)![1] as Uint8Array;
      const validation = fieldsOf(version).find(([n]) => n === 4)![1] as Uint8Array;
      return fieldsOf(fieldsOf(validation)[0]![1] as Uint8Array);
    };
    const union = (props: Json, number: number) => fieldsOf(schemaOf(props).find(([n]) => n === number)![1] as Uint8Array).map(([n, v]) => [n, v instanceof Uint8Array ? fieldsOf(v).length : v]);
    expect(union({ items: { type: 'string' } }, 24)).toEqual([[1, 13]]);
    expect(union({ items: [{ type: 'string' }, {}] }, 24)).toEqual([[2, 13], [2, 13]]);
    expect(union({ additionalProperties: false }, 30)).toEqual([[1, 0]]);
    expect(union({ additionalProperties: true }, 30)).toEqual([[1, 1]]);
    expect(union({ additionalProperties: { type: 'string' } }, 30)).toEqual([[1, 1], [2, 13]]);
    const deps = schemaOf({ dependencies: { a: ['b'] } }).find(([n]) => n === 32)![1] as Uint8Array;
    const [[, key], [, value]] = fieldsOf(deps) as [[number, Uint8Array], [number, Uint8Array]];
    expect([Buffer.from(key).toString(), fieldsOf(value).map(([n, v]) => [n, Buffer.from(v as Uint8Array).toString()])]).toEqual(['a', [[2, 'b']]]);
    // default and enum carry their JSON bytes (apiextensions' JSON message, field 1).
    const defaults = schemaOf({ default: { a: 1 }, enum: ['x', 2] });
    const json = (n: number) => defaults.filter(([f]) => f === n).map(([, v]) => Buffer.from(fieldsOf(v as Uint8Array)[0]![1] as Uint8Array).toString());
    expect([json(8), json(20)]).toEqual([['{"a":1}'], ['"x"', '2']]);
  });

  it('refuses a schema value no union can hold', () => {
    const bad = { ...crd, spec: { ...(crd['spec'] as Json), versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { additionalProperties: 'yes' } } }] } };
    expect(() => encodeKubernetesProtobuf(bad)).toThrow(Unencodable);
  });
});
