// A webhook reached through clientConfig.service, as kube-apiserver reaches one: the Service's port,
// an address of its Endpoints (made by hand here, pointing at a webhook server in this process), the
// serving certificate checked for <service>.<namespace>.svc against the caBundle; without Endpoints, the
// Service's EndpointSlices; and kube's words when the Service, its port or its endpoints are missing.

import { execFile } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueCertificate } from '../../../src/pki/certificates.js';
import { freePort } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';
import { apiserverOnBarge } from '../apiserver/apiserver-process.js';

type Json = Record<string, any>;

const run = promisify(execFile);
const NS = 'hooks';

describe('admission webhooks behind a Service', () => {
  const env = apiserverOnBarge(120_000, ['--enable-admission-plugins=ValidatingAdmissionWebhook']);
  let server: Server;
  let port = 0;
  let caBundle = '';
  const seen: Array<{ host?: string; url?: string; name: string }> = [];

  /** kubectl without blocking this process, which serves the webhook; its exit status, stdout and stderr. */
  const kubectl = async (args: string[], input?: object): Promise<{ status: number; stdout: string; stderr: string }> => {
    const child = run('kubectl', ['--kubeconfig', env.api.kubeconfig, '--cache-dir', join(env.api.dir, 'kube-cache', 'svc'), ...args], { timeout: 30_000 });
    if (input) child.child.stdin!.end(JSON.stringify(input));
    return child.then(({ stdout, stderr }) => ({ status: 0, stdout, stderr }), (e: { code?: number; stdout: string; stderr: string }) => ({ status: e.code ?? 1, stdout: e.stdout, stderr: e.stderr }));
  };
  const configMap = (name: string, service: string, data: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS, labels: { via: service } }, data });
  const webhook = (service: Json) => ({
    apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: `${service['name']}-${service['port'] ?? 443}.barge.test` },
    webhooks: [{
      name: `${service['name']}-${service['port'] ?? 443}.barge.test`, clientConfig: { service: { namespace: NS, path: '/validate', ...service }, caBundle },
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
      objectSelector: { matchLabels: { via: `${service['name']}-${service['port'] ?? 443}` } }, sideEffects: 'None', admissionReviewVersions: ['v1'],
    }],
  });
  const refusal = (hook: string, reason: string): string => `Error from server (InternalError): error when creating "STDIN": Internal error occurred: failed calling webhook "${hook}.barge.test": failed to call webhook: ${reason}\n`;

  beforeAll(async () => {
    // The name kube's client asks for: <service>.<namespace>.svc, for both Services below.
    const authority = await createCertificateAuthority('service-webhook-ca');
    const { cert, key } = await issueCertificate(authority, { commonName: 'hook', hosts: [`hook.${NS}.svc`, `sliced.${NS}.svc`], usages: ['server'] });
    caBundle = Buffer.from(authority.cert).toString('base64');
    port = await freePort();
    const answer = async (req: IncomingMessage): Promise<Json> => {
      let body = '';
      for await (const chunk of req) body += String(chunk);
      const request = (JSON.parse(body) as Json)['request'] as Json;
      seen.push({ host: req.headers.host, url: req.url, name: request['name'] });
      const allowed = !Object.hasOwn(request['object']['data'] ?? {}, 'forbidden');
      return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: request['uid'], allowed, ...(allowed ? {} : { status: { code: 403, reason: 'Forbidden', message: 'the key "forbidden" is not allowed' } }) } };
    };
    server = createServer({ cert, key }, (req, res) => {
      answer(req).then((review) => res.end(JSON.stringify(review)), () => res.writeHead(500).end());
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const service = (name: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS }, spec: { ports: [{ name: 'https', port: 443, targetPort: port }] } });
    for (const object of [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
      service('hook'),
      { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'hook', namespace: NS }, subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port }] }] },
      service('sliced'),
      { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'sliced-1', namespace: NS, labels: { 'kubernetes.io/service-name': 'sliced' } }, addressType: 'IPv4', endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }], ports: [{ name: 'https', port, protocol: 'TCP' }] },
      service('empty'),
      { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'empty', namespace: NS }, subsets: [] },
      webhook({ name: 'hook' }), webhook({ name: 'sliced' }), webhook({ name: 'hook', port: 8443 }), webhook({ name: 'missing' }), webhook({ name: 'empty' }),
    ]) {
      const created = await kubectl(['create', '-f', '-'], object);
      if (created.status !== 0) throw new Error(`creating ${object.kind}: ${created.stderr}`);
    }
  }, 120_000);

  afterAll(() => {
    server?.closeAllConnections();
    server?.close();
  });

  it('calls the webhook at an address of the Service\'s Endpoints, asking for <service>.<namespace>.svc', async () => {
    await until('the webhook refuses through the Service', async () => (await kubectl(['create', '-f', '-'], configMap('probe', 'hook-443', { forbidden: 'x' }))).status !== 0, { timeoutMs: 20_000, pollMs: 200 });
    expect((await kubectl(['create', '-f', '-'], configMap('bad', 'hook-443', { forbidden: 'x' }))).stderr).toBe('Error from server (Forbidden): error when creating "STDIN": admission webhook "hook-443.barge.test" denied the request: the key "forbidden" is not allowed\n');
    expect((await kubectl(['create', '-f', '-'], configMap('good', 'hook-443'))).stdout).toBe('configmap/good created\n');
    expect(seen.find((s) => s.name === 'good')).toEqual({ name: 'good', host: `hook.${NS}.svc:443`, url: '/validate?timeout=10s' });
  });

  it('without Endpoints, uses the Service\'s EndpointSlices', async () => {
    let attempt = 0;
    // A fresh name each time: one created before the configuration reached the cache was not sent.
    await until('the sliced webhook answers', async () => (await kubectl(['create', '-f', '-'], configMap(`sliced-${++attempt}`, 'sliced-443'))).status === 0 && seen.some((s) => s.name.startsWith('sliced-')), { timeoutMs: 20_000, pollMs: 200 });
    expect(seen.find((s) => s.name.startsWith('sliced-'))?.host).toBe(`sliced.${NS}.svc:443`);
  });

  it('a Service, port or endpoint that is not there fails the call in kube\'s words', async () => {
    const cases: Array<[string, string]> = [
      ['missing-443', refusal('missing-443', `Post "https://missing.${NS}.svc:443/validate?timeout=10s": service "missing" not found`)],
      ['hook-8443', refusal('hook-8443', `Post "https://hook.${NS}.svc:8443/validate?timeout=10s": no service port 8443 found for service "hook"`)],
      ['empty-443', refusal('empty-443', `Post "https://empty.${NS}.svc:443/validate?timeout=10s": no endpoints available for service "empty"`)],
    ];
    let attempt = 0;
    for (const [via, expected] of cases) {
      let last = '';
      await until(`the ${via} webhook to fail`, async () => (last = (await kubectl(['create', '-f', '-'], configMap(`${via}-${++attempt}`, via))).stderr) === expected, { timeoutMs: 20_000, pollMs: 200 }).catch((e: Error) => {
        throw new Error(`${e.message}: ${last}`);
      });
    }
  });
});
