// RBAC rule and subject matching, and the Forbidden messages kube-apiserver writes.

import { describe, expect, it } from 'vitest';
import { forbiddenError, nonResourceAttributes, resourceAttributes } from '../../../../src/apiserver/authz/attributes.js';
import { ruleAllows, subjectMatches, type PolicyRule } from '../../../../src/apiserver/authz/policy-rules.js';

const alice = { username: 'alice', groups: ['devs', 'system:authenticated'] };

describe('ruleAllows', () => {
  const cases: [string, PolicyRule, Parameters<typeof resourceAttributes>[1], boolean][] = [
    ['exact verb, group and resource', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, { verb: 'get', resource: 'pods' }, true],
    ['another verb', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, { verb: 'delete', resource: 'pods' }, false],
    ['another group', { verbs: ['get'], apiGroups: ['apps'], resources: ['pods'] }, { verb: 'get', resource: 'pods' }, false],
    ['wildcards', { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verb: 'patch', group: 'apps', resource: 'deployments', subresource: 'scale' }, true],
    ['a resource rule does not grant its subresource', { verbs: ['update'], apiGroups: [''], resources: ['pods'] }, { verb: 'update', resource: 'pods', subresource: 'status' }, false],
    ['resource/subresource', { verbs: ['update'], apiGroups: [''], resources: ['pods/status'] }, { verb: 'update', resource: 'pods', subresource: 'status' }, true],
    ['*/subresource', { verbs: ['get'], apiGroups: ['*'], resources: ['*/scale'] }, { verb: 'get', group: 'apps', resource: 'deployments', subresource: 'scale' }, true],
    ['resourceNames match the name', { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, { verb: 'get', resource: 'configmaps', name: 'a' }, true],
    ['resourceNames never match a list', { verbs: ['list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, { verb: 'list', resource: 'configmaps' }, false],
    ['nonResourceURLs do not grant resources', { verbs: ['get'], nonResourceURLs: ['*'] }, { verb: 'get', resource: 'pods' }, false],
  ];
  it.each(cases)('%s', (_name, rule, request, allowed) => {
    expect(ruleAllows(resourceAttributes(alice, request), rule)).toBe(allowed);
  });

  const urlCases: [string, string[], string, boolean][] = [
    ['exact path', ['/healthz'], '/healthz', true],
    ['prefix star', ['/apis/*'], '/apis/apps/v1', true],
    ['star alone', ['*'], '/metrics', true],
    ['other path', ['/healthz'], '/metrics', false],
  ];
  it.each(urlCases)('non-resource: %s', (_name, urls, path, allowed) => {
    expect(ruleAllows(nonResourceAttributes(alice, 'get', path), { verbs: ['get'], nonResourceURLs: urls })).toBe(allowed);
  });
});

describe('subjectMatches', () => {
  const sa = { username: 'system:serviceaccount:team:bot', groups: ['system:serviceaccounts'] };
  it.each([
    ['User by name', alice, { kind: 'User', name: 'alice' }, '', true],
    ['User of another name', alice, { kind: 'User', name: 'bob' }, '', false],
    ['Group membership', alice, { kind: 'Group', name: 'devs' }, '', true],
    ['ServiceAccount with its namespace', sa, { kind: 'ServiceAccount', name: 'bot', namespace: 'team' }, '', true],
    ['ServiceAccount in the binding namespace', sa, { kind: 'ServiceAccount', name: 'bot' }, 'team', true],
    ['ServiceAccount of another namespace', sa, { kind: 'ServiceAccount', name: 'bot', namespace: 'other' }, '', false],
  ])('%s', (_name, user, subject, namespace, expected) => {
    expect(subjectMatches(user, subject, namespace)).toBe(expected);
  });
});

describe('forbiddenError', () => {
  it.each([
    [{ verb: 'list', resource: 'pods', namespace: 'default' }, 'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"'],
    [{ verb: 'get', resource: 'secrets', namespace: 'team', name: 'x' }, 'secrets "x" is forbidden: User "alice" cannot get resource "secrets" in API group "" in the namespace "team"'],
    [{ verb: 'update', group: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'a', name: 'web' }, 'deployments.apps "web" is forbidden: User "alice" cannot update resource "deployments/scale" in API group "apps" in the namespace "a"'],
    [{ verb: 'list', resource: 'nodes' }, 'nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope'],
  ])('%j', (request, message) => {
    const err = forbiddenError(resourceAttributes(alice, request), '');
    expect(err.code).toBe(403);
    expect(err.message).toBe(message);
    expect(err.toStatus()).toMatchObject({ reason: 'Forbidden', details: { kind: request.resource } });
  });

  it('names the path of a non-resource request and appends the reason', () => {
    expect(forbiddenError(nonResourceAttributes(alice, 'get', '/metrics'), 'Everything is forbidden.').message).toBe('forbidden: User "alice" cannot get path "/metrics": Everything is forbidden.');
  });
});
