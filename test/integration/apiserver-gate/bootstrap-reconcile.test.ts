// The default roles and bindings reconciled on every start, as kube-apiserver does: an apiserver
// restarted on a store an older version wrote (a default role missing, one with fewer rules, a binding
// with fewer subjects or another roleRef) gains the defaults back, while what the cluster's admins added
// stays and a role annotated autoupdate=false is left alone. The "old" objects are written straight
// into the store while the apiserver is down, as only an older server could have left them.

import { describe, expect, it } from 'vitest';
import { until } from '../../support/wait.js';
import { apiserverOnBarge } from '../apiserver/apiserver-process.js';

type Json = Record<string, any>;

describe('bootstrap RBAC policy reconciled at every start', () => {
  const env = apiserverOnBarge(120_000, ['--authorization-mode=RBAC']);

  const getJson = (kind: string, name: string): Json => {
    const result = env.api.kubectl(['get', kind, name, '-o', 'json']);
    if (result.status !== 0) throw new Error(`kubectl get ${kind} ${name}: ${result.stderr}\n${env.api.log.slice(-2000)}`);
    return JSON.parse(result.stdout) as Json;
  };
  /** What the store holds (no resourceVersion: the store's revision is it). */
  const stored = (key: string): Json => JSON.parse(env.cluster.etcdctl(['get', key, '--print-value-only']).stdout) as Json;
  const put = (key: string, obj: Json): void => {
    const result = env.cluster.etcdctl(['put', key, JSON.stringify(obj)]);
    if (result.status !== 0) throw new Error(`etcdctl put ${key}: ${result.stderr}`);
  };

  it('adds back missing roles, rules, subjects and roleRefs, keeping additions and protected objects', async () => {
    const scheduler = '/registry/clusterroles/system:kube-scheduler';
    const before = stored(scheduler);
    const bindingRule = (r: Json): boolean => r['resources']?.includes('pods/binding');
    expect(before['rules'].some(bindingRule)).toBe(true);
    const userRule = { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['scheduler-extra'] };

    await env.api.restart(() => {
      // An older scheduler role: without the binding rule; the cluster's admin added one of its own.
      put(scheduler, { ...before, rules: [...before['rules'].filter((r: Json) => !bindingRule(r)), userRule] });
      // A default role the older version did not have.
      expect(env.cluster.etcdctl(['del', '/registry/clusterroles/system:node-proxier']).stdout).toBe('1\n');
      // A binding with an admin's extra subject and without the default one.
      const discovery = stored('/registry/clusterrolebindings/system:discovery');
      put('/registry/clusterrolebindings/system:discovery', { ...discovery, subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'auditors' }] });
      // A binding of another role (roleRef cannot change through the API: it is recreated).
      const info = stored('/registry/clusterrolebindings/system:public-info-viewer');
      put('/registry/clusterrolebindings/system:public-info-viewer', { ...info, roleRef: { ...info['roleRef'], name: 'view' } });
      // An admin's own version of view, protected from reconciliation.
      const view = stored('/registry/clusterroles/view');
      const { aggregationRule: _dropped, ...unaggregated } = view;
      put('/registry/clusterroles/view', { ...unaggregated, metadata: { ...view['metadata'], annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'false' } }, rules: [userRule] });
    });

    const rules = getJson('clusterrole', 'system:kube-scheduler')['rules'] as Json[];
    expect(rules).toContainEqual(userRule);
    // Covers' uncovered rules: one verb on one resource each, appended after the existing ones.
    expect(rules.slice(-2)).toEqual([
      { verbs: ['create'], apiGroups: [''], resources: ['bindings'] },
      { verbs: ['create'], apiGroups: [''], resources: ['pods/binding'] },
    ]);
    expect(getJson('clusterrole', 'system:node-proxier')['metadata']['labels']).toEqual({ 'kubernetes.io/bootstrapping': 'rbac-defaults' });
    expect(getJson('clusterrolebinding', 'system:discovery')['subjects']).toEqual([
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'auditors' },
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' },
    ]);
    expect(getJson('clusterrolebinding', 'system:public-info-viewer')['roleRef']['name']).toBe('system:public-info-viewer');
    const view = getJson('clusterrole', 'view');
    expect(view['aggregationRule']).toBeUndefined();
    expect(view['rules']).toEqual([userRule]);
    // The child's stderr is read between the test's synchronous kubectl calls.
    await until('the update to be logged', () => env.api.log.includes('updated clusterroles.rbac.authorization.k8s.io/system:kube-scheduler'), { timeoutMs: 10_000 });

    // A further start finds nothing to change: the scheduler role is not written again.
    const revision = getJson('clusterrole', 'system:kube-scheduler')['metadata']['resourceVersion'] as string;
    await env.api.restart();
    expect(getJson('clusterrole', 'system:kube-scheduler')['metadata']['resourceVersion']).toBe(revision);
  }, 120_000);
});
