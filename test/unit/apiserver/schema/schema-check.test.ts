// checkAgainstSchema: unknown fields named as kube-apiserver names them, JSON types in kube-openapi's
// wording, and the structural constraints custom resources carry.
import { describe, expect, it } from 'vitest';
import { builtinSchemas } from '../../../../src/apiserver/resources/index.js';
import { checkAgainstSchema, schemaResolver } from '../../../../src/apiserver/schema/index.js';
import type { SchemaNode } from '../../../../src/apiserver/schema/types.js';
import { printed } from './support.js';

const components = builtinSchemas();
const DEPLOYMENT = 'io.k8s.api.apps.v1.Deployment';

describe('unknown fields', () => {
  it('lists them with a leading dot, through lists and refs', () => {
    const result = checkAgainstSchema(
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', bogus: 1 }, spec: { foo: 1, template: { spec: { containers: [{ name: 'a', image: 'x', bar: true }] } } } },
      DEPLOYMENT,
      components,
    );
    expect(result.unknownFields).toEqual(['.metadata.bogus', '.spec.foo', '.spec.template.spec.containers[0].bar']);
  });

  it('accepts the volume sources and status fields it does not describe one by one', () => {
    const pod = {
      spec: { containers: [{ name: 'a' }], volumes: [{ name: 'v', csi: { driver: 'x', volumeAttributes: { a: 'b' } } }], securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } },
      status: { containerStatuses: [{ name: 'a', ready: true, restartCount: 0, image: 'x', imageID: '', allocatedResources: { cpu: '1' }, user: { linux: { uid: 0, gid: 0 } } }] },
    };
    expect(checkAgainstSchema(pod, 'io.k8s.api.core.v1.Pod', components)).toEqual({ unknownFields: [], causes: [] });
  });

  it('accepts every key of a map and anything under a free-form field', () => {
    const result = checkAgainstSchema(
      { metadata: { name: 'c', labels: { any: 'thing' }, managedFields: [{ manager: 'kubectl', fieldsV1: { 'f:data': { 'f:a': {} } } }] }, data: { 'some.key': 'v' } },
      'io.k8s.api.core.v1.ConfigMap',
      components,
    );
    expect(result).toEqual({ unknownFields: [], causes: [] });
  });
});

describe('types', () => {
  it('reports a type mismatch as CRD validation words it', () => {
    const result = checkAgainstSchema({ spec: { replicas: 'string', paused: 'yes', selector: { matchLabels: { app: 1 } } } }, DEPLOYMENT, components);
    expect(printed(result.causes)).toEqual([
      'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      'spec.paused: Invalid value: "string": spec.paused in body must be of type boolean: "string"',
      'spec.selector.matchLabels.app: Invalid value: "integer": spec.selector.matchLabels.app in body must be of type string: "integer"',
    ]);
    expect(result.causes.every((c) => c.reason === 'FieldValueTypeInvalid')).toBe(true);
  });

  it('takes numbers or strings for int-or-string and quantities, and null as absent for built-ins', () => {
    const ok = checkAgainstSchema(
      { spec: { replicas: null, strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } }, template: { spec: { containers: [{ name: 'a', resources: { limits: { cpu: 1, memory: '1Gi' } } }] } } } },
      DEPLOYMENT,
      components,
    );
    expect(ok.causes).toEqual([]);
    const bad = checkAgainstSchema({ spec: { strategy: { rollingUpdate: { maxSurge: true } } } }, DEPLOYMENT, components);
    expect(printed(bad.causes)).toEqual(['spec.strategy.rollingUpdate.maxSurge: Invalid value: "boolean": spec.strategy.rollingUpdate.maxSurge in body must be of type integer,string: "boolean"']);
  });

  it('words the first mismatch of a built-in kind as Go\'s decoder does, for the 400 kube-apiserver answers', () => {
    expect(checkAgainstSchema({ spec: { replicas: '3', paused: 'no' } }, DEPLOYMENT, components).decodeError).toBe(
      'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    );
    expect(checkAgainstSchema({ spec: { template: { spec: { containers: [{ name: 'a', ports: [{ containerPort: '80' }] }] } } } }, DEPLOYMENT, components).decodeError).toBe(
      'json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32',
    );
    expect(checkAgainstSchema({ spec: { template: { spec: { containers: {} } } } }, DEPLOYMENT, components).decodeError).toBe(
      'json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container',
    );
    expect(checkAgainstSchema({ spec: { replicas: 3 } }, DEPLOYMENT, components).decodeError).toBeUndefined();
  });

  it('decodes secret data as standard base64', () => {
    expect(checkAgainstSchema({ data: { ok: 'aGk=', bad: 'a*b=', short: 'abcde' } }, 'io.k8s.api.core.v1.Secret', components)).toMatchObject({
      causes: [
        { field: 'data.bad', message: 'Invalid value: "a*b=": illegal base64 data at input byte 1' },
        { field: 'data.short', message: 'Invalid value: "abcde": illegal base64 data at input byte 4' },
      ],
      decodeError: 'illegal base64 data at input byte 1',
    });
  });

  it('leaves required fields and enums of built-in kinds to their own validation', () => {
    expect(checkAgainstSchema({ spec: { restartPolicy: 'Sometimes' } }, 'io.k8s.api.core.v1.Pod', components).causes).toEqual([]);
  });
});

