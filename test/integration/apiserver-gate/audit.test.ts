// --audit-policy-file and --audit-log-path at their three levels through the real kubectl: Metadata
// events carry who did what and kube's responseStatus (the whole Status of a refusal), Request events
// add the body sent (JSON or protobuf, decoded), RequestResponse ones the answer too; None and
// unmatched requests write nothing.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../../support/wait.js';
import { apiserverOnBarge, type KubectlResult } from '../apiserver/apiserver-process.js';

type Json = Record<string, any>;

const POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: None
  nonResourceURLs: ["/readyz*", "/api*", "/openapi*", "/version"]
- level: RequestResponse
  resources: [{group: "", resources: ["configmaps"]}]
- level: Request
  resources: [{group: "", resources: ["secrets"]}]
- level: Metadata
  resources: [{group: "", resources: ["serviceaccounts"]}]
`;

describe('audit log levels', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gate-audit-'));
  writeFileSync(join(dir, 'tokens.csv'), 'dave-token,dave,3001\n');
  writeFileSync(join(dir, 'empty.conf'), 'apiVersion: v1\nkind: Config\n');
  writeFileSync(join(dir, 'audit.yaml'), POLICY);
  const env = apiserverOnBarge(120_000, ['--authorization-mode=RBAC', `--token-auth-file=${join(dir, 'tokens.csv')}`, `--audit-policy-file=${join(dir, 'audit.yaml')}`, `--audit-log-path=${join(dir, 'audit.log')}`]);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const admin = (args: string[], input?: string): string => {
    const result = env.api.kubectl(args, input === undefined ? {} : { input });
    if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}\n${env.api.log.slice(-2000)}`);
    return result.stdout;
  };
  const dave = (args: string[]): KubectlResult => {
    const result = spawnSync('kubectl', ['--kubeconfig', join(dir, 'empty.conf'), '--cache-dir', join(dir, 'cache'), '--server', env.api.url, '--certificate-authority', join(env.api.dir, 'certs', 'ca.crt'), '--token', 'dave-token', ...args], { encoding: 'utf8', timeout: 30_000 });
    return { stdout: result.stdout, stderr: result.stderr, status: result.status };
  };
  const events = (): Json[] => {
    const file = join(dir, 'audit.log');
    return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Json) : [];
  };
  const eventFor = (verb: string, resource: string, name: string, username: string): Json | undefined =>
    events().find((e) => e['verb'] === verb && e['objectRef']?.resource === resource && e['objectRef']?.name === name && e['user']?.username === username);
  const waitEvent = async (verb: string, resource: string, name: string, username: string): Promise<Json> => {
    await until(`the audit event of ${verb} ${resource}/${name}`, () => eventFor(verb, resource, name, username) !== undefined, { timeoutMs: 10_000 });
    return eventFor(verb, resource, name, username)!;
  };


  it('RequestResponse: the object sent and the object stored', async () => {
    const sent = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { mode: 'fast' } };
    expect(admin(['create', '-f', '-'], JSON.stringify(sent))).toBe('configmap/settings created\n');
    const event = await waitEvent('create', 'configmaps', 'settings', 'kubernetes-admin');
    expect(Object.keys(event)).toEqual(['kind', 'apiVersion', 'level', 'auditID', 'stage', 'requestURI', 'verb', 'user', 'sourceIPs', 'userAgent', 'objectRef', 'responseStatus', 'requestObject', 'responseObject', 'requestReceivedTimestamp', 'stageTimestamp', 'annotations']);
    expect(event).toMatchObject({ level: 'RequestResponse', stage: 'ResponseComplete', responseStatus: { metadata: {}, code: 201 }, requestObject: sent });
    expect(event['responseObject']).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default', uid: expect.any(String) }, data: { mode: 'fast' } });
    // A read at the same level carries the answer.
    admin(['get', 'configmap', 'settings', '-o', 'json']);
    expect((await waitEvent('get', 'configmaps', 'settings', 'kubernetes-admin'))['responseObject']).toMatchObject({ kind: 'ConfigMap', data: { mode: 'fast' } });
  });

  it('Request: the body sent (kubectl\'s typed create sends protobuf), not the answer', async () => {
    expect(admin(['create', 'secret', 'generic', 'db', '--from-literal=password=hunter2'])).toBe('secret/db created\n');
    const event = await waitEvent('create', 'secrets', 'db', 'kubernetes-admin');
    expect(event).toMatchObject({ level: 'Request', requestObject: { kind: 'Secret', apiVersion: 'v1', metadata: { name: 'db' }, data: { password: Buffer.from('hunter2').toString('base64') } } });
    expect(event['responseObject']).toBeUndefined();
  });

  it('Metadata: no bodies; a refusal\'s responseStatus is its whole Status', async () => {
    admin(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot', namespace: 'default' } }));
    const created = await waitEvent('create', 'serviceaccounts', 'robot', 'kubernetes-admin');
    expect(created['level']).toBe('Metadata');
    expect(created['requestObject']).toBeUndefined();
    expect(dave(['get', 'serviceaccount', 'robot'])).toMatchObject({ status: 1, stderr: 'Error from server (Forbidden): serviceaccounts "robot" is forbidden: User "dave" cannot get resource "serviceaccounts" in API group "" in the namespace "default"\n' });
    const refused = await waitEvent('get', 'serviceaccounts', 'robot', 'dave');
    expect(refused).toMatchObject({
      level: 'Metadata',
      user: { username: 'dave', uid: '3001', groups: ['system:authenticated'] },
      responseStatus: { metadata: {}, status: 'Failure', message: 'serviceaccounts "robot" is forbidden: User "dave" cannot get resource "serviceaccounts" in API group "" in the namespace "default"', reason: 'Forbidden', details: { name: 'robot', kind: 'serviceaccounts' }, code: 403 },
      annotations: { 'authorization.k8s.io/decision': 'forbid' },
    });
  });

  it('requests no rule matches write nothing', async () => {
    admin(['get', 'pods']);
    admin(['get', 'namespaces']);
    // Both were answered before the configmap below; its event arriving means theirs were decided.
    admin(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'marker', namespace: 'default' } }));
    await waitEvent('create', 'configmaps', 'marker', 'kubernetes-admin');
    expect(events().filter((e) => ['pods', 'namespaces'].includes(e['objectRef']?.resource) || e['objectRef'] === undefined)).toEqual([]);
  });
});
