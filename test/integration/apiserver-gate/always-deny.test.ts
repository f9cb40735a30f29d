// --authorization-mode=AlwaysDeny and --anonymous-auth=false through the real kubectl: every request is
// refused with kube's reason (AlwaysDeny has no opinion, so a later mode could still allow), except for
// system:masters, which kube-apiserver allows before any mode; no credentials at all is a 401; a
// SubjectAccessReview asks the same authorizers about another user.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiserverOnBarge, type KubectlResult } from '../apiserver/apiserver-process.js';

describe('AlwaysDeny without anonymous requests', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gate-deny-'));
  writeFileSync(join(dir, 'tokens.csv'), 'erin-token,erin,4001\n');
  writeFileSync(join(dir, 'empty.conf'), 'apiVersion: v1\nkind: Config\n');
  const env = apiserverOnBarge(120_000, ['--authorization-mode=AlwaysDeny', '--anonymous-auth=false', `--token-auth-file=${join(dir, 'tokens.csv')}`]);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const as = (credentials: string[], args: string[]): KubectlResult => {
    const result = spawnSync('kubectl', ['--kubeconfig', join(dir, 'empty.conf'), '--cache-dir', join(dir, 'cache'), '--server', env.api.url, '--certificate-authority', join(env.api.dir, 'certs', 'ca.crt'), ...credentials, ...args], { encoding: 'utf8', timeout: 30_000 });
    return { stdout: result.stdout, stderr: result.stderr, status: result.status };
  };


  it('refuses an authenticated user everything, with the reason; can-i agrees', () => {
    expect(as(['--token', 'erin-token'], ['get', '--raw', '/api/v1/namespaces/default/pods'])).toMatchObject({
      status: 1,
      stderr: 'Error from server (Forbidden): pods is forbidden: User "erin" cannot list resource "pods" in API group "" in the namespace "default": Everything is forbidden.\n',
    });
    expect(as(['--token', 'erin-token'], ['get', '--raw', '/version'])).toMatchObject({ status: 1, stderr: 'Error from server (Forbidden): forbidden: User "erin" cannot get path "/version": Everything is forbidden.\n' });
  });

  it('answers no credentials with 401 rather than as system:anonymous', () => {
    expect(as(['--username', 'nobody', '--password', 'none'], ['get', '--raw', '/version'])).toMatchObject({ status: 1, stderr: 'error: You must be logged in to the server (Unauthorized)\n' });
  });

  it('lets system:masters through, and answers its SubjectAccessReview about another user', () => {
    expect(env.api.kubectl(['auth', 'can-i', 'delete', 'nodes']).stdout).toBe('yes\n');
    const review = JSON.stringify({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: 'erin', resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'default' } } });
    // Posted raw, so the answer is the whole review as the server wrote it.
    const post = (body: string): { status: Record<string, unknown> } => {
      const answer = env.api.kubectl(['create', '--raw', '/apis/authorization.k8s.io/v1/subjectaccessreviews', '-f', '-'], { input: body });
      expect(answer.stderr).toBe('');
      return JSON.parse(answer.stdout) as { status: Record<string, unknown> };
    };
    expect(post(review).status).toEqual({ allowed: false, reason: 'Everything is forbidden.' });
    const masters = JSON.stringify({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: 'root', groups: ['system:masters'], nonResourceAttributes: { verb: 'get', path: '/metrics' } } });
    expect(post(masters).status).toEqual({ allowed: true });
  });
});
