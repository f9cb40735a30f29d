// ValidatingAdmissionPolicy type checking against the apiserver's own built-in schemas: the warnings
// kube's status controller writes, in its words.

import { describe, expect, it } from 'vitest';
import { kindSchemas } from '../../../../src/apiserver/admission/policy-type-checking.js';
import { typeCheckPolicy } from '../../../../src/apiserver/cel/type-checking.js';
import { ResourceRegistry } from '../../../../src/apiserver/registry/resource-registry.js';
import { builtinResources, builtinSchemas } from '../../../../src/apiserver/resources/index.js';

const kinds = kindSchemas(new ResourceRegistry(builtinResources()), builtinSchemas());
const policy = (resources: string[], validations: Record<string, string>[], extra: Record<string, unknown> = {}, group = 'apps') => ({
  matchConstraints: { resourceRules: [{ apiGroups: [group], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources }] },
  validations,
  ...extra,
});

describe('ValidatingAdmissionPolicy type checking', () => {
  it('warns of a field the matched kind does not have, as kube documents it', () => {
    expect(typeCheckPolicy(policy(['deployments'], [{ expression: 'object.replicas > 1' }]), kinds)).toEqual([
      { fieldRef: 'spec.validations[0].expression', warning: "apps/v1, Kind=Deployment: ERROR: <input>:1:7: undefined field 'replicas'\n | object.replicas > 1\n | ......^\n" },
    ]);
  });

  it('checks every matched kind, in order, and message expressions too', () => {
    const [warning, ...rest] = typeCheckPolicy(policy(['replicasets', 'deployments'], [{ expression: 'object.spec.replicas > 1', messageExpression: "'has ' + object.spec.replicaz" }]), kinds);
    expect(rest).toEqual([]);
    expect(warning!.fieldRef).toBe('spec.validations[0].messageExpression');
    expect(warning!.warning.split('\n').filter((l) => l.includes('Kind='))).toEqual([
      "apps/v1, Kind=Deployment: ERROR: <input>:1:21: undefined field 'replicaz'",
      "apps/v1, Kind=ReplicaSet: ERROR: <input>:1:21: undefined field 'replicaz'",
    ]);
  });

  it('follows lists, maps and the params kind, and finds nothing wrong in good expressions', () => {
    const good = [
      { expression: 'object.spec.template.spec.containers.all(c, c.image.startsWith("registry/"))' },
      { expression: "object.metadata.labels['team'] == params.data['team']" },
      { expression: 'object.spec.strategy.rollingUpdate.maxSurge == 1 && request.userInfo.username != ""' },
    ];
    const params = { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' } };
    expect(typeCheckPolicy(policy(['deployments'], good, params), kinds)).toEqual([]);
    const bad = typeCheckPolicy(policy(['deployments'], [{ expression: 'object.spec.template.spec.containers.all(c, c.imag != "")' }, { expression: 'params.datum.size() > 0' }], params), kinds);
    expect(bad.map((w) => w.warning.split('\n')[0])).toEqual([
      "apps/v1, Kind=Deployment: ERROR: <input>:1:46: undefined field 'imag'",
      "apps/v1, Kind=Deployment: ERROR: <input>:1:7: undefined field 'datum'",
    ]);
  });

  it('names the core group as GroupVersionKind.String() does, and checks nothing behind a wildcard', () => {
    expect(typeCheckPolicy(policy(['pods'], [{ expression: 'object.spec.nodeNam == ""' }], {}, ''), kinds)[0]?.warning).toMatch(/^\/v1, Kind=Pod: ERROR: <input>:1:12: undefined field 'nodeNam'\n/);
    expect(typeCheckPolicy(policy(['*'], [{ expression: 'object.nope' }]), kinds)).toEqual([]);
    expect(typeCheckPolicy(policy(['deployments/status'], [{ expression: 'object.nope' }]), kinds)).toEqual([]);
  });
});
