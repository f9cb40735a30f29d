// The built-in resource catalogue: every kind the apiserver serves, with the names, scopes, key layout
// and subresources kube-apiserver 1.32 publishes, and a schema for each.
import { describe, expect, it } from 'vitest';
import { builtinResources, builtinSchemas } from '../../../../src/apiserver/resources/index.js';

const specs = builtinResources();
const byName = (group: string, plural: string) => {
  const spec = specs.find((s) => s.group === group && s.plural === plural);
  if (!spec) throw new Error(`no ${plural}.${group}`);
  return spec;
};

describe('built-in resources', () => {
  it.each([
    ['', 'namespaces', 'Namespace', false, 'namespaces', ['ns']],
    ['', 'pods', 'Pod', true, 'pods', ['po']],
    ['', 'nodes', 'Node', false, 'minions', ['no']],
    ['', 'services', 'Service', true, 'services/specs', ['svc']],
    ['', 'endpoints', 'Endpoints', true, 'services/endpoints', ['ep']],
    ['', 'configmaps', 'ConfigMap', true, 'configmaps', ['cm']],
    ['', 'secrets', 'Secret', true, 'secrets', []],
    ['', 'serviceaccounts', 'ServiceAccount', true, 'serviceaccounts', ['sa']],
    ['', 'events', 'Event', true, 'events', ['ev']],
    ['', 'limitranges', 'LimitRange', true, 'limitranges', ['limits']],
    ['', 'resourcequotas', 'ResourceQuota', true, 'resourcequotas', ['quota']],
    ['apps', 'deployments', 'Deployment', true, 'deployments', ['deploy']],
    ['apps', 'replicasets', 'ReplicaSet', true, 'replicasets', ['rs']],
    ['batch', 'jobs', 'Job', true, 'jobs', []],
    ['coordination.k8s.io', 'leases', 'Lease', true, 'leases', []],
    ['discovery.k8s.io', 'endpointslices', 'EndpointSlice', true, 'endpointslices', []],
    ['events.k8s.io', 'events', 'Event', true, 'events', ['ev']],
    ['rbac.authorization.k8s.io', 'roles', 'Role', true, 'roles', []],
    ['rbac.authorization.k8s.io', 'rolebindings', 'RoleBinding', true, 'rolebindings', []],
    ['rbac.authorization.k8s.io', 'clusterroles', 'ClusterRole', false, 'clusterroles', []],
    ['rbac.authorization.k8s.io', 'clusterrolebindings', 'ClusterRoleBinding', false, 'clusterrolebindings', []],
    ['apiextensions.k8s.io', 'customresourcedefinitions', 'CustomResourceDefinition', false, 'apiextensions.k8s.io/customresourcedefinitions', ['crd', 'crds']],
  ])('%s %s is %s, namespaced=%s, stored under %s', (group, plural, kind, namespaced, storagePath, shortNames) => {
    const spec = byName(group, plural);
    expect(spec.kind).toBe(kind);
    expect(spec.listKind).toBe(`${kind}List`);
    expect(spec.namespaced).toBe(namespaced);
    expect(spec.storagePath).toBe(storagePath);
    expect(spec.shortNames).toEqual(shortNames);
    expect(spec.singular).toBe(kind.toLowerCase());
  });

  it('puts the workload kinds in the "all" category, as kubectl get all expects', () => {
    const all = specs.filter((s) => s.categories.includes('all')).map((s) => s.plural).sort();
    expect(all).toEqual(['cronjobs', 'deployments', 'jobs', 'pods', 'replicasets', 'replicationcontrollers', 'services']);
  });

  it('serves status, scale, binding and eviction where the real server does', () => {
    const subs = (group: string, plural: string) => byName(group, plural).subresources.map((s) => s.name);
    expect(subs('', 'pods')).toEqual(['status', 'binding', 'eviction']);
    expect(subs('apps', 'deployments')).toEqual(['status', 'scale']);
    expect(subs('apps', 'replicasets')).toEqual(['status', 'scale']);
    expect(subs('batch', 'jobs')).toEqual(['status']);
    expect(subs('', 'configmaps')).toEqual([]);
    expect(byName('apps', 'deployments').subresources[1]!.responseKind).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
  });

  it('has a schema and a list schema for every kind, tagged with its group-version-kind', () => {
    const components = builtinSchemas();
    for (const spec of specs) {
      const schema = components[spec.schemaName];
      expect(schema, spec.schemaName).toBeDefined();
      expect(schema!['x-kubernetes-group-version-kind']).toEqual([{ group: spec.group, version: spec.version, kind: spec.kind }]);
      expect(components[`${spec.schemaName}List`]).toBeDefined();
    }
  });

  it('selects pods, nodes, secrets, jobs and replicasets by their field selectors with Go zero values', () => {
    const pod = { spec: { nodeName: 'n1', restartPolicy: 'Always' }, status: { phase: 'Running', podIP: '10.0.0.5' } };
    const pods = byName('', 'pods').fieldSelectors;
    expect(pods['spec.nodeName']!(pod)).toBe('n1');
    expect(pods['status.phase']!(pod)).toBe('Running');
    expect(pods['status.podIP']!(pod)).toBe('10.0.0.5');
    expect(pods['spec.nodeName']!({ spec: {} })).toBe('');
    expect(pods['spec.hostNetwork']!({ spec: {} })).toBe('false');
    expect(byName('', 'nodes').fieldSelectors['spec.unschedulable']!({ spec: { unschedulable: true } })).toBe('true');
    expect(byName('', 'secrets').fieldSelectors.type!({ type: 'Opaque' })).toBe('Opaque');
    expect(byName('batch', 'jobs').fieldSelectors['status.successful']!({})).toBe('0');
    expect(byName('apps', 'replicasets').fieldSelectors['status.replicas']!({ status: { replicas: 3 } })).toBe('3');
    const event = { involvedObject: { kind: 'Pod', name: 'web' }, reason: 'Scheduled', source: { component: 'default-scheduler' }, type: 'Normal' };
    const events = byName('', 'events').fieldSelectors;
    expect(events['involvedObject.name']!(event)).toBe('web');
    expect(events.source!(event)).toBe('default-scheduler');
  });
});
