// A CustomResourceDefinition with two served versions (no conversion webhook: the None strategy, only
// apiVersion changes), defaulting and pruning from its structural schema, and the status and scale
// subresources, driven through the real kubectl 1.32 and at the wire.

import { describe, expect, it } from 'vitest';
import { apiserverOnBarge } from './apiserver-process.js';

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gizmos.toys.example}
spec:
  group: toys.example
  scope: Namespaced
  names: {plural: gizmos, singular: gizmo, kind: Gizmo}
  versions:
  - name: v1
    served: true
    storage: true
    schema: &schema
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              replicas: {type: integer}
              color: {type: string, default: red}
          status:
            type: object
            properties:
              replicas: {type: integer}
              selector: {type: string}
    subresources: &subresources
      status: {}
      scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas, labelSelectorPath: .status.selector}
  - name: v1beta1
    served: true
    storage: false
    schema: *schema
    subresources: *subresources
`;

describe('CustomResourceDefinition features', () => {
  const env = apiserverOnBarge();
  const ok = (args: string[], input?: string): string => {
    const result = env.api.kubectl(args, input === undefined ? {} : { input });
    if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}\n${env.api.log.slice(-1500)}`);
    return result.stdout;
  };
  const stored = (name: string) => JSON.parse(env.cluster.etcdctl(['get', `/registry/toys.example/gizmos/default/${name}`, '--print-value-only']).stdout) as Record<string, unknown>;

  it('serves both versions of one stored object, defaulted and pruned by the schema', async () => {
    ok(['apply', '-f', '-'], CRD);
    ok(['wait', '--for', 'condition=established', 'crd/gizmos.toys.example', '--timeout=30s']);
    const created = await env.api.request(
      'POST',
      '/apis/toys.example/v1beta1/namespaces/default/gizmos?fieldValidation=Ignore',
      { 'Content-Type': 'application/json', Accept: 'application/json' },
      JSON.stringify({ apiVersion: 'toys.example/v1beta1', kind: 'Gizmo', metadata: { name: 'w1' }, spec: { replicas: 1, extra: 'dropped' }, unknownTop: 1 }),
    );
    expect(created.status).toBe(201);
    expect(JSON.parse(created.body.toString())).toMatchObject({ apiVersion: 'toys.example/v1beta1', spec: { replicas: 1, color: 'red' } });
    // Stored in the storage version, without the fields the schema does not know.
    const value = stored('w1');
    expect(value).toMatchObject({ apiVersion: 'toys.example/v1', kind: 'Gizmo', spec: { replicas: 1, color: 'red' } });
    expect(value).not.toHaveProperty('unknownTop');
    expect(value['spec']).not.toHaveProperty('extra');
    expect(ok(['get', 'gizmos.v1.toys.example', 'w1', '-o', 'jsonpath={.apiVersion} {.spec.color}'])).toBe('toys.example/v1 red');
    expect(ok(['get', 'gizmos.v1beta1.toys.example', 'w1', '-o', 'jsonpath={.apiVersion} {.spec.color}'])).toBe('toys.example/v1beta1 red');
    const strict = env.api.kubectl(['create', '-f', '-'], { input: 'apiVersion: toys.example/v1\nkind: Gizmo\nmetadata: {name: w2}\nspec: {replicas: 1, extra: x}\n' });
    expect(strict.stderr).toContain('unknown field "spec.extra"');
  });

  it('keeps status to /status and scales through /scale', async () => {
    expect(ok(['patch', 'gizmo', 'w1', '--subresource=status', '--type=merge', '-p', '{"status":{"replicas":1,"selector":"app=w1"}}'])).toBe('gizmo.toys.example/w1 patched\n');
    const generation = ok(['get', 'gizmo', 'w1', '-o', 'jsonpath={.metadata.generation}']);
    // The main resource ignores status: nothing changes, nothing is written.
    expect(ok(['patch', 'gizmo', 'w1', '--type=merge', '-p', '{"status":{"replicas":9}}'])).toBe('gizmo.toys.example/w1 patched (no change)\n');
    expect(ok(['get', 'gizmo', 'w1', '-o', 'jsonpath={.status.replicas} {.metadata.generation}'])).toBe(`1 ${generation}`);

    expect(ok(['scale', 'gizmo', 'w1', '--replicas=3'])).toBe('gizmo.toys.example/w1 scaled\n');
    expect(ok(['get', 'gizmo', 'w1', '-o', 'jsonpath={.spec.replicas} {.metadata.generation}'])).toBe(`3 ${Number(generation) + 1}`);
    const scale = JSON.parse(ok(['get', '--raw', '/apis/toys.example/v1/namespaces/default/gizmos/w1/scale'])) as Record<string, unknown>;
    expect(scale).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'w1', namespace: 'default' }, spec: { replicas: 3 }, status: { replicas: 1, selector: 'app=w1' } });
    expect(stored('w1')).toMatchObject({ spec: { replicas: 3 }, status: { replicas: 1 } });
  });
});
