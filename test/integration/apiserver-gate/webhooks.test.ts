// Dynamic admission with a real HTTPS webhook server in the test process: kubectl's objects reach it as
// AdmissionReview v1 (with the requester's identity), its JSONPatch changes what is stored, its refusal
// reaches kubectl in kube's words, selectors decide what it is sent, and a webhook that is down or slow
// follows its failurePolicy.

import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueCertificate } from '../../../src/pki/certificates.js';
import { freePort, type ProcessCluster } from '../../support/process-cluster.js';
import { sleep } from '../../support/wait.js';
import { ApiserverProcess, prepareBargeBinary, startCluster } from '../apiserver/apiserver-process.js';

type Json = Record<string, any>;

const configMap = (name: string, data: Record<string, string>, labels: Record<string, string> = {}) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels }, data });

/** `until` for an asynchronous check (kubectl must not block this process, which serves the webhook). */
async function eventually(what: string, check: () => Promise<boolean>, { timeoutMs = 10_000 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('admission webhooks', () => {
  let cluster: ProcessCluster;
  let api: ApiserverProcess;
  let server: Server;
  let port = 0;
  let caBundle = '';
  const reviews: Json[] = [];

  // kubectl runs asynchronously: the webhook server lives in this process, so a blocking call would stall it.
  const kubectl = (args: string[], input?: string): Promise<{ stdout: string; stderr: string; status: number | null }> =>
    new Promise((resolve) => {
      const child = spawn('kubectl', ['--kubeconfig', api.kubeconfig, '--cache-dir', join(api.dir, 'kube-cache', 'webhooks'), ...args]);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (status) => resolve({ stdout, stderr, status }));
      child.stdin.end(input ?? '');
    });
  const webhookConfiguration = (kind: 'Mutating' | 'Validating', name: string, path: string, extra: Json = {}) =>
    JSON.stringify({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: `${kind}WebhookConfiguration`,
      metadata: { name },
      webhooks: [{ name, clientConfig: { url: `https://127.0.0.1:${port}${path}`, caBundle }, rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }], sideEffects: 'None', admissionReviewVersions: ['v1'], ...extra }],
    });

  beforeAll(async () => {
    prepareBargeBinary();
    const ca = await createCertificateAuthority('webhook-ca');
    const serving = await issueCertificate(ca, { commonName: 'webhook', hosts: ['127.0.0.1'], usages: ['server'] });
    caBundle = Buffer.from(ca.cert).toString('base64');
    port = await freePort();
    server = createServer({ cert: serving.cert, key: serving.key }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json;
        reviews.push({ path: req.url, ...review });
        const request = review['request'] as Json;
        const respond = (response: Json) => res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: request['uid'], ...response } }));
        if (req.url!.startsWith('/slow')) return; // never answers
        if (req.url!.startsWith('/mutate')) {
          const patch = [{ op: 'add', path: '/metadata/labels/mutated', value: 'by-webhook' }];
          return respond({ allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') });
        }
        const forbidden = Object.hasOwn((request['object'] as Json)['data'] ?? {}, 'forbidden');
        respond(forbidden ? { allowed: false, status: { code: 403, reason: 'Forbidden', message: 'the key "forbidden" is not allowed' } } : { allowed: true });
      });
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    cluster = await startCluster(1, 'barge');
    api = await ApiserverProcess.start(cluster.endpoints, ['--enable-admission-plugins=MutatingAdmissionWebhook,ValidatingAdmissionWebhook']);
  }, 180_000);

  afterAll(async () => {
    await api?.stop();
    await cluster?.stop();
    server?.closeAllConnections();
    server?.close();
  });

  it('serves the configurations with kube\'s defaults', async () => {
    expect((await kubectl(['create', '-f', '-'], webhookConfiguration('Validating', 'deny.barge.test', '/validate')))).toMatchObject({ status: 0, stdout: 'validatingwebhookconfiguration.admissionregistration.k8s.io/deny.barge.test created\n' });
    const stored = JSON.parse((await kubectl(['get', 'validatingwebhookconfiguration', 'deny.barge.test', '-o', 'json'])).stdout) as Json;
    expect(stored['webhooks'][0]).toMatchObject({ failurePolicy: 'Fail', matchPolicy: 'Equivalent', timeoutSeconds: 10, namespaceSelector: {}, objectSelector: {} });
    expect(stored['webhooks'][0].rules[0].scope).toBe('*');
    const invalid = JSON.parse(webhookConfiguration('Validating', 'bad.barge.test', '/validate')) as Json;
    delete invalid['webhooks'][0].sideEffects;
    expect((await kubectl(['create', '-f', '-'], JSON.stringify(invalid))).stderr).toContain('webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun');
  });

  it('a validating webhook refuses an object with kube\'s message and sees who asked', async () => {
    await eventually('the webhook is consulted', async () => (await kubectl(['create', '-f', '-'], configMap('probe', { forbidden: 'x' }))).status !== 0, { timeoutMs: 15_000 });
    const refused = (await kubectl(['create', '-f', '-'], configMap('bad', { forbidden: 'x' })));
    expect(refused.stderr).toBe('Error from server (Forbidden): error when creating "STDIN": admission webhook "deny.barge.test" denied the request: the key "forbidden" is not allowed\n');
    expect((await kubectl(['get', 'configmap', 'bad'])).stderr).toContain('"bad" not found');
    expect((await kubectl(['create', '-f', '-'], configMap('good', { fine: 'y' }))).stdout).toBe('configmap/good created\n');
    const seen = reviews.filter((r) => r['path'].startsWith('/validate')).map((r) => r['request'] as Json).find((r) => r['name'] === 'good')!;
    expect(seen).toMatchObject({ operation: 'CREATE', namespace: 'default', kind: { group: '', version: 'v1', kind: 'ConfigMap' }, resource: { group: '', version: 'v1', resource: 'configmaps' }, userInfo: { username: 'kubernetes-admin' }, dryRun: false });
    expect(seen['object'].data).toEqual({ fine: 'y' });
  });

  it('a mutating webhook\'s JSONPatch is stored, only for objects its selector picks', async () => {
    expect((await kubectl(['create', '-f', '-'], webhookConfiguration('Mutating', 'label.barge.test', '/mutate', { objectSelector: { matchLabels: { mutate: 'yes' } } }))).status).toBe(0);
    await eventually('the mutation applies', async () => {
      (await kubectl(['delete', 'configmap', 'm-probe', '--ignore-not-found']));
      (await kubectl(['create', '-f', '-'], configMap('m-probe', {}, { mutate: 'yes' })));
      return (await kubectl(['get', 'configmap', 'm-probe', '-o', 'jsonpath={.metadata.labels.mutated}'])).stdout === 'by-webhook';
    }, { timeoutMs: 15_000 });
    expect((await kubectl(['create', '-f', '-'], configMap('picked', {}, { mutate: 'yes' }))).status).toBe(0);
    expect((await kubectl(['get', 'configmap', 'picked', '-o', 'jsonpath={.metadata.labels}'])).stdout).toBe('{"mutate":"yes","mutated":"by-webhook"}');
    expect((await kubectl(['create', '-f', '-'], configMap('unpicked', {}))).status).toBe(0);
    expect((await kubectl(['get', 'configmap', 'unpicked', '-o', 'jsonpath={.metadata.labels}'])).stdout).toBe('{}');
  });

  it('a webhook that is down or too slow follows its failurePolicy', async () => {
    const down = await freePort();
    const config = JSON.parse(webhookConfiguration('Validating', 'down.barge.test', '/validate', { objectSelector: { matchLabels: { probe: 'down' } } })) as Json;
    config['webhooks'][0].clientConfig.url = `https://127.0.0.1:${down}/validate`;
    expect((await kubectl(['create', '-f', '-'], JSON.stringify(config))).status).toBe(0);
    const expected = `Error from server (InternalError): error when creating "STDIN": Internal error occurred: failed calling webhook "down.barge.test": failed to call webhook: Post "https://127.0.0.1:${down}/validate?timeout=10s": dial tcp 127.0.0.1:${down}: connect: connection refused\n`;
    await eventually('the down webhook fails the request', async () => (await kubectl(['create', '-f', '-'], configMap('d1', {}, { probe: 'down' }))).stderr === expected, { timeoutMs: 15_000 });
    expect((await kubectl(['get', 'configmap', 'd1'])).status).toBe(1);

    config['webhooks'][0].failurePolicy = 'Ignore';
    expect((await kubectl(['replace', '-f', '-'], JSON.stringify(config))).status).toBe(0);
    await eventually('Ignore lets the request through', async () => (await kubectl(['create', '-f', '-'], configMap('d2', {}, { probe: 'down' }))).status === 0, { timeoutMs: 15_000 });

    const slow = JSON.parse(webhookConfiguration('Validating', 'slow.barge.test', '/slow', { timeoutSeconds: 1, objectSelector: { matchLabels: { probe: 'slow' } } })) as Json;
    expect((await kubectl(['create', '-f', '-'], JSON.stringify(slow))).status).toBe(0);
    const timedOut = `Error from server (InternalError): error when creating "STDIN": Internal error occurred: failed calling webhook "slow.barge.test": failed to call webhook: Post "https://127.0.0.1:${port}/slow?timeout=1s": context deadline exceeded\n`;
    await eventually('the slow webhook times out', async () => (await kubectl(['create', '-f', '-'], configMap('s1', {}, { probe: 'slow' }))).stderr === timedOut, { timeoutMs: 20_000 });
  });
});
