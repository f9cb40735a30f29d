// --listen-metrics-urls: /metrics and /health on URLs of their own (so a monitoring system can scrape a
// member without reaching its client URLs), over TLS with the client certificate for https:// ones.

import { createServer as createHttpServer, type RequestListener } from 'node:http';
import type { Server } from 'node:net';
import { ETCD_API_VERSION } from '../api/grpc-server.js';
import { httpHandler } from '../api/http-gateway.js';
import type { EtcdServer } from '../server/etcd-server.js';
import { checkedTlsServer, isHttps, type TlsSettings } from '../server/tls.js';

const SERVED = new Set(['/metrics', '/health']);

/** Listens on each URL; resolves with a function that closes them all. */
export async function listenMetrics(server: EtcdServer, urls: readonly string[], tls: TlsSettings | undefined): Promise<() => void> {
  const gateway = httpHandler(server, new Map(), ETCD_API_VERSION);
  const handler: RequestListener = (req, res) => {
    if (SERVED.has((req.url ?? '/').split('?')[0]!)) return gateway(req, res);
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
    res.end('404 page not found\n');
  };
  const http = createHttpServer(handler);
  const listeners: Server[] = [];
  for (const url of urls) {
    if (isHttps(url) && !tls) throw new Error(`metrics URL ${url} is https but no client certificate is configured`);
    // One HTTP server behind every URL; an https:// one hands it the connections whose certificates pass.
    const listener: Server = isHttps(url) ? checkedTlsServer(tls!, {}, (socket) => http.emit('connection', socket)) : createHttpServer(handler);
    const { hostname, port } = new URL(url);
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(Number(port), hostname.replace(/^\[|\]$/g, ''), () => resolve());
    });
    listeners.push(listener);
  }
  return () => listeners.forEach((listener) => listener.close());
}
