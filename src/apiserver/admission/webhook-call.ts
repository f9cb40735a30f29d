// One call of an admission webhook: the AdmissionReview v1 POSTed to the webhook's https URL, or to
// https://<service>.<namespace>.svc:<port><path> dialled at an endpoint of that Service (its certificate
// must name <service>.<namespace>.svc, as kube's client asks for that server name); the serving
// certificate checked against the configuration's caBundle, within timeoutSeconds. Failures read as
// Go's http client words them, since kube's messages quote them.

import { request, type RequestOptions } from 'node:https';
import { isIP } from 'node:net';

type Json = Record<string, unknown>;

export class WebhookCallError extends Error {}

/** Where a webhook's service reference leads; throws with the reason it cannot. */
export type ServiceResolver = (namespace: string, name: string, port: number) => Promise<{ host: string; port: number }>;

interface Target {
  /** The URL as kube's messages show it. */
  readonly href: string;
  /** host:port dialled, for a dial error. */
  readonly address: string;
  readonly options: RequestOptions;
}

const hostPort = (host: string, port: number | string): string => (isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`);

/** `?timeout=Ns` is added to the URL, as kube's webhook client does. */
async function targetOf(clientConfig: Json, timeoutSeconds: number, resolveService: ServiceResolver): Promise<Target> {
  const timeout = `${timeoutSeconds}s`;
  if (typeof clientConfig['url'] === 'string') {
    const url = new URL(clientConfig['url']);
    url.searchParams.set('timeout', timeout);
    return { href: url.href, address: hostPort(url.hostname.replace(/^\[|\]$/g, ''), url.port || '443'), options: { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port || 443, path: `${url.pathname}${url.search}` } };
  }
  const service = clientConfig['service'] as { namespace?: string; name?: string; path?: string; port?: number } | undefined;
  if (!service?.name || !service.namespace) throw new WebhookCallError('webhook has neither a url nor a service');
  const serverName = `${service.name}.${service.namespace}.svc`;
  const port = service.port ?? 443;
  const path = service.path ?? '';
  const href = `https://${serverName}:${port}${path}?timeout=${timeout}`;
  let endpoint: { host: string; port: number };
  try {
    endpoint = await resolveService(service.namespace, service.name, port);
  } catch (error) {
    // Resolution is part of dialling in kube's client, so its failure is the call's.
    throw new WebhookCallError(`Post "${href}": ${(error as Error).message}`);
  }
  return {
    href,
    address: hostPort(endpoint.host, endpoint.port),
    options: { host: endpoint.host, port: endpoint.port, path: `${path || '/'}?timeout=${timeout}`, servername: serverName, headers: { Host: `${serverName}:${port}` } },
  };
}

function dialError(address: string, host: string, error: NodeJS.ErrnoException): string {
  if (error.code === 'ECONNREFUSED') return `dial tcp ${address}: connect: connection refused`;
  if (error.code === 'ENOTFOUND') return `dial tcp: lookup ${host}: no such host`;
  if (error.code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || error.code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' || error.code === 'SELF_SIGNED_CERT_IN_CHAIN') return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
  return error.message;
}

/** The webhook's AdmissionReview response; throws WebhookCallError with the reason it failed. */
export async function callWebhook(clientConfig: Json, review: Json, timeoutSeconds: number, resolveService: ServiceResolver): Promise<Json> {
  const target = await targetOf(clientConfig, timeoutSeconds, resolveService);
  const caBundle = typeof clientConfig['caBundle'] === 'string' ? Buffer.from(clientConfig['caBundle'], 'base64').toString('utf8') : undefined;
  const body = JSON.stringify(review);
  return new Promise((resolve, reject) => {
    const fail = (reason: string): void => reject(new WebhookCallError(`Post "${target.href}": ${reason}`));
    const headers = { ...(target.options.headers as Record<string, string> | undefined), 'Content-Type': 'application/json', Accept: 'application/json', 'Content-Length': Buffer.byteLength(body) };
    const req = request({ ...target.options, method: 'POST', headers, ...(caBundle ? { ca: caBundle } : {}), timeout: timeoutSeconds * 1000 }, (res) => {
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
    req.on('error', (error: NodeJS.ErrnoException) => fail(dialError(target.address, String(target.options.host), error)));
    req.end(body);
  });
}
