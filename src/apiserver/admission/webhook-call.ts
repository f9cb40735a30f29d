// One call of an admission webhook: the AdmissionReview v1 POSTed to the webhook's https URL, its
// serving certificate checked against the configuration's caBundle, within timeoutSeconds. Failures
// read as Go's http client words them, since kube's messages quote them.

import { request } from 'node:https';

type Json = Record<string, unknown>;

export class WebhookCallError extends Error {}

/** `?timeout=Ns` is added to the URL, as kube's webhook client does. */
function callUrl(url: string, timeoutSeconds: number): URL {
  const target = new URL(url);
  target.searchParams.set('timeout', `${timeoutSeconds}s`);
  return target;
}

function dialError(url: URL, error: NodeJS.ErrnoException): string {
  const address = `${url.hostname}:${url.port || '443'}`;
  if (error.code === 'ECONNREFUSED') return `dial tcp ${address}: connect: connection refused`;
  if (error.code === 'ENOTFOUND') return `dial tcp: lookup ${url.hostname}: no such host`;
  if (error.code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || error.code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' || error.code === 'SELF_SIGNED_CERT_IN_CHAIN') return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
  return error.message;
}

/** The webhook's AdmissionReview response; throws WebhookCallError with the reason it failed. */
export function callWebhook(clientConfig: Json, review: Json, timeoutSeconds: number): Promise<Json> {
  const url = clientConfig['url'];
  if (typeof url !== 'string') return Promise.reject(new WebhookCallError('webhook has no url (service references are not reachable from this apiserver)'));
  const target = callUrl(url, timeoutSeconds);
  const caBundle = typeof clientConfig['caBundle'] === 'string' ? Buffer.from(clientConfig['caBundle'], 'base64').toString('utf8') : undefined;
  const body = JSON.stringify(review);
  return new Promise((resolve, reject) => {
    const fail = (reason: string): void => reject(new WebhookCallError(`Post "${target.href}": ${reason}`));
    const req = request(target, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'Content-Length': Buffer.byteLength(body) }, ...(caBundle ? { ca: caBundle } : {}), timeout: timeoutSeconds * 1000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) => fail(error.message));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) return fail(`the server responded with the status code ${res.statusCode ?? 0} but did not return more information`);
        try {
          resolve(JSON.parse(text) as Json);
        } catch {
          reject(new WebhookCallError(`received invalid webhook response: ${text.slice(0, 200)}`));
        }
      });
    });
    req.on('timeout', () => {
      req.destroy();
      fail('context deadline exceeded');
    });
    req.on('error', (error: NodeJS.ErrnoException) => fail(dialError(target, error)));
    req.end(body);
  });
}
