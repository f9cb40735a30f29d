// Custom resources from a CRD: specs per served version, schemas, defaults, printer columns.
import { describe, expect, it } from 'vitest';
import { builtinSchemas, resourceSpecFromCrd } from '../../../../src/apiserver/resources/index.js';
import { checkAgainstSchema, openApiV3Document } from '../../../../src/apiserver/schema/index.js';
import type { KubeObject } from '../../../../src/apiserver/schema/types.js';
import { printed } from './support.js';

const crd: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'crontabs.stable.example.com' },
  spec: {
    group: 'stable.example.com',
    scope: 'Namespaced',
    names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', shortNames: ['ct'], categories: ['all'] },
    versions: [
      { name: 'v1beta1', served: false, storage: false, schema: { openAPIV3Schema: { type: 'object' } } },
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
        additionalPrinterColumns: [
          { name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' },
          { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
          { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status', priority: 1 },
        ],
        selectableFields: [{ jsonPath: '.spec.cronSpec' }],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['cronSpec'],
                properties: { cronSpec: { type: 'string' }, image: { type: 'string', default: 'busybox' }, replicas: { type: 'integer', minimum: 0, default: 1 } },
              },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      },
    ],
  },
};

describe('resourceSpecFromCrd', () => {
  const { resources, schemas } = resourceSpecFromCrd(crd);
  const spec = resources[0]!;
  const components = { ...builtinSchemas(), ...schemas };

  it('serves only the served versions, under <group>/<plural> keys', () => {
    expect(resources.map((r) => `${r.group}/${r.version} ${r.kind} ${r.plural} ${r.singular} ${r.listKind}`)).toEqual(['stable.example.com/v1 CronTab crontabs crontab CronTabList']);
    expect(spec).toMatchObject({ namespaced: true, shortNames: ['ct'], categories: ['all'], storagePath: 'stable.example.com/crontabs', schemaName: 'com.example.stable.v1.CronTab' });
    expect(spec.subresources.map((s) => s.name)).toEqual(['status', 'scale']);
    expect(spec.subresources[1]!.scalePaths).toEqual({ specReplicas: '.spec.replicas', statusReplicas: '.status.replicas' });
    expect(spec.fieldSelectors['spec.cronSpec']!({ spec: { cronSpec: '* * * * *' } })).toBe('* * * * *');
  });

  it('defaults from the schema and prunes unknown fields', () => {
    const cr: KubeObject = { apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'a', namespace: 'default' }, spec: { cronSpec: '* * * * */5', colour: 'red' } };
    expect(checkAgainstSchema(cr, spec.schemaName, components).unknownFields).toEqual(['.spec.colour']);
    spec.defaults(cr, undefined);
    expect(cr.spec).toEqual({ cronSpec: '* * * * */5', colour: 'red', image: 'busybox', replicas: 1 });
    expect(checkAgainstSchema({ metadata: { name: 'b' }, spec: { replicas: -1 } }, spec.schemaName, components).causes.map((c) => c.field)).toEqual(['spec.cronSpec', 'spec.replicas']);
    expect(printed(spec.validate({ metadata: { name: 'Bad' } }, undefined))[0]).toMatch(/^metadata.name: Invalid value: "Bad": a lowercase RFC 1123 subdomain/);
  });

  it('prints the additional printer columns after Name', () => {
    expect(spec.table.columns.map((c) => [c.name, c.type, c.priority])).toEqual([['Name', 'string', 0], ['Spec', 'string', 0], ['Replicas', 'integer', 0], ['Ready', 'string', 1]]);
    const cr = { metadata: { name: 'a' }, spec: { cronSpec: '*/5 * * * *', replicas: 2 }, status: { conditions: [{ type: 'Ready', status: 'True' }] } };
    expect(spec.table.row(cr, new Date())).toEqual(['a', '*/5 * * * *', 2, 'True']);
  });

  it('gives an Age column when the CRD has no printer columns', () => {
    const bare = structuredClone(crd) as Record<string, any>;
    delete bare.spec.versions[1].additionalPrinterColumns;
    const table = resourceSpecFromCrd(bare).resources[0]!.table;
    expect(table.columns.map((c) => c.name)).toEqual(['Name', 'Age']);
    expect(table.row({ metadata: { name: 'a', creationTimestamp: '2026-01-01T00:00:00Z' } }, new Date('2026-01-01T00:00:30Z'))).toEqual(['a', '30s']);
  });

  it('appears in its group-version document without a strategic-merge PATCH body', () => {
    const document = openApiV3Document('stable.example.com/v1', resources, components);
    const patch = document.paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}']!.patch as { requestBody: { content: Record<string, unknown> } };
    expect(Object.keys(patch.requestBody.content)).not.toContain('application/strategic-merge-patch+json');
    expect(document.components.schemas['com.example.stable.v1.CronTab']!['x-kubernetes-group-version-kind']).toEqual([{ group: 'stable.example.com', version: 'v1', kind: 'CronTab' }]);
  });
});
