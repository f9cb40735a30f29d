// The apiserver: HTTPS in front of the resource handlers, discovery and health, over an etcd v3 store.

import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorText } from '../etcd-errors.js';
import { StoreClient } from '../client/etcd/store-client.js';
import { servingCertificates, writeAdminKubeconfig } from './certs/serving-certs.js';
import type { ApiContext } from './context.js';
import { methodNotAllowed, pathNotFound, StatusError } from './errors/status.js';
import { dispatch } from './handlers/dispatch.js';
import { nonResourceHandler } from './http/non-resource.js';
import { hasInvalidPathEscape, resourceRequest } from './http/request-info.js';
import { writeError, writeUnparsableRequest } from './http/respond.js';
import { ApiMetrics } from './metrics/request-metrics.js';
import type { ApiserverOptions } from './options.js';
import { CrdEstablishing } from './registry/crd-establishing.js';
import { createSystemNamespaces } from './registry/system-namespaces.js';
import { NamespacesDeletedLately } from './registry/namespaces-deleted-lately.js';
import { ResourceRegistry } from './registry/resource-registry.js';
import { builtinResources, builtinSchemas } from './resources/index.js';
import { checkAgainstSchema } from './schema/index.js';
import { EtcdStore } from './storage/etcd-store.js';
import { EventLeases } from './storage/event-leases.js';
import { CacherPool } from './watch/cacher-pool.js';
import { EVENT_FRESH_MS } from './watch/event-history.js';
import { podFields } from './resources/selectable-fields.js';
import { DEFAULT_GATE_OPTIONS } from './authz/gate-config.js';
import { RequestGate } from './authz/request-gate.js';
import { admissionChain } from './admission/admission-plugins.js';
import { auditLogOf } from './audit/audit-setup.js';

export interface RunningApiserver {
  /** https://host:port */
  readonly url: string;
  readonly kubeconfigFile: string;
  close(): Promise<void>;
}

const STORE_WAIT_MS = 60_000;

async function etcdTls(options: ApiserverOptions) {
  if (!options.etcdCaFile && !options.etcdCertFile) return undefined;
  const read = (file: string | undefined) => (file ? readFile(file) : Promise.resolve(undefined));
  const [ca, cert, key] = await Promise.all([read(options.etcdCaFile), read(options.etcdCertFile), read(options.etcdKeyFile)]);
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}), skipVerify: false };
}

function clientHost(bindAddress: string): string {
  if (bindAddress === '0.0.0.0' || bindAddress === '') return '127.0.0.1';
  if (bindAddress === '::') return '[::1]';
  return bindAddress.includes(':') ? `[${bindAddress}]` : bindAddress;
}

