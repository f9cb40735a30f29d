// HTTP between members on the peer listener, one request per connection: the member list a joining member
// asks for, and the lease and promotion calls a follower relays to the leader (etcd's peer handler serves
// the same paths). Requests are read here rather than by node:http because the peer listener first sniffs
// what each connection carries (HTTP, raft frames or a snapshot).

import { STATUS_CODES, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { dialTlsOptions, isHttps, type TlsSettings } from './tls.js';

/** Peer requests are small protobufs or nothing at all; anything larger is not from a member. */
const MAX_REQUEST_BYTES = 1024 * 1024;
const REQUEST_READ_TIMEOUT_MS = 10_000;

export interface PeerHttpRequest {
  readonly method: string;
  readonly path: string;
  readonly body: Buffer;
}

export interface PeerHttpResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string | Uint8Array;
}

/** A plain-text answer, as Go's http.Error writes it (the message and a newline). */
export function textResponse(status: number, message: string): PeerHttpResponse {
  return { status, contentType: 'text/plain; charset=utf-8', body: `${message}\n` };
}

/** Reads one request from `socket`, whose first bytes (`first`) were already read; undefined if malformed. */
export function readPeerHttpRequest(socket: Socket, first: Buffer): Promise<PeerHttpRequest | undefined> {
  return new Promise((resolve) => {
    let buffered = first;
    const finish = (request: PeerHttpRequest | undefined): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      resolve(request);
    };
    const onEnd = (): void => finish(undefined);
    // A peer that stops sending mid-request does not hold the connection open.
    const timer = setTimeout(() => finish(undefined), REQUEST_READ_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      if (chunk.length > 0) buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length > MAX_REQUEST_BYTES) return finish(undefined);
      const headerEnd = buffered.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const [requestLine = '', ...headerLines] = buffered.subarray(0, headerEnd).toString('latin1').split('\r\n');
      const [method, path] = requestLine.split(' ');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length'] ?? '0');
      if (!method || !path || !Number.isInteger(length) || length < 0) return finish(undefined);
      if (buffered.length < headerEnd + 4 + length) return;
      finish({ method, path, body: buffered.subarray(headerEnd + 4, headerEnd + 4 + length) });
    };
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    onData(Buffer.alloc(0));
  });
}

/** Writes `response` and closes the connection; every answer names the cluster, as etcd's do. */
export function writePeerHttpResponse(socket: Socket, response: PeerHttpResponse, clusterId: bigint): void {
  const body = typeof response.body === 'string' ? Buffer.from(response.body) : Buffer.from(response.body.buffer, response.body.byteOffset, response.body.byteLength);
  const head =
    `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}\r\nContent-Type: ${response.contentType}\r\n` +
    `X-Etcd-Cluster-ID: ${clusterId.toString(16)}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
  socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
}

export interface PeerRequestOptions {
  readonly method?: 'GET' | 'POST';
  readonly body?: Uint8Array;
  readonly contentType?: string;
  /** This member's peer TLS: its certificate is presented, the peer's checked against its CA. */
  readonly tls?: TlsSettings;
  readonly localAddress?: string;
  readonly timeoutMs: number;
}

export interface PeerHttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** One request to a peer URL: plain or TLS by the URL's scheme, dialled from `localAddress`. */
export function peerRequest(url: string, options: PeerRequestOptions): Promise<PeerHttpAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const body = options.body ?? new Uint8Array(0);
    const headers = { 'Content-Length': String(body.length), ...(options.contentType ? { 'Content-Type': options.contentType } : {}) };
    const common = { method: options.method ?? 'GET', agent: false, headers, localAddress: options.localAddress, timeout: options.timeoutMs } as const;
    const onResponse = (response: IncomingMessage): void => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    };
    const req = isHttps(url)
      ? httpsRequest(target, { ...common, ...dialTlsOptions(options.tls, target.hostname) }, onResponse)
      : httpRequest(target, common, onResponse);
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${options.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** GET on a peer URL (the member list a joining member asks for), the body as text. */
export async function getFromPeer(
  url: string,
  options: Omit<PeerRequestOptions, 'method' | 'body' | 'contentType'>,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const answer = await peerRequest(url, options);
  return { ...answer, body: answer.body.toString('utf8') };
}
