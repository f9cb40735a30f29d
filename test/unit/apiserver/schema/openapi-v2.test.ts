// /openapi/v2: one Swagger 2.0 document from the same schemas as v3, every $ref resolving in its
// definitions, operations with body parameters, inline parameter types and consumes/produces; and its
// definitions as gnostic's protobuf Document, which kubectl 1.27 and 1.28 validate manifests with.
import { describe, expect, it } from 'vitest';
import { builtinResources, builtinSchemas } from '../../../../src/apiserver/resources/index.js';
import protobuf from 'protobufjs';
import { openApiV2Document, openApiV2Protobuf } from '../../../../src/apiserver/schema/index.js';

const document = openApiV2Document(builtinResources(), builtinSchemas());

function keysAndRefs(node: unknown, keys: Set<string>, refs: string[]): void {
  if (Array.isArray(node)) node.forEach((n) => keysAndRefs(n, keys, refs));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      keys.add(k);
      if (k === '$ref' && typeof v === 'string') refs.push(v);
      else keysAndRefs(v, keys, refs);
    }
  }
}

describe('openapi v2', () => {
  it('is Swagger 2.0 whose refs all resolve in its definitions and which uses no v3 keywords', () => {
    expect(document).toMatchObject({ swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.0' } });
    const keys = new Set<string>();
    const refs: string[] = [];
    keysAndRefs(document, keys, refs);
    expect(refs.length).toBeGreaterThan(100);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/definitions\//);
      expect(document.definitions[ref.slice('#/definitions/'.length)], ref).toBeDefined();
    }
    for (const v3Only of ['allOf', 'requestBody', 'components', 'content']) expect(keys.has(v3Only), v3Only).toBe(false);
  });

  it('describes each kind once with its group-version-kind, and its operations the v2 way', () => {
    expect(document.definitions['io.k8s.api.apps.v1.Deployment']).toMatchObject({
      'x-kubernetes-group-version-kind': [{ group: 'apps', version: 'v1', kind: 'Deployment' }],
      properties: { metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', description: "Standard object's metadata." } },
    });
    const configMaps = document.paths['/api/v1/namespaces/{namespace}/configmaps']!;
    expect(configMaps['post']).toMatchObject({
      consumes: ['*/*'],
      produces: ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'],
      operationId: 'createCoreV1NamespacedConfigMap',
      parameters: expect.arrayContaining([
        { name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/io.k8s.api.core.v1.ConfigMap' } },
        expect.objectContaining({ name: 'fieldValidation', in: 'query', type: 'string' }),
      ]) as unknown,
      responses: { '200': { description: 'OK', schema: { $ref: '#/definitions/io.k8s.api.core.v1.ConfigMap' } } },
      'x-kubernetes-group-version-kind': { group: '', version: 'v1', kind: 'ConfigMap' },
    });
    const patch = document.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']!['patch'] as { consumes: string[] };
    expect(patch.consumes).toEqual(['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);
  });
});

/** A message's length-delimited fields by number (other wire types skipped). */
function fields(bytes: Uint8Array): Map<number, Uint8Array[]> {
  const out = new Map<number, Uint8Array[]>();
  const reader = protobuf.Reader.create(bytes);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if ((tag & 7) !== 2) {
      reader.skipType(tag & 7);
      continue;
    }
    out.set(tag >>> 3, [...(out.get(tag >>> 3) ?? []), reader.bytes()]);
  }
  return out;
}
const text = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('utf8');

describe('openapi v2 in protobuf', () => {
  it('carries every definition with its type, properties, refs and group-version-kind extension', () => {
    const doc = fields(openApiV2Protobuf(document));
    expect(text(doc.get(1)?.[0])).toBe('2.0');
    const named = (fields(doc.get(9)![0]!).get(1) ?? []).map(fields);
    expect(named.map((n) => text(n.get(1)?.[0]))).toEqual(Object.keys(document.definitions));
    const deployment = fields(named.find((n) => text(n.get(1)?.[0]) === 'io.k8s.api.apps.v1.Deployment')!.get(2)![0]!);
    expect(text(fields(deployment.get(22)![0]!).get(1)?.[0])).toBe('object');
    const properties = (fields(deployment.get(25)![0]!).get(1) ?? []).map(fields);
    expect(properties.map((p) => text(p.get(1)?.[0]))).toEqual(['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    expect(text(fields(properties[2]!.get(2)![0]!).get(1)?.[0])).toBe('#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    const extension = (deployment.get(31) ?? []).map(fields).find((e) => text(e.get(1)?.[0]) === 'x-kubernetes-group-version-kind')!;
    expect(JSON.parse(text(fields(extension.get(2)![0]!).get(2)?.[0]))).toEqual([{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
  });
});
