// /openapi/v3 documents: valid JSON, every served kind with its PATCH operation as kubectl's
// QueryParamVerifierV3 looks for it, every $ref resolving within its document, and a hashed index.
import { describe, expect, it } from 'vitest';
import { builtinResources, builtinSchemas } from '../../../../src/apiserver/resources/index.js';
import { groupVersionOf, openApiV3Document, openApiV3Index } from '../../../../src/apiserver/schema/index.js';

const specs = builtinResources();
const components = builtinSchemas();
const groupVersions = [...new Set(specs.map(groupVersionOf))];

function refsIn(node: unknown, into: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, into));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') into.push(v);
      else refsIn(v, into);
    }
  }
  return into;
}

describe('openapi v3', () => {
  it('indexes every group-version with a content hash', () => {
    const index = openApiV3Index(specs, '/openapi/v3', components);
    expect(Object.keys(index.paths).sort()).toEqual([
      'api/v1',
      'apis/admissionregistration.k8s.io/v1',
      'apis/apiextensions.k8s.io/v1',
      'apis/apps/v1',
      'apis/batch/v1',
      'apis/coordination.k8s.io/v1',
      'apis/discovery.k8s.io/v1',
      'apis/events.k8s.io/v1',
      'apis/networking.k8s.io/v1',
      'apis/policy/v1',
      'apis/rbac.authorization.k8s.io/v1',
      'apis/scheduling.k8s.io/v1',
    ]);
    expect(index.paths['apis/apps/v1']!.serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
    expect(openApiV3Index(specs, '/openapi/v3', components)).toEqual(index);
  });

  it.each(groupVersions)('%s: a valid document whose refs all resolve and whose kinds all have a PATCH with fieldValidation', (gv) => {
    const document = JSON.parse(JSON.stringify(openApiV3Document(gv, specs, components)));
    expect(document.openapi).toBe('3.0.0');
    const schemas = document.components.schemas as Record<string, unknown>;
    for (const ref of refsIn(document)) expect(schemas[ref.replace('#/components/schemas/', '')], ref).toBeDefined();
    for (const spec of specs.filter((s) => groupVersionOf(s) === gv)) {
      const gvk = { group: spec.group, version: spec.version, kind: spec.kind };
      const patches = Object.values(document.paths as Record<string, { patch?: { 'x-kubernetes-group-version-kind': unknown; parameters: { name: string }[]; requestBody: { content: Record<string, unknown> } } }>)
        .map((path) => path.patch)
        .filter((op) => op && JSON.stringify(op['x-kubernetes-group-version-kind']) === JSON.stringify(gvk));
      expect(patches.length, spec.kind).toBeGreaterThan(0);
      expect(patches[0]!.parameters.map((p) => p.name)).toContain('fieldValidation');
      expect(Object.keys(patches[0]!.requestBody.content)).toContain('application/strategic-merge-patch+json');
      expect(schemas[spec.schemaName]).toBeDefined();
    }
  });

  it('lays out namespaced paths with their subresources', () => {
    const paths = Object.keys(openApiV3Document('apps/v1', specs, components).paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/apis/apps/v1/namespaces/{namespace}/deployments',
        '/apis/apps/v1/namespaces/{namespace}/deployments/{name}',
        '/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status',
        '/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale',
        '/apis/apps/v1/deployments',
      ]),
    );
    const scale = openApiV3Document('apps/v1', specs, components).paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']!.patch as Record<string, unknown>;
    expect(scale['x-kubernetes-group-version-kind']).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
  });

  it('carries the strategic-merge keys kubectl apply reads', () => {
    const schemas = openApiV3Document('v1', specs, components).components.schemas;
    const podSpec = schemas['io.k8s.api.core.v1.PodSpec']!.properties!;
    expect(podSpec.containers).toMatchObject({ 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] });
    expect(podSpec.volumes).toMatchObject({ 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge,retainKeys' });
    expect(podSpec.tolerations).toMatchObject({ 'x-kubernetes-list-type': 'atomic' });
    expect(podSpec.tolerations!['x-kubernetes-patch-strategy']).toBeUndefined();
    const container = schemas['io.k8s.api.core.v1.Container']!.properties!;
    expect(container.ports).toMatchObject({ 'x-kubernetes-patch-merge-key': 'containerPort', 'x-kubernetes-list-map-keys': ['containerPort', 'protocol'] });
    expect(container.volumeMounts).toMatchObject({ 'x-kubernetes-patch-merge-key': 'mountPath' });
    expect(container.env).toMatchObject({ 'x-kubernetes-patch-merge-key': 'name' });
    expect(schemas['io.k8s.api.core.v1.ServiceSpec']!.properties!.ports).toMatchObject({ 'x-kubernetes-patch-merge-key': 'port', 'x-kubernetes-list-map-keys': ['port', 'protocol'] });
  });
});