/** Runs `step` until the store answers (it may still be starting), for up to a minute. */
async function untilStoreAnswers(step: () => Promise<void>, options: ApiserverOptions): Promise<void> {
  const deadline = Date.now() + STORE_WAIT_MS;
  for (;;) {
    try {
      return await step();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      options.log('warn', 'etcd is not answering yet; retrying', { error: err instanceof Error ? err.message : String(err) });
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

/** The resource a key belongs to, as the etcd latency metric's `type` label: `/registry/pods`. */
function resourceType(prefix: string, key: string): string {
  if (!key.startsWith(`${prefix}/`)) return key;
  const rest = key.slice(prefix.length + 1);
  return `${prefix}/${rest.split('/')[0] ?? ''}`;
}

/**
 * kube-apiserver's verb label (its metrics.CleanVerb): the HTTP method, except LIST and WATCH for reads of a
 * collection and APPLY for a server-side apply, so dashboards and SLO queries written for it read ours.
 */
function metricsVerb(req: IncomingMessage, verb: string | undefined): string {
  if (verb === 'list' || verb === 'watch') return verb.toUpperCase();
  if (req.method === 'PATCH' && req.headers['content-type']?.startsWith('application/apply-patch')) return 'APPLY';
  return req.method === 'HEAD' ? 'GET' : (req.method ?? '');
}

export async function startApiserver(options: ApiserverOptions): Promise<RunningApiserver> {
  const tls = await etcdTls(options);
  const metrics = new ApiMetrics();
  const client = new StoreClient({
    endpoints: options.etcdServers,
    ...(tls ? { tls } : {}),
    observe: (method, key, seconds) => metrics.etcdRequest(method, resourceType(options.etcdPrefix, key), seconds),
  });
  const components = builtinSchemas();
  // As kube's pod registry: watchers of one node's pods (kubelets) are indexed by spec.nodeName.
  const triggers = new Map([[`${options.etcdPrefix}/pods/`, { field: 'spec.nodeName', valueOf: podFields['spec.nodeName']! }]]);
  const cachers = new CacherPool(client, { history: { upperBound: options.watchCacheSize, freshMs: EVENT_FRESH_MS }, bookmarkIntervalMs: options.bookmarkIntervalMs, log: options.log }, triggers);
  const store = new EtcdStore(client, options.etcdPrefix, (key) => cachers.cachedObject(key));
  const ctx: ApiContext = {
    registry: new ResourceRegistry(builtinResources()),
    store,
    eventLeases: new EventLeases(client),
    namespacesDeletedLately: new NamespacesDeletedLately(),
    cachers,
    components,
    checkSchema: (obj, schemaName) => checkAgainstSchema(obj, schemaName, components),
    options,
    now: () => new Date(),
    admission: admissionChain(options.gate?.admissionPlugins ?? []),
  };
  const audit = auditLogOf(options.gate);
  await untilStoreAnswers(() => createSystemNamespaces(ctx), options);
  await new CrdEstablishing(ctx).start();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Go's HTTP server refuses a request line whose path it cannot unescape before kube-apiserver sees it.
    if (hasInvalidPathEscape(req.url ?? '/')) return writeUnparsableRequest(res);
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'https://apiserver');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/$/, '') : url.pathname;
    const request = resourceRequest(req.method ?? 'GET', path, url.searchParams);
    audit?.track(req, res, path, url.search.slice(1), typeof request === 'object' ? request : undefined);
    const labels = typeof request === 'object' ? {
      verb: metricsVerb(req, request.verb), group: request.group, version: request.version, resource: request.resource, subresource: request.subresource ?? '',
      scope: request.name !== undefined ? 'resource' : request.namespace !== undefined ? 'namespace' : 'cluster',
    } : undefined;
    if (labels?.verb === 'WATCH') res.once('close', metrics.longRunningRequest(labels));
    res.on('finish', () => {
      if (labels) metrics.request(labels, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
    });
    try {
      // The gate (authentication, impersonation, authorization) answers or stops the request first.
      if (await gate.admit(req, res, path, typeof request === 'object' ? request : undefined)) return;
      const other = req.method === 'GET' || req.method === 'HEAD' ? nonResourceHandler(ctx, metrics, req, res, path, url.searchParams) : undefined;
      if (other) await other();
      else if (request === 'bad-method') throw methodNotAllowed(req.method ?? '');
      else if (request) await dispatch(ctx, request, req, res, url.searchParams);
      else throw pathNotFound();
    } catch (err) {
      if (!(err instanceof StatusError)) options.log('error', 'request failed', { method: req.method, url: req.url, error: err instanceof Error ? err.stack : String(err) });
      writeError(res, err);
    }
  };

  const certs = await servingCertificates({
    certDir: options.certDir,
    hosts: ['127.0.0.1', '::1', options.bindAddress].filter((h) => h !== '0.0.0.0' && h !== '::'),
    ...(options.tlsCertFile ? { tlsCertFile: options.tlsCertFile } : {}),
    ...(options.tlsPrivateKeyFile ? { tlsPrivateKeyFile: options.tlsPrivateKeyFile } : {}),
  });
  const gate = await RequestGate.start(ctx, options.gate ?? DEFAULT_GATE_OPTIONS, certs.caPem);
  // handle answers its own errors; one thrown outside its try (the audit hook, say) is logged and
  // answered too rather than rejecting unhandled, which would end the process.
  const server: Server = createServer({ cert: certs.cert, key: certs.key, ...gate.tlsOptions }, (req, res) =>
    void handle(req, res).catch((err: unknown) => {
      options.log('error', 'request failed', { method: req.method, url: req.url, error: err instanceof Error ? err.stack : errorText(err) });
      writeError(res, err);
    }),
  );
  // Watches stay open for up to an hour.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 90_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.securePort, options.bindAddress, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `https://${clientHost(options.bindAddress)}:${port}`;
  const kubeconfigFile = await writeAdminKubeconfig(options.certDir, url, certs);
  return {
    url,
    kubeconfigFile,
    close: async () => {
      ctx.cachers.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      client.close();
    },
  };
}
