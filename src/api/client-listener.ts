// The client URLs' listening sockets. Each connection's first bytes say which protocol it speaks, so gRPC
// (HTTP/2) and HTTP/1.1 (/health, /version, /metrics, the JSON gateway) share a port as they do on etcd.
// On an https:// URL the connection's TLS handshake comes first (with --client-cert-auth, a client without
// a certificate signed by the trusted CA fails it); then ALPN "h2" means gRPC, and anything else is sniffed
// as on a plain connection. The verified client certificate reaches handlers through getAuthContext() on
// the call (see client-identity.ts). An HTTP/2 connection goes to the gRPC front end (see
// http2-split-connection.ts).

import { createServer as createHttpServer, type RequestListener } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import type { ServerConfig } from '../server/server-config.js';
import { checkedTlsServer, isHttps } from '../server/tls.js';
import { attachAuthContext } from './client-identity.js';

/** Takes an HTTP/2 connection (plain or TLS, with an 'error' listener) whose bytes so far are `first`, if any. */
export type AcceptHttp2 = (socket: Socket, first?: Buffer) => void;

/** The start of every HTTP/2 connection ("PRI * HTTP/2.0"). */
const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2', 'latin1');

export class ClientListener {
  private readonly listeners: Server[] = [];

  /**
   * HTTP/2 connections go to `http2`, HTTP/1.1 requests to `http`; those that arrive before `onceReady`
   * calls back wait unread (etcd binds its client URLs at start but serves them from its ReadyNotify on).
   */
  constructor(
    private readonly config: ServerConfig,
    private readonly http2: AcceptHttp2,
    private readonly http: RequestListener,
    private readonly onceReady: (listener: () => void) => void,
  ) {}

  async listen(urls: readonly string[]): Promise<void> {
    const http2 = this.http2;
    const http = createHttpServer(this.http);
    const dispatch = (socket: Socket): void => {
      socket.on('error', () => {});
      socket.once('data', (chunk: Buffer) => {
        socket.pause();
        if (chunk.subarray(0, HTTP2_PREFACE.length).equals(HTTP2_PREFACE)) {
          http2(socket, chunk);
        } else {
          // The HTTP/1 parser reads the socket's handle directly and would miss them: hand it a stream
          // that starts with them.
          const stream = replaying(socket, chunk);
          if (socket instanceof TLSSocket) attachAuthContext(Object.assign(stream, { encrypted: true }), socket);
          http.emit('connection', stream);
        }
      });
    };
    const settings = this.config.clientTls;
    const tlsServer = settings
      ? checkedTlsServer(settings, { ALPNCallback: chooseProtocol }, (socket) => {
          if (socket.alpnProtocol === 'h2') {
            socket.on('error', () => {});
            http2(socket);
          } else {
            dispatch(socket);
          }
        })
      : undefined;
    tlsServer?.on('tlsClientError', (err: Error, socket: TLSSocket) => {
      // A certificate from an unknown CA fails verification after the handshake: its reason is here.
      this.config.log('warn', 'rejected connection on client endpoint', { error: socket.authorizationError ? String(socket.authorizationError) : err.message });
    });
    // A connection made before the member is ready waits. Nothing reads it meanwhile: its first bytes stay in
    // its buffer for the protocol sniffing or the TLS server to take then (pausing and resuming it would
    // let them flow out to no listener, a TLS client's hello among them), and a client that leaves is no error.
    const whenReady =
      (serve: (socket: Socket) => void) =>
      (socket: Socket): void => {
        socket.on('error', () => {});
        this.onceReady(() => {
          if (!socket.destroyed) serve(socket);
        });
      };
    for (const url of urls) {
      const { hostname, port } = new URL(url);
      if (isHttps(url) && !tlsServer) throw new Error(`client URL ${url} is https but no client certificate is configured`);
      const listener = isHttps(url)
        ? createNetServer(
            whenReady((socket) => {
              socket.on('error', () => {});
              tlsServer!.emit('connection', socket);
            }),
          )
        : createNetServer(whenReady(dispatch));
      await new Promise<void>((resolve, reject) => {
        listener.once('error', reject);
        listener.listen(Number(port), hostname.replace(/^\[|\]$/g, ''), () => resolve());
      });
      this.listeners.push(listener);
    }
  }

  close(): void {
    for (const listener of this.listeners) listener.close();
  }
}

/** A stream over `socket` that first yields `first` (bytes already read to sniff the protocol). */
function replaying(socket: Socket, first: Buffer): Duplex {
  const stream = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _encoding, callback) => void socket.write(chunk, callback),
    final: (callback) => void socket.end(callback),
    destroy: (err, callback) => {
      socket.destroy(err ?? undefined);
      callback(err);
    },
  });
  stream.push(first);
  socket.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('close', () => stream.destroy());
  return Object.assign(stream, { setTimeout: () => stream, setNoDelay: () => stream, setKeepAlive: () => stream, remoteAddress: socket.remoteAddress });
}

/**
 * The application protocol for a TLS client that offers some: gRPC clients offer "h2" alone (or beside
 * "grpc-exp"); a client that also speaks HTTP/1.1 (curl, a browser) gets HTTP/1.1, where /health and the
 * JSON gateway are served, since an HTTP/2 connection here carries gRPC only.
 */
function chooseProtocol({ protocols }: { protocols: string[] }): string | undefined {
  if (protocols.includes('http/1.1')) return 'http/1.1';
  if (protocols.includes('h2')) return 'h2';
  return protocols[0];
}
