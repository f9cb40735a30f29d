// Defaulting as kube-apiserver leaves objects after create: SetDefaults_*, conversions, admission
// fields and PrepareForCreate.
import { describe, expect, it } from 'vitest';
import { defaultPullPolicy } from '../../../../src/apiserver/resources/pod-defaults.js';
import type { KubeObject } from '../../../../src/apiserver/schema/types.js';
import { deployment, pod, specFor, template } from './support.js';

const defaulted = (group: string, kind: string, obj: KubeObject, old?: KubeObject) => {
  specFor(group, kind).defaults(obj, old);
  return obj as Record<string, any>;
};

describe('pod defaults', () => {
  it('fills the pod spec, its containers and the admission fields', () => {
    const p = defaulted('', 'Pod', pod({ containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }] }] }));
    expect(p.spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      terminationGracePeriodSeconds: 30,
      securityContext: {},
      enableServiceLinks: true,
      serviceAccountName: 'default',
      serviceAccount: 'default',
      priority: 0,
      preemptionPolicy: 'PreemptLowerPriority',
    });
    expect(p.spec.containers[0]).toEqual({
      name: 'nginx',
      image: 'nginx',
      ports: [{ containerPort: 80, protocol: 'TCP' }],
      imagePullPolicy: 'Always',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
    });
    expect(p.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });

  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['nginx:1.25', 'IfNotPresent'],
    ['registry.local:5000/team/app', 'Always'],
    ['registry.local:5000/team/app:v2', 'IfNotPresent'],
    ['nginx@sha256:0123', 'IfNotPresent'],
  ])('pulls %s with %s', (image, policy) => expect(defaultPullPolicy(image)).toBe(policy));

  it('keeps what the client set, including a zero grace period', () => {
    const p = defaulted('', 'Pod', pod({ containers: [{ name: 'a', image: 'a:1', imagePullPolicy: 'Never' }], terminationGracePeriodSeconds: 0, restartPolicy: 'Never', serviceAccountName: 'builder' }));
    expect(p.spec.terminationGracePeriodSeconds).toBe(0);
    expect(p.spec.restartPolicy).toBe('Never');
    expect(p.spec.containers[0].imagePullPolicy).toBe('Never');
    expect(p.spec.serviceAccount).toBe('builder');
  });

  it('defaults requests to limits and classes the pod Guaranteed', () => {
    const p = defaulted('', 'Pod', pod({ containers: [{ name: 'a', image: 'a:1', resources: { limits: { cpu: '1', memory: '1Gi' } } }] }));
    expect(p.spec.containers[0].resources.requests).toEqual({ cpu: '1', memory: '1Gi' });
    expect(p.status.qosClass).toBe('Guaranteed');
  });

  it('makes container ports host ports on the host network', () => {
    const p = defaulted('', 'Pod', pod({ hostNetwork: true, containers: [{ name: 'a', image: 'a:1', ports: [{ containerPort: 9100 }] }] }));
    expect(p.spec.containers[0].ports).toEqual([{ containerPort: 9100, protocol: 'TCP', hostPort: 9100 }]);
  });

  it('defaults probes and empty volumes', () => {
    const p = defaulted('', 'Pod', pod({
      containers: [{ name: 'a', image: 'a:1', readinessProbe: { httpGet: { port: 80 } } }],
      volumes: [{ name: 'scratch' }, { name: 'cfg', configMap: { name: 'cfg' } }],
    }));
    expect(p.spec.containers[0].readinessProbe).toEqual({ httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    expect(p.spec.volumes).toEqual([{ name: 'scratch', emptyDir: {} }, { name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } }]);
  });
});

