// ValidatingAdmissionPolicy through the real kubectl: policies and bindings served with kube's tables
// and compile errors, a denied create in kube's exact words, a Warn action printed as a warning, an
// Audit action in the audit log, a params-based policy, a policy asking the authorizers through CEL's
// `authorizer` (RBAC on), and webhook matchConditions deciding whether a webhook is called.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';
import { apiserverOnBarge, type KubectlResult } from '../apiserver/apiserver-process.js';

type Json = Record<string, unknown>;

const json = (obj: unknown): string => JSON.stringify(obj);
const GROUP_VERSION = 'admissionregistration.k8s.io/v1';
const deploymentRule = { operations: ['CREATE', 'UPDATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'] };
const policy = (name: string, spec: Json) => json({ apiVersion: GROUP_VERSION, kind: 'ValidatingAdmissionPolicy', metadata: { name }, spec });
const binding = (name: string, spec: Json) => json({ apiVersion: GROUP_VERSION, kind: 'ValidatingAdmissionPolicyBinding', metadata: { name }, spec });
const inNamespace = (namespace: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } });
const deployment = (name: string, namespace: string, replicas: number) =>
  json({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace }, spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } });
const configMap = (name: string, namespace: string, extra: Json = {}) => json({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, ...extra });

describe('ValidatingAdmissionPolicy and matchConditions', () => {
  const auditDir = mkdtempSync(join(tmpdir(), 'vap-audit-'));
  const auditLog = join(auditDir, 'audit.log');
  writeFileSync(join(auditDir, 'policy.yaml'), 'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: Metadata\n  resources: [{group: apps}]\n');
  const env = apiserverOnBarge(180_000, ['--authorization-mode=RBAC', '--enable-admission-plugins=ValidatingAdmissionPolicy,ValidatingAdmissionWebhook', `--audit-policy-file=${join(auditDir, 'policy.yaml')}`, `--audit-log-path=${auditLog}`]);
  afterAll(() => rmSync(auditDir, { recursive: true, force: true }));
  const kubectl = (args: string[], input?: string): KubectlResult => env.api.kubectl(args, input === undefined ? {} : { input });
  const ok = (args: string[], input?: string): string => {
    const result = kubectl(args, input);
    if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };
  /**
   * Policies and webhooks reach admission through watch caches: the first requests after a change may
   * not see it yet, so this creates objects under fresh names until one is refused.
   */
  let probes = 0;
  const refusedEventually = (what: string, object: (name: string) => string) =>
    until(what, () => kubectl(['create', '-f', '-'], object(`probe-${probes++}`)).status !== 0, { timeoutMs: 20_000, pollMs: 200 });

  it('serves policies and bindings with kube\'s tables, and refuses one that does not compile', () => {
    ok(['create', 'namespace', 'vap-test']);
    ok(['label', 'namespace', 'vap-test', 'environment=test']);
    const both = `${policy('replicas.barge.test', { matchConstraints: { resourceRules: [deploymentRule] }, validations: [{ expression: 'object.spec.replicas <= 5' }] })}\n${binding('replicas.barge.test-binding', { policyName: 'replicas.barge.test', validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { environment: 'test' } } } })}`;
    expect(ok(['apply', '-f', '-'], both)).toBe('validatingadmissionpolicy.admissionregistration.k8s.io/replicas.barge.test created\nvalidatingadmissionpolicybinding.admissionregistration.k8s.io/replicas.barge.test-binding created\n');
    expect(ok(['get', 'validatingadmissionpolicies'])).toMatch(/^NAME\s+VALIDATIONS\s+PARAMKIND\s+AGE\nreplicas\.barge\.test\s+1\s+<unset>\s+\d+s\n$/);
    expect(ok(['get', 'validatingadmissionpolicybindings'])).toMatch(/^NAME\s+POLICYNAME\s+PARAMREF\s+AGE\nreplicas\.barge\.test-binding\s+replicas\.barge\.test\s+<unset>\s+\d+s\n$/);
    const stored = JSON.parse(ok(['get', 'validatingadmissionpolicy', 'replicas.barge.test', '-o', 'json'])) as Json;
    expect(stored['spec']).toMatchObject({ failurePolicy: 'Fail', matchConstraints: { matchPolicy: 'Equivalent', namespaceSelector: {}, objectSelector: {}, resourceRules: [{ scope: '*' }] } });

    const bad = kubectl(['create', '-f', '-'], policy('bad.barge.test', { matchConstraints: { resourceRules: [deploymentRule] }, validations: [{ expression: 'object.spec.replicas <= maximum' }] }));
    expect(bad.stderr).toBe(
      'The ValidatingAdmissionPolicy "bad.barge.test" is invalid: spec.validations[0].expression: Invalid value: "object.spec.replicas <= maximum": compilation failed: ERROR: <input>:1:25: undeclared reference to \'maximum\' (in container \'\')\n | object.spec.replicas <= maximum\n | ........................^\n',
    );
  });

  it('denies a create with kube\'s message, only in the namespaces the binding selects', async () => {
    const denied = 'The deployments "big" is invalid: : ValidatingAdmissionPolicy \'replicas.barge.test\' with binding \'replicas.barge.test-binding\' denied request: failed expression: object.spec.replicas <= 5\n';
    await refusedEventually('the policy denies', (name) => deployment(name, 'vap-test', 6));
    expect(kubectl(['create', '-f', '-'], deployment('big', 'vap-test', 6)).stderr).toBe(denied);
    expect(kubectl(['get', 'deployment', 'big', '-n', 'vap-test']).status).toBe(1);
    expect(kubectl(['create', 'deployment', 'nginx', '--image=nginx', '--replicas=6', '-n', 'vap-test']).stderr).toBe(
      'error: failed to create deployment: deployments.apps "nginx" is forbidden: ValidatingAdmissionPolicy \'replicas.barge.test\' with binding \'replicas.barge.test-binding\' denied request: failed expression: object.spec.replicas <= 5\n',
    );
    expect(ok(['create', '-f', '-'], deployment('small', 'vap-test', 3))).toBe('deployment.apps/small created\n');
    expect(kubectl(['patch', 'deployment', 'small', '-n', 'vap-test', '-p', '{"spec":{"replicas":7}}']).stderr).toBe(denied.replace('"big"', '"small"'));
    expect(ok(['create', '-f', '-'], deployment('big', 'default', 6))).toBe('deployment.apps/big created\n');
  });

  it('a Warn action lets the object in with a Warning kubectl prints', async () => {
    ok(['create', 'namespace', 'vap-warn']);
    ok(['create', '-f', '-'], policy('owner.barge.test', {
      matchConstraints: { resourceRules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }] },
      validations: [{ expression: "has(object.metadata.labels) && 'owner' in object.metadata.labels", messageExpression: "'configmap ' + object.metadata.name + ' in ' + namespaceObject.metadata.name + ' by ' + request.userInfo.username + ' has no owner label'" }],
    }));
    ok(['create', '-f', '-'], binding('owner.barge.test-warn', { policyName: 'owner.barge.test', validationActions: ['Warn'], matchResources: inNamespace('vap-warn') }));
    await until('the warning', () => kubectl(['create', '-f', '-'], configMap(`probe-${probes++}`, 'vap-warn')).stderr !== '', { timeoutMs: 20_000, pollMs: 200 });
    const created = kubectl(['create', '-f', '-'], configMap('unowned', 'vap-warn'));
    expect(created).toMatchObject({ status: 0, stdout: 'configmap/unowned created\n', stderr: "Warning: Validation failed for ValidatingAdmissionPolicy 'owner.barge.test' with binding 'owner.barge.test-warn': configmap unowned in vap-warn by kubernetes-admin has no owner label\n" });
    expect(kubectl(['create', '-f', '-'], configMap('owned', 'vap-warn', { metadata: { name: 'owned', namespace: 'vap-warn', labels: { owner: 'me' } } }))).toMatchObject({ status: 0, stderr: '' });
  });

  it('an Audit action lets the object in and records the failure in its audit event, with auditAnnotations', async () => {
    ok(['create', 'namespace', 'vap-audit']);
    ok(['create', '-f', '-'], binding('replicas.barge.test-audit', { policyName: 'replicas.barge.test', validationActions: ['Audit'], matchResources: inNamespace('vap-audit') }));
    ok(['create', '-f', '-'], policy('count.barge.test', {
      matchConstraints: { resourceRules: [deploymentRule] },
      validations: [{ expression: 'true' }],
      auditAnnotations: [{ key: 'replicas', valueExpression: "'replicas set to ' + string(object.spec.replicas)" }],
    }));
    ok(['create', '-f', '-'], binding('count.barge.test-binding', { policyName: 'count.barge.test', validationActions: ['Deny'], matchResources: inNamespace('vap-audit') }));
    /** An annotation of the first audited create of a deployment in vap-audit that has it. */
    const audited = (key: string): unknown => {
      const lines = existsSync(auditLog) ? readFileSync(auditLog, 'utf8').split('\n').filter((line) => line !== '') : [];
      const events = lines.map((line) => JSON.parse(line) as Json);
      const ref = (e: Json) => (e['objectRef'] ?? {}) as Json;
      const annotations = (e: Json) => (e['annotations'] ?? {}) as Json;
      return events.map(annotations).find((a, i) => events[i]!['verb'] === 'create' && ref(events[i]!)['resource'] === 'deployments' && ref(events[i]!)['namespace'] === 'vap-audit' && a[key] !== undefined)?.[key];
    };
    const failureKey = 'validation.policy.admission.k8s.io/validation_failure';
    await until('the audit annotations', () => kubectl(['create', '-f', '-'], deployment(`probe-${probes++}`, 'vap-audit', 6)).status === 0 && audited(failureKey) !== undefined && audited('count.barge.test/replicas') !== undefined, { timeoutMs: 20_000, pollMs: 200 });
    expect(audited('count.barge.test/replicas')).toBe('replicas set to 6');
    expect(audited(failureKey)).toBe('[{"message":"failed expression: object.spec.replicas <= 5","policy":"replicas.barge.test","binding":"replicas.barge.test-audit","expressionIndex":0,"validationActions":["Audit"]}]');
  });

  it('a policy reads its limit from the ConfigMap its binding names', async () => {
    ok(['create', 'namespace', 'vap-params']);
    ok(['create', '-f', '-'], policy('max-replicas.barge.test', {
      paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
      matchConstraints: { resourceRules: [deploymentRule] },
      validations: [{ expression: 'object.spec.replicas <= int(params.data.maxReplicas)', messageExpression: "'replicas must be no greater than ' + params.data.maxReplicas", reason: 'Forbidden' }],
    }));
    ok(['create', '-f', '-'], binding('max-replicas.barge.test-binding', {
      policyName: 'max-replicas.barge.test',
      paramRef: { name: 'replica-limit', namespace: 'vap-params', parameterNotFoundAction: 'Deny' },
      validationActions: ['Deny'],
      matchResources: inNamespace('vap-params'),
    }));
    expect(ok(['get', 'validatingadmissionpolicies', 'max-replicas.barge.test', '--no-headers'])).toMatch(/^max-replicas\.barge\.test\s+1\s+v1\/ConfigMap\s+\d+s\n$/);
    expect(ok(['get', 'validatingadmissionpolicybindings', 'max-replicas.barge.test-binding', '--no-headers'])).toMatch(/^max-replicas\.barge\.test-binding\s+max-replicas\.barge\.test\s+vap-params\/replica-limit\s+\d+s\n$/);

    const noParam = "The deployments \"d0\" is invalid: : ValidatingAdmissionPolicy 'max-replicas.barge.test' with binding 'max-replicas.barge.test-binding' denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction\n";
    await refusedEventually('no param denies', (name) => deployment(name, 'vap-params', 1));
    expect(kubectl(['create', '-f', '-'], deployment('d0', 'vap-params', 1)).stderr).toBe(noParam);

    ok(['create', 'configmap', 'replica-limit', '--from-literal=maxReplicas=3', '-n', 'vap-params']);
    const tooMany = 'Error from server (Forbidden): error when creating "STDIN": deployments.apps "d1" is forbidden: ValidatingAdmissionPolicy \'max-replicas.barge.test\' with binding \'max-replicas.barge.test-binding\' denied request: replicas must be no greater than 3\n';
    // The ConfigMap reaches the policy through a watch cache too.
    await until('the param applies', () => kubectl(['create', '-f', '-'], deployment('d1', 'vap-params', 4)).stderr === tooMany, { timeoutMs: 20_000, pollMs: 200 });
    expect(ok(['create', '-f', '-'], deployment('d2', 'vap-params', 3))).toBe('deployment.apps/d2 created\n');
  });

  it('a policy asks the authorizers about the requesting user through `authorizer`', async () => {
    ok(['create', 'namespace', 'vap-authz']);
    ok(['create', '-f', '-'], json({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'alice-edit', namespace: 'vap-authz' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' }, subjects: [{ kind: 'User', name: 'alice' }] }));
    ok(['create', '-f', '-'], policy('approvers.barge.test', {
      matchConstraints: { resourceRules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }] },
      validations: [
        { expression: "authorizer.group('').resource('configmaps').namespace(request.namespace).check('approve').allowed()", messageExpression: "'user ' + request.userInfo.username + ' may not approve configmaps'", reason: 'Forbidden' },
        // The request's own resource and a path: both allowed to anyone who got this far.
        { expression: "authorizer.requestResource.check('create').allowed() && authorizer.path('/healthz').check('get').allowed()" },
        // A ServiceAccount with no binding may not; reason() and errored() answer too.
        { expression: "!authorizer.serviceAccount('vap-authz', 'robot').group('').resource('configmaps').namespace('vap-authz').check('list').allowed() && !authorizer.path('/metrics').check('get').errored()" },
      ],
    }));
    ok(['create', '-f', '-'], binding('approvers.barge.test-binding', { policyName: 'approvers.barge.test', validationActions: ['Deny'], matchResources: inNamespace('vap-authz') }));
    const asAlice = (name: string): KubectlResult => kubectl(['--as=alice', 'create', '-f', '-'], configMap(name, 'vap-authz'));
    const refused = (name: string): string => `Error from server (Forbidden): error when creating "STDIN": configmaps "${name}" is forbidden: ValidatingAdmissionPolicy 'approvers.barge.test' with binding 'approvers.barge.test-binding' denied request: user alice may not approve configmaps\n`;
    await until('the policy refuses alice', () => asAlice(`probe-${probes}`).stderr === refused(`probe-${probes++}`), { timeoutMs: 20_000, pollMs: 200 });
    expect(asAlice('by-alice').stderr).toBe(refused('by-alice'));
    // The admin (system:masters) may approve.
    expect(ok(['create', '-f', '-'], configMap('by-admin', 'vap-authz'))).toBe('configmap/by-admin created\n');
    // Granted approve, alice passes once RBAC's cache has the binding.
    ok(['create', '-f', '-'], json({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'approver', namespace: 'vap-authz' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['approve'] }] }));
    ok(['create', '-f', '-'], json({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'alice-approver', namespace: 'vap-authz' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'approver' }, subjects: [{ kind: 'User', name: 'alice' }] }));
    await until('alice may approve', () => asAlice(`approved-${probes++}`).status === 0, { timeoutMs: 20_000, pollMs: 200 });
  });

  it('a webhook whose matchConditions are false is not called; one that cannot be evaluated refuses the request', async () => {
    ok(['create', 'namespace', 'vap-hooks']);
    const down = await freePort();
    const webhook = (name: string, extra: Json) => ({
      name,
      clientConfig: { url: `https://127.0.0.1:${down}/validate` },
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
      ...inNamespace('vap-hooks'),
      ...extra,
    });
    ok(['create', '-f', '-'], json({
      apiVersion: GROUP_VERSION,
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'conditions.barge.test' },
      webhooks: [
        webhook('checked.barge.test', { matchConditions: [{ name: 'only-checked', expression: "object.metadata.name.startsWith('checked-')" }] }),
        webhook('broken.barge.test', { objectSelector: { matchLabels: { probe: 'broken' } }, matchConditions: [{ name: 'broken', expression: 'object.data.missing == "x"' }] }),
      ],
    }));
    const invalid = kubectl(['create', '-f', '-'], json({ apiVersion: GROUP_VERSION, kind: 'ValidatingWebhookConfiguration', metadata: { name: 'invalid.barge.test' }, webhooks: [webhook('invalid.barge.test', { matchConditions: [{ name: 'p', expression: 'params.x == 1' }] })] }));
    expect(invalid.stderr).toBe(
      'The ValidatingWebhookConfiguration "invalid.barge.test" is invalid: webhooks[0].matchConditions[0].expression: Invalid value: "params.x == 1": compilation failed: ERROR: <input>:1:1: undeclared reference to \'params\' (in container \'\')\n | params.x == 1\n | ^\n',
    );
    const called = `Error from server (InternalError): error when creating "STDIN": Internal error occurred: failed calling webhook "checked.barge.test": failed to call webhook: Post "https://127.0.0.1:${down}/validate?timeout=10s": dial tcp 127.0.0.1:${down}: connect: connection refused\n`;
    await refusedEventually('the webhook is called', (name) => configMap(`checked-${name}`, 'vap-hooks'));
    expect(kubectl(['create', '-f', '-'], configMap('checked-1', 'vap-hooks')).stderr).toBe(called);
    expect(ok(['create', '-f', '-'], configMap('other', 'vap-hooks'))).toBe('configmap/other created\n');
    expect(kubectl(['create', '-f', '-'], configMap('e1', 'vap-hooks', { metadata: { name: 'e1', namespace: 'vap-hooks', labels: { probe: 'broken' } }, data: { a: 'b' } })).stderr).toBe(
      'Error from server (Forbidden): error when creating "STDIN": configmaps "e1" is forbidden: expression \'object.data.missing == "x"\' resulted in error: no such key: missing\n',
    );
  });
});
