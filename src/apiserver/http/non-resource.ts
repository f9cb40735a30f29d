// Paths that name no resource: version, health, metrics, discovery and OpenAPI. Undefined when the path
// is a resource path (or unknown).

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext } from '../context.js';
import { aggregatedContentType, aggregatedDiscovery } from '../discovery/aggregated-discovery.js';
import { healthReport } from '../discovery/health.js';
import { apiGroupDocument, apiGroupList, apiResourceList, apiVersions } from '../discovery/legacy-discovery.js';
import { openApiDocument, openApiIndex, openApiV2, openApiV2Bytes } from '../discovery/openapi.js';
import { versionInfo } from '../discovery/version.js';
import { pathNotFound } from '../errors/status.js';
import { OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_ANSWER } from '../schema/index.js';
import type { ApiMetrics } from '../metrics/request-metrics.js';
import { aggregatedDiscoveryVersion, jsonOr } from './negotiation.js';
import { writeJson, writeText } from './respond.js';

export type NonResourceHandler = () => Promise<void> | void;

export function nonResourceHandler(ctx: ApiContext, metrics: ApiMetrics, req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): NonResourceHandler | undefined {
  const segments = path.split('/').filter((s) => s !== '');
  const discoveryJson = (body: object | undefined): void => {
    if (!body) throw pathNotFound();
    writeJson(res, 200, body, { Vary: 'Accept' });
  };
  const aggregated = (legacy: boolean, fallback: () => Record<string, unknown>) => () => {
    const version = aggregatedDiscoveryVersion(req.headers.accept);
    if (version) writeJson(res, 200, aggregatedDiscovery(ctx.registry, version, legacy), { 'Content-Type': aggregatedContentType(version), Vary: 'Accept' });
    else discoveryJson(fallback());
  };
  switch (path) {
    case '/version':
      return () => writeJson(res, 200, versionInfo());
    case '/healthz':
    case '/livez':
    case '/readyz':
      return async () => {
        const report = await healthReport(ctx.store, path.slice(1), query.has('verbose'));
        writeText(res, report.code, report.text);
      };
    case '/metrics':
      return () => {
        const text = metrics.render();
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
        res.end(text);
      };
    case '/api':
      return aggregated(true, () => apiVersions(`${req.socket.localAddress ?? ''}:${req.socket.localPort ?? ''}`));
    case '/apis':
      return aggregated(false, () => apiGroupList(ctx.registry));
    case '/openapi/v3':
      return () => writeJson(res, 200, openApiIndex(ctx));
    case '/openapi/v2':
      // JSON or gnostic protobuf, whichever the client names first; anything else kube-openapi's bare 406.
      return () => {
        const format = jsonOr(req.headers.accept?.replace(OPENAPI_V2_PROTOBUF_ANSWER, OPENAPI_V2_PROTOBUF), OPENAPI_V2_PROTOBUF);
        if (format === 'json') writeJson(res, 200, openApiV2(ctx));
        else if (format === undefined) res.writeHead(406).end();
        else {
          const bytes = openApiV2Bytes(ctx);
          res.writeHead(200, { 'Content-Type': OPENAPI_V2_PROTOBUF_ANSWER, 'Content-Length': bytes.length });
          res.end(bytes);
        }
      };
  }
  if (segments[0] === 'openapi' && segments[1] === 'v3' && segments.length > 2) {
    return () => discoveryJson(openApiDocument(ctx, segments.slice(2).join('/')));
  }
  if (segments[0] === 'api' && segments.length === 2) return () => discoveryJson(apiResourceList(ctx.registry, '', segments[1]!));
  if (segments[0] === 'apis' && segments.length === 2) return () => discoveryJson(apiGroupDocument(ctx.registry, segments[1]!));
  if (segments[0] === 'apis' && segments.length === 3) return () => discoveryJson(apiResourceList(ctx.registry, segments[1]!, segments[2]!));
  return undefined;
}