describe('workload defaults', () => {
  it('gives a deployment one replica, a 25%/25% rolling update, history 10 and a 600 s deadline', () => {
    const d = defaulted('apps', 'Deployment', deployment({ selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) }));
    expect(d.spec).toMatchObject({
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
    expect(d.spec.template.spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30 });
    expect(d.spec.template.spec.enableServiceLinks).toBeUndefined();
  });

  it('mirrors a template\'s service account into the deprecated field', () => {
    const d = defaulted('apps', 'Deployment', deployment({ selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }, { serviceAccountName: 'builder' }) }));
    expect(d.spec.template.spec).toMatchObject({ serviceAccountName: 'builder', serviceAccount: 'builder' });
  });

  it('adds no rollingUpdate to a Recreate deployment', () => {
    const d = defaulted('apps', 'Deployment', deployment({ strategy: { type: 'Recreate' }, selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }) }));
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
  });

  it('gives a job completions and parallelism 1, backoffLimit 6 and a selector on its uid', () => {
    const job: KubeObject = { metadata: { name: 'pi', namespace: 'default', uid: 'u-1' }, spec: { template: template({}, { restartPolicy: 'Never' }) } };
    const j = defaulted('batch', 'Job', job);
    expect(j.spec).toMatchObject({ completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatingOrFailed' });
    expect(j.spec.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': 'u-1' } });
    expect(j.spec.template.metadata.labels).toEqual({ 'batch.kubernetes.io/controller-uid': 'u-1', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': 'u-1', 'job-name': 'pi' });
    expect(specFor('batch', 'Job').validate(job, undefined)).toEqual([]);
  });

  it('leaves completions unset when only parallelism is given', () => {
    const j = defaulted('batch', 'Job', { metadata: { name: 'q', uid: 'u' }, spec: { parallelism: 3, template: template({}) } });
    expect(j.spec.completions).toBeUndefined();
    expect(j.spec.parallelism).toBe(3);
  });
});

describe('other kinds', () => {
  it('defaults a service to ClusterIP, None affinity, TCP ports aimed at the same port, single-stack IPv4', () => {
    const s = defaulted('', 'Service', { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }, { port: 443, targetPort: 8443 }] } });
    expect(s.spec).toMatchObject({ type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'] });
    expect(s.spec.ports).toEqual([{ port: 80, protocol: 'TCP', targetPort: 80 }, { port: 443, targetPort: 8443, protocol: 'TCP' }]);
    expect(s.spec.externalTrafficPolicy).toBeUndefined();
  });

  it('labels a namespace with its name and makes it Active with the kubernetes finalizer', () => {
    const ns = defaulted('', 'Namespace', { metadata: { name: 'team-a' } });
    expect(ns.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'team-a' });
    expect(ns.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(ns.status).toEqual({ phase: 'Active' });
  });

  it('keeps a namespace\'s own finalizers and adds kubernetes', () => {
    const ns = defaulted('', 'Namespace', { metadata: { name: 'team-b' }, spec: { finalizers: ['example.com/cleanup'] } });
    expect(ns.spec).toEqual({ finalizers: ['example.com/cleanup', 'kubernetes'] });
  });

  it('turns a secret\'s stringData into base64 data and types it Opaque', () => {
    const s = defaulted('', 'Secret', { metadata: { name: 's', namespace: 'default' }, stringData: { password: 'hunter2' } });
    expect(s).toMatchObject({ type: 'Opaque', data: { password: Buffer.from('hunter2').toString('base64') } });
    expect(s.stringData).toBeUndefined();
  });

  it('fills RBAC api groups', () => {
    const b = defaulted('rbac.authorization.k8s.io', 'RoleBinding', {
      metadata: { name: 'b', namespace: 'default' },
      roleRef: { kind: 'Role', name: 'r' },
      subjects: [{ kind: 'User', name: 'jane' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'default' }],
    });
    expect(b.roleRef.apiGroup).toBe('rbac.authorization.k8s.io');
    expect(b.subjects.map((s: { apiGroup: string }) => s.apiGroup)).toEqual(['rbac.authorization.k8s.io', '']);
  });
});
