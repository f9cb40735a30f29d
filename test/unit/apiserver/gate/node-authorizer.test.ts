// The Node authorizer's basics and NodeRestriction's ownership checks.

import { describe, expect, it } from 'vitest';
import { nodeRestriction } from '../../../../src/apiserver/admission/node-restriction.js';
import type { AdmissionRequest } from '../../../../src/apiserver/admission/admission-chain.js';
import { resourceAttributes } from '../../../../src/apiserver/authz/attributes.js';
import { NodeAuthorizer, nodeNameOf } from '../../../../src/apiserver/authz/node-authorizer.js';
import type { GraphVertex, NodeGraph } from '../../../../src/apiserver/authz/node-graph.js';
import { podReferences } from '../../../../src/apiserver/authz/pod-references.js';

const kubelet = { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };

const POD = {
  metadata: { name: 'web', namespace: 'team' },
  spec: {
    nodeName: 'n1',
    serviceAccountName: 'runner',
    imagePullSecrets: [{ name: 'registry' }],
    containers: [{ name: 'c', env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'env-secret', key: 'k' } } }, { name: 'B', valueFrom: { configMapKeyRef: { name: 'env-config', key: 'k' } } }], envFrom: [{ configMapRef: { name: 'all-config' } }] }],
    volumes: [
      { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
      { name: 'scratch', ephemeral: { volumeClaimTemplate: {} } },
      { name: 'files', secret: { secretName: 'files' } },
      { name: 'bundle', projected: { sources: [{ configMap: { name: 'projected-config' } }, { secret: { name: 'projected-secret' } }, { serviceAccountToken: { path: 'token' } }] } },
    ],
  },
};

/** The graph over a fixed list of pods, as the apiserver's one is over its pod cache. */
const graphOf = (pods: Array<typeof POD>): NodeGraph => ({
  hasPathFrom: (node: string, vertex: GraphVertex, namespace: string, name: string) =>
    pods.some((pod) => {
      if (pod.spec.nodeName !== node || pod.metadata.namespace !== namespace) return false;
      const refs = podReferences(pod);
      return vertex === 'serviceaccounts' ? refs.serviceAccount === name : vertex !== 'persistentvolumes' && refs[vertex].has(name);
    }),
});
const nodeAuthorizer = new NodeAuthorizer(graphOf([POD]));

describe('podReferences', () => {
  it('finds what kube\'s graph populator records for a pod', () => {
    const refs = podReferences(POD);
    expect([...refs.secrets].sort()).toEqual(['env-secret', 'files', 'projected-secret', 'registry']);
    expect([...refs.configmaps].sort()).toEqual(['all-config', 'env-config', 'projected-config']);
    expect([...refs.persistentvolumeclaims].sort()).toEqual(['data', 'web-scratch']);
    expect(refs.serviceAccount).toBe('runner');
  });
});

describe('NodeAuthorizer', () => {
  const noRelation = "no relationship found between node 'n1' and this object";
  it.each([
    [{ verb: 'get', resource: 'secrets', namespace: 'team', name: 'files' }, 'allow', ''],
    [{ verb: 'get', resource: 'configmaps', namespace: 'team', name: 'projected-config' }, 'allow', ''],
    [{ verb: 'get', resource: 'persistentvolumeclaims', namespace: 'team', name: 'web-scratch' }, 'allow', ''],
    [{ verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: 'team', name: 'runner' }, 'allow', ''],
    [{ verb: 'get', resource: 'secrets', namespace: 'team', name: 'other' }, 'no-opinion', noRelation],
    [{ verb: 'get', resource: 'secrets', namespace: 'default', name: 'files' }, 'no-opinion', noRelation],
    [{ verb: 'create', resource: 'serviceaccounts', subresource: 'token', namespace: 'team', name: 'default' }, 'no-opinion', noRelation],
    [{ verb: 'update', resource: 'secrets', namespace: 'team', name: 'files' }, 'no-opinion', 'can only read resources of this type'],
    [{ verb: 'list', resource: 'persistentvolumeclaims', namespace: 'team' }, 'no-opinion', 'can only get individual resources of this type'],
    [{ verb: 'list', resource: 'pods' }, 'allow', ''],
    [{ verb: 'patch', resource: 'nodes', subresource: 'status', name: 'n1' }, 'allow', ''],
    [{ verb: 'get', group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-node-lease', name: 'n1' }, 'allow', ''],
    [{ verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-node-lease', name: 'n2' }, 'no-opinion', 'can only access node lease with the same name as the requesting node'],
    [{ verb: 'get', group: 'coordination.k8s.io', resource: 'leases', namespace: 'default', name: 'n1' }, 'no-opinion', 'can only access leases in the "kube-node-lease" system namespace'],
    [{ verb: 'list', resource: 'secrets', namespace: 'team' }, 'no-opinion', 'No Object name found'],
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
