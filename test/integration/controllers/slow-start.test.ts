// Slow-start batches end to end: a ReplicaSet's pod creates pass through a real HTTPS validating webhook
// in this process that holds each request for a while, admits the first three and refuses the rest. The
// controller manager must send its creates in batches of 1, 2, 4 (kube's slowStartBatch), stop after the
// batch that failed, and retry one create at a time — never the whole remainder at once.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Resources, type KubeObject, type ResourceRef } from '../../../src/client/kube/index.js';
import type { ReplicaSet } from '../../../src/controllers/shared/types.js';
import { createCertificateAuthority, issueCertificate } from '../../../src/pki/certificates.js';
import { freePort } from '../../support/process-cluster.js';
import { sleep } from '../../support/wait.js';
import { controlPlane } from './control-plane.js';

const VALIDATING_WEBHOOKS: ResourceRef = { group: 'admissionregistration.k8s.io', version: 'v1', plural: 'validatingwebhookconfigurations', namespaced: false, kind: 'ValidatingWebhookConfiguration' };
/**
 * Each admission answer waits this long. The controller starts a batch only once every answer of the
 * previous one is in, so a request arriving while none is held opens a batch, and one arriving while
 * others are held joins theirs (a batch's requests reach the webhook well within this, even under load).
 */
const HOLD_MS = 2500;
const ADMITTED = 3;

describe('slow-start batches', () => {
  const plane = controlPlane({ nodes: 1, prefix: 'ss', apiserverFlags: ['--enable-admission-plugins=MutatingAdmissionWebhook,ValidatingAdmissionWebhook'] });
  let server: Server;
  let port = 0;
  let caBundle = '';
  /** The size of each batch of creates, in the order they came. */
  const batches: number[] = [];
  let received = 0;
  let held = 0;

  /** Admits the first ADMITTED pod creates in the order they arrive and refuses the rest, each answer held HOLD_MS. */
  async function review(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (held === 0) batches.push(0);
    batches[batches.length - 1]!++;
    held++;
    const allowed = ++received <= ADMITTED;
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const { request } = JSON.parse(body) as { request: { uid: string } };
    const response = allowed ? { allowed } : { allowed, status: { code: 403, reason: 'Forbidden', message: 'no more pods for now' } };
    await sleep(HOLD_MS);
    held--;
    res.end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: request.uid, ...response } }));
  }

  beforeAll(async () => {
    const ca = await createCertificateAuthority('slow-start-webhook-ca');
    caBundle = Buffer.from(ca.cert).toString('base64');
    const serving = await issueCertificate(ca, { commonName: 'webhook', hosts: ['127.0.0.1'], usages: ['server'] });
    server = createServer({ cert: serving.cert, key: serving.key }, (req, res) => {
      review(req, res).catch((error: unknown) => res.destroy(error as Error));
    });
    port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  });

  afterAll(() => {
    server?.closeAllConnections();
    server?.close();
  });

  it('creates in batches of 1, 2, 4, stops at the failed batch, then retries one at a time', async () => {
    // Only this set's pods (by label) go to the webhook; kubectl is not used, as it would block this process's server.
    await plane.client.create<KubeObject>(VALIDATING_WEBHOOKS, {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'slow-start.barge.test' },
      webhooks: [{
        name: 'slow-start.barge.test',
        clientConfig: { url: `https://127.0.0.1:${port}/pods`, caBundle },
        rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
        objectSelector: { matchLabels: { app: 'slow' } },
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
      }],
    });
    await plane.client.create<ReplicaSet>(Resources.replicaSets, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'slow', namespace: 'default' },
      spec: { replicas: 20, selector: { matchLabels: { app: 'slow' } }, template: { metadata: { labels: { app: 'slow' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    await plane.waitFor('two single retries after the failed batch', () => batches.length >= 5 && held === 0, 90_000);
    expect(batches.slice(0, 3)).toEqual([1, 2, 4]);
    expect(batches.slice(3).every((size) => size === 1)).toBe(true);

    const pods = await plane.client.list<KubeObject>(Resources.pods, { namespace: 'default', labelSelector: 'app=slow' });
    expect(pods.items).toHaveLength(ADMITTED);
    await plane.waitFor('the ReplicaFailure condition', async () => {
      const rs = await plane.client.get<ReplicaSet>(Resources.replicaSets, 'default', 'slow');
      return rs.status?.conditions?.some((c) => c.type === 'ReplicaFailure' && c.status === 'True' && c.reason === 'FailedCreate') ?? false;
    });
    const rs = await plane.client.get<ReplicaSet>(Resources.replicaSets, 'default', 'slow');
    expect(rs.status?.conditions?.find((c) => c.type === 'ReplicaFailure')?.message).toContain('no more pods for now');
    expect(rs.status?.replicas).toBe(ADMITTED);
  }, 150_000);
});
