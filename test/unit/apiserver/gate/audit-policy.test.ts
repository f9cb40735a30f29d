// Audit policy rules: the first match decides the level, stages left out by the policy and the rule.

import { describe, expect, it } from 'vitest';
import { auditLevel, parseAuditPolicy } from '../../../../src/apiserver/audit/audit-policy.js';
import { nonResourceAttributes, resourceAttributes } from '../../../../src/apiserver/authz/attributes.js';

const policy = parseAuditPolicy(`apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: None
  users: ["system:kube-proxy"]
- level: RequestResponse
  resources: [{group: "", resources: ["pods/status"]}]
- level: Request
  verbs: [create, update]
  namespaces: [team]
  omitStages: [ResponseStarted]
- level: Metadata
  resources: [{group: "", resources: ["secrets", "configmaps"]}]
- level: Metadata
  nonResourceURLs: ["/healthz*"]
`);

const alice = { username: 'alice', groups: [] };

describe('auditLevel', () => {
  it.each([
    ['a user the policy ignores', resourceAttributes({ username: 'system:kube-proxy', groups: [] }, { verb: 'list', resource: 'secrets' }), 'None'],
    ['a subresource rule', resourceAttributes(alice, { verb: 'update', resource: 'pods', subresource: 'status', namespace: 'team' }), 'RequestResponse'],
    ['verbs and namespaces', resourceAttributes(alice, { verb: 'create', resource: 'pods', namespace: 'team' }), 'Request'],
    ['another namespace falls through', resourceAttributes(alice, { verb: 'create', resource: 'secrets', namespace: 'other' }), 'Metadata'],
    ['no rule matches', resourceAttributes(alice, { verb: 'get', group: 'apps', resource: 'deployments', namespace: 'team' }), 'None'],
    ['a URL prefix', nonResourceAttributes(alice, 'get', '/healthz/etcd'), 'Metadata'],
    ['resource rules do not match URLs', nonResourceAttributes(alice, 'get', '/metrics'), 'None'],
  ])('%s', (_name, attributes, level) => {
    expect(auditLevel(policy, attributes).level).toBe(level);
  });

  it('leaves out the policy and rule stages', () => {
    expect(auditLevel(policy, resourceAttributes(alice, { verb: 'create', resource: 'pods', namespace: 'team' })).omitStages).toEqual(['RequestReceived', 'ResponseStarted']);
  });

  it('refuses an unknown level', () => {
    expect(() => parseAuditPolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Everything\n')).toThrow('audit policy: rules[0].level: Unsupported value: "Everything"');
  });
});
