// What the registry does to objects on create and update, as kube-apiserver's strategies and decoder do:
// which kinds keep a status on create, the decoder's 400s, and generation after defaults.
import { describe, expect, it } from 'vitest';
import { admit } from '../../../../src/apiserver/registry/admission.js';
import { bumpGeneration, prepareCreate, prepareUpdate } from '../../../../src/apiserver/registry/object-meta.js';
import { keepManagedFieldsTimestamps } from '../../../../src/apiserver/registry/managed-fields-timestamps.js';
import { builtinResources, builtinSchemas } from '../../../../src/apiserver/resources/index.js';
import { checkAgainstSchema } from '../../../../src/apiserver/schema/index.js';
import type { KubeObject } from '../../../../src/apiserver/schema/types.js';

const specs = builtinResources();
const components = builtinSchemas();
const check = (obj: KubeObject, schemaName: string) => checkAgainstSchema(obj, schemaName, components);
const spec = (group: string, plural: string) => specs.find((s) => s.group === group && s.plural === plural)!;
const now = new Date('2026-01-01T00:00:00Z');

function created(group: string, plural: string, body: KubeObject, namespace?: string): KubeObject {
  const obj = structuredClone(body);
  prepareCreate(spec(group, plural), obj, namespace, now);
  admit(check, spec(group, plural), obj, undefined, 'Strict');
  return obj;
}

const deployment = (cpu: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu } } }] } },
  },
  status: { replicas: 3 },
});

describe('status on create', () => {
  it('a Node keeps the status it is registered with', () => {
    const node = created('', 'nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { capacity: { cpu: '4' }, conditions: [{ type: 'Ready', status: 'True' }] } });
    expect(node['status']).toMatchObject({ capacity: { cpu: '4' }, conditions: [{ type: 'Ready', status: 'True' }] });
  });

  it('workloads, services and quotas start without one; pods Pending with a QoS class; namespaces Active', () => {
    expect(created('apps', 'deployments', deployment('1'), 'default')['status']).toBeUndefined();
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }] }, status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } } };
    expect(created('', 'services', svc, 'default')['status']).toBeUndefined();
    const quota = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: { pods: '1' } }, status: { used: { pods: '5' } } };
    expect(created('', 'resourcequotas', quota, 'default')['status']).toBeUndefined();
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx' }] }, status: { phase: 'Running' } };
    expect(created('', 'pods', pod, 'default')['status']).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' }, status: { phase: 'Terminating' } };
    expect(created('', 'namespaces', ns)['status']).toEqual({ phase: 'Active' });
  });
});

describe('decoder errors', () => {
  it('Strict unknown fields carry the decoder prefix', () => {
    const body = deployment('1');
    (body['spec'] as Record<string, unknown>)['foo'] = 1;
    expect(() => created('apps', 'deployments', body, 'default')).toThrow(
      expect.objectContaining({ code: 400, reason: 'BadRequest', message: 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"' }),
    );
  });

  it('a type mismatch in a built-in kind is a 400 with Go decoder wording, not a 422', () => {
    const body = deployment('1');
    (body['spec'] as Record<string, unknown>)['replicas'] = 'three';
    expect(() => created('apps', 'deployments', body, 'default')).toThrow(
      expect.objectContaining({
        code: 400,
        reason: 'BadRequest',
        message: 'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
      }),
    );
  });
});

describe('generation', () => {
  function updated(stored: KubeObject, body: KubeObject): KubeObject {
    const next = structuredClone(body);
    const deployments = spec('apps', 'deployments');
    prepareUpdate(deployments, next, stored);
    admit(check, deployments, next, stored, 'Strict');
    bumpGeneration(deployments, next, stored);
    return next;
  }

  it('a re-apply equal after defaulting (1000m is 1) keeps generation', () => {
    const stored = created('apps', 'deployments', deployment('1'), 'default');
    expect(updated(stored, deployment('1000m')).metadata?.generation).toBe(1);
    expect(updated(stored, deployment('2')).metadata?.generation).toBe(2);
  });
});

describe('managedFields timestamps', () => {
  const entry = (time: string) => ({ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', time, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} } });
  const withManaged = (time: string, replicas = 1): KubeObject => ({ metadata: { name: 'web', resourceVersion: '7', managedFields: [entry(time)] }, spec: { replicas } });

  it('an update changing only timestamps keeps the stored ones; a real change keeps the new ones', () => {
    const unchanged = withManaged('2026-01-01T00:00:09Z');
    keepManagedFieldsTimestamps(unchanged, withManaged('2026-01-01T00:00:01Z'));
    expect(unchanged.metadata?.managedFields).toEqual([entry('2026-01-01T00:00:01Z')]);
    const changed = withManaged('2026-01-01T00:00:09Z', 2);
    keepManagedFieldsTimestamps(changed, withManaged('2026-01-01T00:00:01Z'));
    expect(changed.metadata?.managedFields).toEqual([entry('2026-01-01T00:00:09Z')]);
  });
});
