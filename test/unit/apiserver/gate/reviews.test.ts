// The review kinds as kube's typed decoder, validation and rule resolvers answer them, RBAC's "allowed
// by" reasons, and the extension-apiserver-authentication ConfigMap's data.

import { describe, expect, it } from 'vitest';
import { authenticationData, combinedBundle } from '../../../../src/apiserver/authn/authentication-configmap.js';
import { validateAccessReview } from '../../../../src/apiserver/authz/access-reviews.js';
import { resourceAttributes } from '../../../../src/apiserver/authz/attributes.js';
import { UnionAuthorizer } from '../../../../src/apiserver/authz/authorizers.js';
import { RbacAuthorizer } from '../../../../src/apiserver/authz/rbac-authorizer.js';
import type { RbacObjects } from '../../../../src/apiserver/authz/rbac-source.js';
import { decodeSpec, unknownTopLevel } from '../../../../src/apiserver/authz/review-shapes.js';
import { StatusError } from '../../../../src/apiserver/errors/status.js';
import type { KubeObject } from '../../../../src/apiserver/schema/types.js';
import { createCertificateAuthority } from '../../../../src/pki/certificates.js';

describe('review bodies as the typed decoder reads them', () => {
  it('drops empty and unknown fields, naming the unknown ones', () => {
    const unknown: string[] = [];
    const body = { spec: { user: 'alice', groups: [], uid: '', resourceAttributes: { verb: 'get', resource: 'pods', namespace: '', colour: 'red' }, bogus: 1 } };
    expect(decodeSpec('SubjectAccessReview', body, unknown)).toEqual({ user: 'alice', resourceAttributes: { verb: 'get', resource: 'pods' } });
    expect(unknown).toEqual(['spec.resourceAttributes.colour', 'spec.bogus']);
    expect(unknownTopLevel('SelfSubjectReview', { apiVersion: 'v', kind: 'k', spec: {}, extra: 1 })).toEqual(['spec', 'extra']);
  });

  it('refuses a field of the wrong type as a 400', () => {
    expect(() => decodeSpec('SelfSubjectAccessReview', { spec: { resourceAttributes: { verb: 5 } } }, [])).toThrow('json: cannot unmarshal number into Go struct field .spec.resourceAttributes.verb of type string');
  });
});

describe('access review validation', () => {
  const status = (kind: string, metadata: Record<string, unknown>, spec: Record<string, unknown>): unknown => {
    try {
      validateAccessReview(kind, metadata, spec);
      return undefined;
    } catch (err) {
      return (err as StatusError).toStatus();
    }
  };

  it('answers a review with neither attributes nor user as kube words it', () => {
    expect(status('SubjectAccessReview', {}, {})).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: '.authorization.k8s.io "" is invalid: [spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified, spec.user: Invalid value: "": at least one of user or group must be specified]',
      details: { group: 'authorization.k8s.io', causes: [{ field: 'spec.resourceAttributes' }, { field: 'spec.user' }] },
    });
  });

  it('checks a local review against its namespace, and keeps the self review from naming a user', () => {
    expect(status('LocalSubjectAccessReview', { namespace: 'a' }, { user: 'u', resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'b' } })).toMatchObject({
      message: '.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "b": must match metadata.namespace',
    });
    expect(status('LocalSubjectAccessReview', { namespace: 'a' }, { user: 'u', nonResourceAttributes: { verb: 'get', path: '/x' } })).toMatchObject({
      message: '.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: disallowed on this kind of request',
    });
    expect(status('SelfSubjectAccessReview', { creationTimestamp: null }, { nonResourceAttributes: { verb: 'get', path: '/x' } })).toBeUndefined();
    expect(status('SubjectAccessReview', { name: 'n' }, { groups: ['g'], nonResourceAttributes: { verb: 'get', path: '/x' } })).toMatchObject({ code: 422 });
  });
});

