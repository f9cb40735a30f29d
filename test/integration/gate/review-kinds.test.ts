// The review kinds through the real kubectl against `barge apiserver --authorization-mode=RBAC`: they
// are in discovery (create only), so `kubectl create -f` of each works and prints what kube prints;
// `auth whoami`, `auth can-i --list` and `auth can-i --as` ask them; bad reviews get kube's errors.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiserverOnBarge, type KubectlResult } from '../apiserver/apiserver-process.js';

const dir = mkdtempSync(join(tmpdir(), 'gate-reviews-'));
writeFileSync(join(dir, 'tokens.csv'), 'alice-token,alice,1001,"devs,qa"\n');
writeFileSync(join(dir, 'empty.conf'), 'apiVersion: v1\nkind: Config\n');

const yaml = (kind: string, group: string, body: string): string => `apiVersion: ${group}/v1\nkind: ${kind}\n${body}`;
const SAR = yaml('SubjectAccessReview', 'authorization.k8s.io', 'spec:\n  user: alice\n  resourceAttributes: {verb: list, resource: pods, namespace: team}\n');

describe('review kinds with kubectl', () => {
  const env = apiserverOnBarge(120_000, ['--authorization-mode=RBAC', `--token-auth-file=${join(dir, 'tokens.csv')}`]);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const admin = (args: string[], input?: string): KubectlResult => env.api.kubectl(args, input === undefined ? {} : { input });
  const alice = (args: string[], input?: string): KubectlResult => {
    const result = spawnSync('kubectl', ['--kubeconfig', join(dir, 'empty.conf'), '--cache-dir', join(dir, 'cache'), '--server', env.api.url, '--certificate-authority', join(env.api.dir, 'certs', 'ca.crt'), '--token', 'alice-token', ...args], { encoding: 'utf8', input, timeout: 30_000 });
    return { stdout: result.stdout, stderr: result.stderr, status: result.status };
  };
  const json = (result: KubectlResult): Record<string, unknown> => {
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout) as Record<string, unknown>;
  };

  beforeAll(() => {
    const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'alice-view', namespace: 'team' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'User', name: 'alice' }] };
    expect(admin(['create', 'namespace', 'team']).status).toBe(0);
    expect(admin(['create', '-f', '-'], JSON.stringify(binding)).status).toBe(0);
  });

  it('lists them in discovery with the verb create alone', () => {
    const authorization = admin(['api-resources', '--api-group=authorization.k8s.io', '-o', 'wide']).stdout.split('\n').slice(1, -1);
    // NAME, (no SHORTNAMES), APIVERSION, NAMESPACED, KIND, VERBS.
    expect(authorization.map((line) => line.trim().split(/\s+/).slice(0, 5))).toEqual([
      ['localsubjectaccessreviews', 'authorization.k8s.io/v1', 'true', 'LocalSubjectAccessReview', 'create'],
      ['selfsubjectaccessreviews', 'authorization.k8s.io/v1', 'false', 'SelfSubjectAccessReview', 'create'],
      ['selfsubjectrulesreviews', 'authorization.k8s.io/v1', 'false', 'SelfSubjectRulesReview', 'create'],
      ['subjectaccessreviews', 'authorization.k8s.io/v1', 'false', 'SubjectAccessReview', 'create'],
    ]);
    const authentication = admin(['api-resources', '--api-group=authentication.k8s.io', '--no-headers']).stdout;
    expect(authentication.split('\n').map((line) => line.split(/\s+/)[0])).toEqual(['selfsubjectreviews', 'tokenreviews', '']);
    // Nothing else is routed: a list is a 405, as kube answers it.
    expect(admin(['get', 'subjectaccessreviews'])).toMatchObject({ status: 1, stderr: 'Error from server (MethodNotAllowed): the server does not allow this method on the requested resource\n' });
  });

  it('creates a SubjectAccessReview with create -f, printing what kube prints', () => {
    expect(admin(['create', '-f', '-'], SAR)).toMatchObject({ status: 0, stdout: 'subjectaccessreview.authorization.k8s.io/<unknown> created\n' });
    expect(json(admin(['create', '-f', '-', '-o', 'json', '--show-managed-fields'], SAR))).toEqual({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      metadata: {
        creationTimestamp: null,
        managedFields: [{ apiVersion: 'authorization.k8s.io/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:resourceAttributes': { '.': {}, 'f:namespace': {}, 'f:resource': {}, 'f:verb': {} }, 'f:user': {} } }, manager: 'kubectl-create', operation: 'Update', time: expect.stringMatching(/Z$/) as unknown }],
      },
      spec: { user: 'alice', resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'team' } },
      status: { allowed: true, reason: 'RBAC: allowed by RoleBinding "alice-view/team" of ClusterRole "view" to User "alice"' },
    });
    const elsewhere = SAR.replace('namespace: team', 'namespace: default');
    expect((json(admin(['create', '-f', '-', '-o', 'json'], elsewhere))['status'])).toEqual({ allowed: false });
  });

  it('answers the local and self access reviews, and refuses bad ones with kube\'s errors', () => {
    const local = yaml('LocalSubjectAccessReview', 'authorization.k8s.io', 'metadata: {namespace: team}\nspec:\n  user: alice\n  resourceAttributes: {verb: get, resource: pods, namespace: team}\n');
    expect(admin(['create', '-f', '-'], local)).toMatchObject({ status: 0, stdout: 'localsubjectaccessreview.authorization.k8s.io/<unknown> created\n' });
    expect(json(admin(['create', '-f', '-', '-o', 'json'], local))['metadata']).toMatchObject({ namespace: 'team' });
    const self = yaml('SelfSubjectAccessReview', 'authorization.k8s.io', 'spec:\n  resourceAttributes: {verb: watch, resource: deployments, group: apps, namespace: team}\n');
    expect(json(alice(['create', '-f', '-', '-o', 'json'], self))['status']).toEqual({ allowed: true, reason: 'RBAC: allowed by RoleBinding "alice-view/team" of ClusterRole "view" to User "alice"' });
    expect(admin(['create', '-f', '-'], yaml('SubjectAccessReview', 'authorization.k8s.io', 'spec:\n  resourceAttributes: {verb: get, resource: pods}\n'))).toMatchObject({
      status: 1,
      stderr: 'The request is invalid: spec.user: Invalid value: "": at least one of user or group must be specified\n',
    });
    expect(admin(['create', '-f', '-'], local.replace('namespace: team}\nspec', 'namespace: other}\nspec'))).toMatchObject({ status: 1 });
    // The reviews have no PATCH in /openapi, so kubectl checks their fields itself, as against kube.
    const unknownField = admin(['create', '-f', '-'], SAR.replace('user: alice', 'user: alice\n  colour: red'));
    expect(unknownField.status).toBe(1);
    expect(unknownField.stderr).toContain('ValidationError(SubjectAccessReview.spec): unknown field "colour" in io.k8s.api.authorization.v1.SubjectAccessReviewSpec');
    // The server's strict decoding, asked for directly.
    const body = JSON.stringify({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: 'alice', colour: 'red', resourceAttributes: { verb: 'list', resource: 'pods' } } });
    expect(admin(['create', '--raw', '/apis/authorization.k8s.io/v1/subjectaccessreviews?fieldValidation=Strict', '-f', '-'], body)).toMatchObject({
      status: 1,
      stderr: 'Error from server (BadRequest): SubjectAccessReview in version "v1" cannot be handled as a SubjectAccessReview: strict decoding error: unknown field "spec.colour"\n',
    });
  });

  it('lists the rules of a SelfSubjectRulesReview as RBAC holds them', () => {
    const rules = json(alice(['create', '-f', '-', '-o', 'json'], yaml('SelfSubjectRulesReview', 'authorization.k8s.io', 'spec: {namespace: team}\n')));
    const status = rules['status'] as { resourceRules: { verbs: string[]; apiGroups?: string[]; resources: string[] }[]; incomplete: boolean };
    expect(status.incomplete).toBe(false);
    expect(status.resourceRules).toContainEqual({ verbs: ['get', 'list', 'watch'], apiGroups: [''], resources: expect.arrayContaining(['pods', 'configmaps']) as unknown });
    expect(status.resourceRules).toContainEqual({ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] });
    expect(alice(['create', '-f', '-'], yaml('SelfSubjectRulesReview', 'authorization.k8s.io', 'spec: {}\n'))).toMatchObject({ status: 1, stderr: 'Error from server (BadRequest): error when creating "STDIN": no namespace on request\n' });
  });

  it('reviews a token as a request bearing it would be authenticated', () => {
    const review = (token: string) => json(admin(['create', '-f', '-', '-o', 'json'], yaml('TokenReview', 'authentication.k8s.io', `spec: {token: ${token}}\n`)))['status'];
    expect(review('alice-token')).toEqual({ authenticated: true, user: { username: 'alice', uid: '1001', groups: ['devs', 'qa', 'system:authenticated'] } });
    expect(review('nobody-token')).toEqual({ user: {}, error: 'invalid bearer token' });
    expect(admin(['create', '-f', '-'], yaml('TokenReview', 'authentication.k8s.io', 'spec: {token: alice-token}\n'))).toMatchObject({ status: 0, stdout: 'tokenreview.authentication.k8s.io/<unknown> created\n' });
  });

  it('answers kubectl auth whoami, can-i --list and can-i --as', () => {
    const whoami = alice(['auth', 'whoami']).stdout;
    expect(whoami).toMatch(/^Username\s+alice$/m);
    expect(whoami).toMatch(/^UID\s+1001$/m);
    expect(whoami).toMatch(/^Groups\s+\[devs qa system:authenticated\]$/m);
    const list = alice(['auth', 'can-i', '--list', '-n', 'team']).stdout;
    expect(list).toMatch(/^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs$/m);
    expect(list).toMatch(/^pods\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
    expect(list).toMatch(/^\s+\[\/healthz\]\s+\[\]\s+\[get\]$/m);
    expect(admin(['auth', 'can-i', 'list', 'pods', '-n', 'team', '--as', 'alice'])).toMatchObject({ status: 0, stdout: 'yes\n' });
    expect(admin(['auth', 'can-i', 'create', 'pods', '-n', 'team', '--as', 'alice'])).toMatchObject({ status: 1, stdout: 'no\n' });
  });
});