describe('structural schemas', () => {
  const custom: Record<string, SchemaNode> = {
    ...components,
    'com.example.v1.Widget': {
      type: 'object',
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
        spec: {
          type: 'object',
          required: ['size'],
          properties: {
            size: { type: 'string', enum: ['small', 'large'] },
            count: { type: 'integer', minimum: 1, maximum: 5 },
            name: { type: 'string', maxLength: 3, pattern: '^[a-z]+$' },
            tags: { type: 'array', items: { type: 'string' }, maxItems: 2, 'x-kubernetes-list-type': 'set' },
            note: { type: 'string', nullable: true },
            extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          },
        },
      },
    },
  };

  it('enforces required, enum, bounds, lengths, patterns, item counts and sets', () => {
    const result = checkAgainstSchema({ spec: { count: 9, name: 'ABCD', tags: ['a', 'a', 'b'], note: null, extra: { free: { form: 1 } } } }, 'com.example.v1.Widget', custom);
    expect(printed(result.causes)).toEqual([
      'spec.size: Required value',
      'spec.count: Invalid value: 9: spec.count in body should be less than or equal to 5',
      'spec.name: Too long: may not be more than 3 bytes',
      "spec.name: Invalid value: \"ABCD\": spec.name in body should match '^[a-z]+$'",
      'spec.tags: Too many: 3: must have at most 2 items',
      'spec.tags[1]: Duplicate value: "a"',
    ]);
    expect(result.unknownFields).toEqual([]);
  });

  it('rejects null where the schema is not nullable and names unsupported values', () => {
    const result = checkAgainstSchema({ spec: { size: 'medium', count: null } }, 'com.example.v1.Widget', custom);
    expect(printed(result.causes)).toEqual([
      'spec.size: Unsupported value: "medium": supported values: "small", "large"',
      'spec.count: Invalid value: "null": spec.count in body must be of type integer: "null"',
    ]);
  });
});

describe('resolver', () => {
  it('follows a ref and a described allOf ref to the component', () => {
    const resolve = schemaResolver(components);
    const podSpec = components['io.k8s.api.core.v1.Pod']!.properties!.spec!;
    expect(podSpec.allOf).toHaveLength(1);
    expect(resolve(podSpec)).toBe(components['io.k8s.api.core.v1.PodSpec']);
    expect(resolve({ $ref: '#/components/schemas/io.k8s.api.core.v1.Container' }).required).toEqual(['name']);
    expect(resolve({ $ref: '#/components/schemas/does.not.Exist' })).toEqual({});
  });
});
