// etcd's access controller in front of HTTP on the client URLs: on a plain (not TLS) connection a Host
// outside --host-whitelist is refused (421, against DNS rebinding), and CORS headers are added for the
// origins --cors allows (an OPTIONS preflight is answered there and then). Empty or "*" allows all.

import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { TLSSocket } from 'node:tls';

export interface HttpAccess {
  readonly cors: readonly string[];
  readonly hostWhitelist: readonly string[];
}

/** etcd's error text for a Host it refuses (CVE-2018-5702), as Go's %q quotes the host. */
function misdirectedText(host: string): string {
  return `
etcd received your request, but the Host header was unrecognized.

To fix this, choose one of the following options:
- Enable TLS, then any HTTPS request will be allowed.
- Add the hostname you want to use to the whitelist in settings.
  - e.g. etcd --host-whitelist ${JSON.stringify(host)}

This requirement has been added to help prevent "DNS Rebinding" attacks (CVE-2018-5702).
`;
}

function allows(list: readonly string[], value: string): boolean {
  return list.length === 0 || list.includes('*') || list.includes(value);
}

/** The Host header's host name without its port (Go's net.SplitHostPort, else the whole header). */
function hostname(req: IncomingMessage): string {
  const host = req.headers.host ?? '';
  const bracketed = /^\[([^\]]*)\]:\d*$/.exec(host);
  if (bracketed) return bracketed[1]!;
  const colon = host.lastIndexOf(':');
  return colon >= 0 && host.indexOf(':') === colon ? host.slice(0, colon) : host;
}

function isTls(req: IncomingMessage): boolean {
  // Connections reach the HTTP server through a replaying stream over the TLS socket; it carries the flag.
  const socket = req.socket as unknown as { encrypted?: boolean };
  return req.socket instanceof TLSSocket || socket.encrypted === true;
}

export function withHttpAccess(access: HttpAccess, handler: RequestListener, onRefused: (host: string) => void): RequestListener {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (!isTls(req)) {
      const host = hostname(req);
      if (!allows(access.hostWhitelist, host)) {
        onRefused(host);
        const body = misdirectedText(host);
        res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
    }
    const origin = access.cors.length === 0 || access.cors.includes('*') ? '*' : req.headers.origin;
    if (origin !== undefined && allows(access.cors, origin)) {
      res.setHeader('Access-Control-Allow-Methods', 'POST, GET, OPTIONS, PUT, DELETE');
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Headers', 'accept, content-type, authorization');
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(200);
      res.end();
      return;
    }
    handler(req, res);
  };
}
