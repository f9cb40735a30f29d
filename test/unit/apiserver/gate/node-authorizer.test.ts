// The Node authorizer's basics and NodeRestriction's ownership checks.

import { describe, expect, it } from 'vitest';
import { nodeRestriction } from '../../../../src/apiserver/admission/node-restriction.js';
import type { AdmissionRequest } from '../../../../src/apiserver/admission/admission-chain.js';
import { resourceAttributes } from '../../../../src/apiserver/authz/attributes.js';
import { nodeAuthorizer, nodeNameOf } from '../../../../src/apiserver/authz/node-authorizer.js';

const kubelet = { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };

describe('nodeAuthorizer', () => {
  it.each([
    [{ verb: 'list', resource: 'pods' }, 'allow', ''],
    [{ verb: 'patch', resource: 'nodes', subresource: 'status', name: 'n1' }, 'allow', ''],
    [{ verb: 'get', group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-node-lease', name: 'n1' }, 'allow', ''],
    [{ verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-node-lease', name: 'n2' }, 'no-opinion', 'can only access node lease with the same name as the requesting node'],
    [{ verb: 'get', group: 'coordination.k8s.io', resource: 'leases', namespace: 'default', name: 'n1' }, 'no-opinion', 'can only access leases in the "kube-node-lease" system namespace'],
    [{ verb: 'list', resource: 'secrets', namespace: 'team' }, 'no-opinion', ''],
  ])('%j', (request, decision, reason) => {
    expect(nodeAuthorizer.authorize(resourceAttributes(kubelet, request))).toEqual({ decision, reason });
  });

  it('has no opinion on users that are not nodes', () => {
    expect(nodeNameOf({ username: 'system:node:n1', groups: [] })).toBeUndefined();
    expect(nodeAuthorizer.authorize(resourceAttributes({ username: 'alice', groups: ['system:nodes'] }, { verb: 'list', resource: 'pods' }))).toEqual({ decision: 'no-opinion', reason: '' });
  });
});

describe('nodeRestriction', () => {
  const request = (over: Partial<AdmissionRequest>): AdmissionRequest =>
    ({ user: kubelet, operation: 'CREATE', group: '', kind: 'Node', resource: 'nodes', storagePath: 'minions', subresource: '', namespace: '', name: 'n1', obj: {}, dryRun: false, ...over }) as AdmissionRequest;
  it.each([
    ['its own node', request({}), undefined],
    ['another node', request({ name: 'n2' }), 'nodes "n2" is forbidden: node "n1" is not allowed to modify node "n2"'],
    ['another lease', request({ group: 'coordination.k8s.io', resource: 'leases', name: 'n2' }), 'leases.coordination.k8s.io "n2" is forbidden: can only access node lease with the same name as the requesting node'],
    ['status of its pod', request({ resource: 'pods', subresource: 'status', operation: 'UPDATE', name: 'p', obj: {}, old: { spec: { nodeName: 'n1' } } }), undefined],
    ['status of another pod', request({ resource: 'pods', subresource: 'status', operation: 'UPDATE', name: 'p', obj: {}, old: { spec: { nodeName: 'n2' } } }), 'pods "p" is forbidden: node "n1" can only update pod status for pods with spec.nodeName set to itself'],
  ])('%s', (_name, r, message) => {
    if (message === undefined) expect(() => nodeRestriction.validate!(r)).not.toThrow();
    else expect(() => nodeRestriction.validate!(r)).toThrow(message);
  });
});