describe('rules and reasons', () => {
  const role: KubeObject = { metadata: { name: 'reader' }, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }, { verbs: ['get'], nonResourceURLs: ['/healthz'] }] };
  const objects: RbacObjects = {
    clusterRoles: () => [role],
    clusterRole: (name) => (name === 'reader' ? role : undefined),
    clusterRoleBindings: () => [{ metadata: { name: 'everyone' }, roleRef: { kind: 'ClusterRole', name: 'reader' }, subjects: [{ kind: 'Group', name: 'readers' }] }],
    role: () => undefined,
    roleBindings: (ns) => (ns === 'team' ? [{ metadata: { name: 'bot-reads', namespace: 'team' }, roleRef: { kind: 'ClusterRole', name: 'reader' }, subjects: [{ kind: 'ServiceAccount', name: 'bot' }] }] : []),
  };
  const rbac = new RbacAuthorizer(objects);
  const bot = { username: 'system:serviceaccount:team:bot', groups: [] };

  it('names the binding that allowed a request, as kube\'s RBAC reason does', () => {
    expect(rbac.authorize(resourceAttributes({ username: 'u', groups: ['readers'] }, { verb: 'get', resource: 'pods', namespace: 'x' }))).toEqual({
      decision: 'allow',
      reason: 'RBAC: allowed by ClusterRoleBinding "everyone" of ClusterRole "reader" to Group "readers"',
    });
    expect(rbac.authorize(resourceAttributes(bot, { verb: 'get', resource: 'pods', namespace: 'team' })).reason).toBe('RBAC: allowed by RoleBinding "bot-reads/team" of ClusterRole "reader" to ServiceAccount "bot/team"');
    expect(rbac.authorize(resourceAttributes(bot, { verb: 'list', resource: 'pods', namespace: 'team' }))).toEqual({ decision: 'no-opinion', reason: '' });
  });

  it('lists the union of the modes\' rules: RBAC\'s split by kind, AlwaysAllow\'s wildcards, the Node mode incomplete for a node', () => {
    expect(new UnionAuthorizer(['RBAC'], rbac).rulesFor(bot, 'team')).toEqual({
      resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
      incomplete: false,
      errors: [],
    });
    const node = { username: 'system:node:n1', groups: ['system:nodes'] };
    expect(new UnionAuthorizer(['Node', 'AlwaysAllow'], undefined).rulesFor(node, 'default')).toEqual({
      resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
      nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
      incomplete: true,
      errors: ['node authorizer does not support user rule resolution'],
    });
  });
});

describe('extension-apiserver-authentication', () => {
  it('writes the client CA and the front-proxy settings, keeping CAs already published', async () => {
    const [oldCa, clientCa, proxyCa] = await Promise.all([createCertificateAuthority('old-ca'), createCertificateAuthority('kubernetes'), createCertificateAuthority('front-proxy-ca')]);
    const data = authenticationData(
      { 'client-ca-file': oldCa.cert, other: 'kept' },
      { clientCa: clientCa.cert, requestHeader: { clientCa: proxyCa.cert, allowedNames: ['front-proxy-client'], usernameHeaders: ['X-Remote-User'], groupHeaders: ['X-Remote-Group'], extraHeadersPrefixes: ['X-Remote-Extra-'] } },
    );
    expect(data).toEqual({
      other: 'kept',
      'client-ca-file': combinedBundle(oldCa.cert, clientCa.cert),
      'requestheader-client-ca-file': combinedBundle(undefined, proxyCa.cert),
      'requestheader-allowed-names': '["front-proxy-client"]',
      'requestheader-username-headers': '["X-Remote-User"]',
      'requestheader-group-headers': '["X-Remote-Group"]',
      'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
    });
    expect(data['client-ca-file']!.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    // Publishing again changes nothing.
    expect(authenticationData(data, { clientCa: clientCa.cert })).toEqual(data);
  });
});
