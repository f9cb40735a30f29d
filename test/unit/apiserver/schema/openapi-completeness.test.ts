// Every kind discovery names has a schema in /openapi: the walk goes over aggregated discovery (each
// resource's and subresource's responseKind) and looks the kind up by its x-kubernetes-group-version-kind
// in the group-version's v3 document and in the v2 document, as `kubectl explain` and kubectl's
// client-side validation do. A kind added to discovery without a schema fails here.
import { describe, expect, it } from 'vitest';
import { aggregatedDiscovery } from '../../../../src/apiserver/discovery/aggregated-discovery.js';
import { openApiDocument, openApiIndex, openApiV2 } from '../../../../src/apiserver/discovery/openapi.js';
import { ResourceRegistry } from '../../../../src/apiserver/registry/resource-registry.js';
import { builtinResources, builtinSchemas } from '../../../../src/apiserver/resources/index.js';

type Gvk = { group: string; version: string; kind: string };
interface DiscoveredResource {
  resource: string;
  responseKind: Gvk;
  verbs: string[];
  subresources?: { subresource: string; responseKind: Gvk }[];
}
interface DiscoveryGroup {
  metadata: { name?: string };
  versions: { version: string; resources: DiscoveredResource[] }[];
}

const sources = { registry: new ResourceRegistry(builtinResources()), components: builtinSchemas() };

/** [group-version root, resource path, kind] for every kind discovery names. */
function discoveredKinds(): [string, string, Gvk][] {
  const out: [string, string, Gvk][] = [];
  for (const legacy of [true, false]) {
    const groups = (aggregatedDiscovery(sources.registry, 'v2', legacy) as { items: DiscoveryGroup[] }).items;
    for (const group of groups) {
      for (const { version, resources } of group.versions) {
        const root = legacy ? `api/${version}` : `apis/${group.metadata.name}/${version}`;
        for (const resource of resources) {
          out.push([root, resource.resource, resource.responseKind]);
          for (const sub of resource.subresources ?? []) out.push([root, `${resource.resource}/${sub.subresource}`, sub.responseKind]);
        }
      }
    }
  }
  return out;
}

const tagged = (schemas: Record<string, unknown>, gvk: Gvk): string[] =>
  Object.entries(schemas)
    .filter(([, schema]) => ((schema as { 'x-kubernetes-group-version-kind'?: Gvk[] })['x-kubernetes-group-version-kind'] ?? []).some((k) => k.group === gvk.group && k.version === gvk.version && k.kind === gvk.kind))
    .map(([name]) => name);

const kinds = discoveredKinds();

describe('every discovered kind is in /openapi', () => {
  it('discovery names the review kinds and the subresource kinds', () => {
    const names = kinds.map(([, , gvk]) => gvk.kind);
    for (const kind of ['TokenReview', 'SelfSubjectReview', 'SubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'Binding', 'Eviction', 'Scale']) {
      expect(names).toContain(kind);
    }
  });

  it('indexes every discovered group-version', () => {
    const indexed = Object.keys((openApiIndex(sources) as { paths: Record<string, unknown> }).paths);
    expect(indexed.sort()).toEqual([...new Set(kinds.map(([root]) => root))].sort());
  });

  it.each(kinds)('%s %s: its kind has a schema in the v3 document and in v2', (root, _resource, gvk) => {
    const document = openApiDocument(sources, root);
    expect(document, root).toBeDefined();
    expect(tagged(document!.components.schemas, gvk), JSON.stringify(gvk)).toHaveLength(1);
    expect(tagged(openApiV2(sources).definitions, gvk), JSON.stringify(gvk)).toHaveLength(1);
  });

  it('publishes the review kinds as kube-apiserver does: one POST each, namespaced for LocalSubjectAccessReview', () => {
    const authn = openApiDocument(sources, 'apis/authentication.k8s.io/v1')!;
    expect(Object.keys(authn.paths).sort()).toEqual(['/apis/authentication.k8s.io/v1/selfsubjectreviews', '/apis/authentication.k8s.io/v1/tokenreviews']);
    const tokenReviews = authn.paths['/apis/authentication.k8s.io/v1/tokenreviews']!;
    expect(Object.keys(tokenReviews).filter((k) => k !== 'parameters')).toEqual(['post']);
    expect(tokenReviews['post']).toMatchObject({ operationId: 'createAuthenticationV1TokenReview', 'x-kubernetes-action': 'post' });
    const authz = openApiDocument(sources, 'apis/authorization.k8s.io/v1')!;
    expect(Object.keys(authz.paths)).toContain('/apis/authorization.k8s.io/v1/namespaces/{namespace}/localsubjectaccessreviews');
    const spec = authz.components.schemas['io.k8s.api.authorization.v1.SubjectAccessReviewSpec']!;
    expect(Object.keys(spec.properties!).sort()).toEqual(['extra', 'groups', 'nonResourceAttributes', 'resourceAttributes', 'uid', 'user']);
  });

  it('publishes the create-only subresources with their own kinds', () => {
    const core = openApiDocument(sources, 'api/v1')!;
    const eviction = core.paths['/api/v1/namespaces/{namespace}/pods/{name}/eviction']!;
    expect(eviction['post']).toMatchObject({ 'x-kubernetes-group-version-kind': { group: 'policy', version: 'v1', kind: 'Eviction' } });
    expect(eviction['patch']).toBeUndefined();
  });
});
