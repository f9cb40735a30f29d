// Escalation prevention's rule breakdown and message, RBAC aggregation, and LimitRanger's defaults
// and bounds.

import { describe, expect, it } from 'vitest';
import { applyContainerDefaults, containerViolation } from '../../../../src/apiserver/admission/limit-ranger.js';
import { resourceAttributes } from '../../../../src/apiserver/authz/attributes.js';
import { compactString, escalationMessage, missingRules } from '../../../../src/apiserver/authz/escalation-check.js';
import { RbacAuthorizer } from '../../../../src/apiserver/authz/rbac-authorizer.js';
import type { RbacObjects } from '../../../../src/apiserver/authz/rbac-source.js';
import type { KubeObject } from '../../../../src/apiserver/schema/types.js';

const carol = { username: 'carol', groups: ['system:authenticated'] };

describe('escalation', () => {
  const owner = [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', 'pods/log'] }, { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }];
  it.each([
    ['held rules', [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], []],
    ['a subresource held', [{ verbs: ['list'], apiGroups: [''], resources: ['pods/log'] }], []],
    ['a name-restricted rule within the owner name', [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }], []],
    ['another verb', [{ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods'] }], ['{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}']],
    ['unrestricted where the owner is name-restricted', [{ verbs: ['get'], apiGroups: [''], resources: ['configmaps'] }], ['{APIGroups:[""], Resources:["configmaps"], Verbs:["get"]}']],
    ['a wildcard', [{ verbs: ['*'], apiGroups: [''], resources: ['pods'] }], ['{APIGroups:[""], Resources:["pods"], Verbs:["*"]}']],
    ['a URL', [{ verbs: ['get'], nonResourceURLs: ['/metrics'] }], ['{NonResourceURLs:["/metrics"], Verbs:["get"]}']],
  ])('%s', (_name, wanted, missing) => {
    expect(missingRules(owner, wanted, carol).map(compactString)).toEqual(missing);
  });

  it('words the refusal as kube does', () => {
    expect(escalationMessage(carol, [{ verbs: ['list'], apiGroups: [''], resources: ['nodes'] }])).toBe(
      'user "carol" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["nodes"], Verbs:["list"]}',
    );
  });
});

describe('RBAC aggregation and bindings', () => {
  const clusterRole = (name: string, labels: Record<string, string>, rules: unknown[], aggregateFrom?: string): KubeObject => ({
    metadata: { name, labels },
    rules,
    ...(aggregateFrom ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [`aggregate-to-${aggregateFrom}`]: 'true' } }] } } : {}),
  });
  const roles = [
    clusterRole('admin', {}, [], 'admin'),
    clusterRole('edit', { 'aggregate-to-admin': 'true' }, [], 'edit'),
    clusterRole('to-edit', { 'aggregate-to-edit': 'true' }, [{ verbs: ['create'], apiGroups: [''], resources: ['pods'] }]),
    clusterRole('to-admin', { 'aggregate-to-admin': 'true' }, [{ verbs: ['create'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'] }]),
  ];
  const objects: RbacObjects = {
    clusterRoles: () => roles,
    clusterRole: (name) => roles.find((r) => r.metadata?.name === name),
    clusterRoleBindings: () => [],
    role: () => undefined,
    roleBindings: (ns) => (ns === 'team' ? [{ metadata: { name: 'b' }, roleRef: { kind: 'ClusterRole', name: 'admin' }, subjects: [{ kind: 'User', name: 'carol' }] }] : []),
  };
  const rbac = new RbacAuthorizer(objects);

  it('nests aggregation (admin gets what edit aggregates)', () => {
    expect(rbac.clusterRoleRules('admin').map((r) => r.resources![0])).toEqual(['pods', 'roles']);
  });

  it.each([
    ['create', 'pods', 'team', 'allow'],
    ['create', 'pods', 'default', 'no-opinion'],
    ['delete', 'pods', 'team', 'no-opinion'],
  ])('%s %s in %s: %s', (verb, resource, namespace, decision) => {
    expect(rbac.authorize(resourceAttributes(carol, { verb, resource, namespace })).decision).toBe(decision);
  });
});

describe('LimitRanger', () => {
  const limit = { type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '250m' }, max: { cpu: '1' }, min: { cpu: '100m' } };
  it('fills only what a container does not set', () => {
    const container: Record<string, unknown> = { name: 'c', resources: { limits: { cpu: '800m' } } };
    applyContainerDefaults(container, limit);
    expect(container['resources']).toEqual({ limits: { cpu: '800m' }, requests: { cpu: '250m' } });
  });

  it.each([
    [{ limits: { cpu: '1' }, requests: { cpu: '100m' } }, undefined],
    [{ limits: { cpu: '1500m' }, requests: { cpu: '100m' } }, 'maximum cpu usage per Container is 1, but limit is 1500m'],
    [{ requests: { cpu: '100m' } }, 'maximum cpu usage per Container is 1.  No limit is specified'],
    [{ limits: { cpu: '1' }, requests: { cpu: '50m' } }, 'minimum cpu usage per Container is 100m, but request is 50m'],
  ])('%j', (resources, violation) => {
    expect(containerViolation({ name: 'c', resources }, limit)).toBe(violation);
  });
});
