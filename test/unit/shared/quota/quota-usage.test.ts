// The quota evaluators against kube's: what pods, services, claims and counted objects use of a quota's
// hard names, printed as kube prints status.used.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../src/client/kube/index.js';
import { resourcesNamedBy, usageOf, type QuotaSpec } from '../../../../src/shared/quota/quota-usage.js';
import { listJson } from '../../../../src/shared/quota/resource-lists.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };

function pod(name: string, containers: Resources[], { spec = {}, status = {}, metadata = {} }: { spec?: object; status?: object; metadata?: object } = {}): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'q', ...metadata },
    spec: { containers: containers.map((resources, i) => ({ name: `c${i}`, image: 'x', resources })), ...spec },
    status: { phase: 'Running', ...status },
  } as KubeObject;
}

const used = (resource: { group: string; plural: string }, objects: KubeObject[], spec: QuotaSpec): Record<string, string> => listJson(usageOf(resource, objects, spec, NOW));
const PODS = { group: '', plural: 'pods' };

describe('pod usage', () => {
  const hard = { pods: '10', 'count/pods': '10', 'requests.cpu': '4', cpu: '4', 'requests.memory': '4Gi', 'limits.cpu': '8', 'limits.memory': '8Gi', 'requests.example.com/gpu': '2', 'requests.storage': '1Ti' };

  it.each([
    { what: 'nothing yet: every name it answers for at 0', pods: [], want: { 'count/pods': '0', cpu: '0', 'limits.cpu': '0', 'limits.memory': '0', pods: '0', 'requests.cpu': '0', 'requests.example.com/gpu': '0', 'requests.memory': '0' } },
    {
      what: 'containers summed, in the format of the first term',
      pods: [pod('a', [{ requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } }, { requests: { cpu: '300m', memory: '128Mi', 'example.com/gpu': '1' } }])],
      want: { 'count/pods': '1', cpu: '550m', 'limits.cpu': '1', 'limits.memory': '128Mi', pods: '1', 'requests.cpu': '550m', 'requests.example.com/gpu': '1', 'requests.memory': '192Mi' },
    },
    {
      what: 'a terminal pod counts only in count/pods',
      pods: [pod('done', [{ requests: { cpu: '1' } }], { status: { phase: 'Succeeded' } }), pod('b', [{ requests: { cpu: '500m' } }])],
      want: { 'count/pods': '2', cpu: '500m', 'limits.cpu': '0', 'limits.memory': '0', pods: '1', 'requests.cpu': '500m', 'requests.example.com/gpu': '0', 'requests.memory': '0' },
    },
    {
      what: 'a pod past its deletion grace period is not charged',
      pods: [pod('gone', [{ requests: { cpu: '1' } }], { metadata: { deletionTimestamp: '2025-12-31T23:59:00Z', deletionGracePeriodSeconds: 30 } })],
      want: { 'count/pods': '1', cpu: '0', 'limits.cpu': '0', 'limits.memory': '0', pods: '0', 'requests.cpu': '0', 'requests.example.com/gpu': '0', 'requests.memory': '0' },
    },
    {
      what: 'an init container is a floor, a sidecar adds, overhead is added',
      pods: [pod('init', [{ requests: { cpu: '100m', memory: '1Gi' } }], { spec: { initContainers: [{ name: 'i', resources: { requests: { cpu: '2' } } }, { name: 's', restartPolicy: 'Always', resources: { requests: { cpu: '50m' } } }], overhead: { cpu: '10m' } } })],
      want: { 'count/pods': '1', cpu: '2010m', 'limits.cpu': '0', 'limits.memory': '0', pods: '1', 'requests.cpu': '2010m', 'requests.example.com/gpu': '0', 'requests.memory': '1Gi' },
    },
  ])('$what', ({ pods, want }) => {
    expect(used(PODS, pods, { hard })).toEqual(want);
  });

  it('scopes select pods: BestEffort, Terminating, PriorityClass In', () => {
    const bestEffort = pod('be', [{}]);
    const burstable = pod('bu', [{ requests: { cpu: '100m' } }], { spec: { activeDeadlineSeconds: 60, priorityClassName: 'high' } });
    expect(used(PODS, [bestEffort, burstable], { hard: { pods: '5' }, scopes: ['BestEffort'] })).toEqual({ pods: '1' });
    expect(used(PODS, [bestEffort, burstable], { hard: { pods: '5' }, scopes: ['NotBestEffort', 'Terminating'] })).toEqual({ pods: '1' });
    expect(used(PODS, [bestEffort, burstable], { hard: { pods: '5' }, scopes: ['NotTerminating'] })).toEqual({ pods: '1' });
    expect(used(PODS, [bestEffort, burstable], { hard: { pods: '5' }, scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } })).toEqual({ pods: '1' });
    expect(used(PODS, [bestEffort, burstable], { hard: { pods: '5' }, scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'DoesNotExist' }] } })).toEqual({ pods: '1' });
  });
});

describe('other evaluators', () => {
  it('services count node ports and load balancers', () => {
    const service = (type: string, ports: number): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: type, namespace: 'q' }, spec: { type, ports: Array.from({ length: ports }, (_, i) => ({ port: 80 + i })) } }) as KubeObject;
    const objects = [service('ClusterIP', 1), service('NodePort', 2), service('LoadBalancer', 3)];
    expect(used({ group: '', plural: 'services' }, objects, { hard: { services: '9', 'services.nodeports': '9', 'services.loadbalancers': '9', 'count/services': '9' } }))
      .toEqual({ 'count/services': '3', services: '3', 'services.loadbalancers': '1', 'services.nodeports': '5' });
  });

  it('claims count requested storage, per storage class too', () => {
    const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'c', namespace: 'q' }, spec: { storageClassName: 'fast', resources: { requests: { storage: '10Gi' } } } } as KubeObject;
    expect(used({ group: '', plural: 'persistentvolumeclaims' }, [claim, claim], { hard: { persistentvolumeclaims: '5', 'requests.storage': '100Gi', 'fast.storageclass.storage.k8s.io/requests.storage': '50Gi' } }))
      .toEqual({ 'fast.storageclass.storage.k8s.io/requests.storage': '20Gi', persistentvolumeclaims: '2', 'requests.storage': '20Gi' });
  });

  it('any other resource is counted by count/<resource>.<group>, core ones by their legacy name too; a scoped quota counts none', () => {
    const objects = [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }] as KubeObject[];
    expect(used({ group: 'apps', plural: 'deployments' }, objects, { hard: { 'count/deployments.apps': '5', pods: '1' } })).toEqual({ 'count/deployments.apps': '2' });
    expect(used({ group: '', plural: 'configmaps' }, objects, { hard: { configmaps: '5', 'count/configmaps': '5' } })).toEqual({ configmaps: '2', 'count/configmaps': '2' });
    expect(used({ group: '', plural: 'configmaps' }, objects, { hard: { configmaps: '5' }, scopes: ['BestEffort'] })).toEqual({ configmaps: '0' });
  });

  it('a quota\'s hard names lead to the resources to count', () => {
    expect(resourcesNamedBy({ 'requests.cpu': '1', 'count/pods': '1', 'services.nodeports': '1', 'count/deployments.apps': '1', secrets: '1', 'requests.storage': '1', 'count/widgets.example.com': '1' }))
      .toEqual([{ group: '', plural: 'pods' }, { group: '', plural: 'services' }, { group: 'apps', plural: 'deployments' }, { group: '', plural: 'secrets' }, { group: '', plural: 'persistentvolumeclaims' }, { group: 'example.com', plural: 'widgets' }]);
  });
});
