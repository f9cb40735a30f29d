// The HTTP/2 front end between accepted sockets and an HTTP/2 server (Node's, as under gRPC): a client
// sending `:authority: http://host:port` is served, a client with a proper one gets the server on the
// socket itself, and a broken stream closes its own connection only.

import { connect, createServer as createHttp2Server, type ClientHttp2Session, type Http2Server } from 'node:http2';
import { connect as netConnect, createServer, Socket, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeLiterals, frameHeader } from '../../../src/api/http2-authority.js';
import { Http2Front } from '../../../src/api/http2-connection.js';

interface Seen {
  authority: string | undefined;
  /** The server read the client's socket itself (not a stream standing in for it). */
  native: boolean;
}

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup.splice(0)) fn();
});

async function start(): Promise<{ url: string; port: number; seen: Seen[]; server: Http2Server }> {
  const seen: Seen[] = [];
  const server = createHttp2Server();
  server.on('stream', (stream, headers) => {
    seen.push({ authority: headers[':authority'], native: stream.session?.socket instanceof Socket && stream.session.socket.remoteAddress !== undefined });
    stream.respond({ ':status': 200 });
    stream.end(String(headers[':path']));
  });
  const front = new Http2Front((connection) => server.emit('connection', connection));
  const listener: Server = createServer((socket) => {
    socket.on('error', () => {});
    front.accept(socket);
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const port = (listener.address() as { port: number }).port;
  cleanup.push(() => {
    front.close();
    listener.close();
    server.close();
  });
  return { url: `http://127.0.0.1:${port}`, port, seen, server };
}

function get(session: ClientHttp2Session, path: string, authority?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':path': path, ...(authority ? { ':authority': authority } : {}) });
    let body = '';
    let status = 0;
    req.setEncoding('utf8');
    req.on('response', (headers) => (status = Number(headers[':status'])));
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve({ status, body }));
    req.on('error', reject);
    req.end();
  });
}

describe('Http2Front', () => {
  it('serves requests whose :authority carries a scheme, many on one connection', async () => {
    const { url, port, seen } = await start();
    const session = connect(url);
    cleanup.push(() => session.destroy());
    const paths = Array.from({ length: 20 }, (_, i) => `/call/${i}`);
    const results = await Promise.all(paths.map((p) => get(session, p, `http://127.0.0.1:${port}`)));
    expect(results).toEqual(paths.map((body) => ({ status: 200, body })));
    // Sequential ones too, after the dynamic tables filled up.
    for (const p of paths.slice(0, 5)) expect(await get(session, p, `http://127.0.0.1:${port}/`)).toEqual({ status: 200, body: p });
    expect(new Set(seen.map((s) => s.authority))).toEqual(new Set([`127.0.0.1:${port}`]));
    expect(seen.every((s) => !s.native)).toBe(true);
  });

  it('hands a connection with a proper :authority to the server as the socket itself', async () => {
    const { url, port, seen } = await start();
    const session = connect(url);
    cleanup.push(() => session.destroy());
    for (let i = 0; i < 5; i++) expect(await get(session, `/plain/${i}`)).toEqual({ status: 200, body: `/plain/${i}` });
    expect(seen).toEqual(Array.from({ length: 5 }, () => ({ authority: `127.0.0.1:${port}`, native: true })));
  });

  it('answers a client that pings before its first request', async () => {
    const { url, port, seen } = await start();
    const session = connect(url);
    cleanup.push(() => session.destroy());
    await new Promise<void>((resolve) => session.once('connect', () => resolve()));
    const rtt = await new Promise<number>((resolve, reject) => session.ping((err, duration) => (err ? reject(err) : resolve(duration))));
    expect(rtt).toBeGreaterThanOrEqual(0);
    expect(await get(session, '/after-ping')).toEqual({ status: 200, body: '/after-ping' });
    // Answered by the front end: the connection still goes to the server as the socket itself.
    expect(seen).toEqual([{ authority: `127.0.0.1:${port}`, native: true }]);
  });

  it('serves a client that never acknowledges the SETTINGS the front end sent, after a wait', async () => {
    const { port, seen } = await start();
    const socket = netConnect(port, '127.0.0.1');
    cleanup.push(() => socket.destroy());
    socket.on('error', () => {});
    const frame = (type: number, flags: number, streamId: number, payload: Buffer): Buffer => Buffer.concat([frameHeader(payload.length, type, flags, streamId), payload]);
    const block = encodeLiterals([
      { name: ':method', value: 'GET' },
      { name: ':scheme', value: 'http' },
      { name: ':path', value: '/no-ack' },
      { name: ':authority', value: `127.0.0.1:${port}` },
    ]);
    const started = Date.now();
    socket.write(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1'), frame(0x4, 0, 0, Buffer.alloc(0)), frame(0x1, 0x5, 1, block)]));
    // The server's answer on stream 1: a HEADERS frame, then DATA with the path.
    let received = Buffer.alloc(0);
    await new Promise<void>((resolve) => {
      socket.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        if (received.includes(Buffer.from('/no-ack'))) resolve();
      });
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(seen).toEqual([{ authority: `127.0.0.1:${port}`, native: false }]);
  });

  it('closes a connection whose stream is malformed, and only that one', async () => {
    const { url, port } = await start();
    const good = connect(url);
    cleanup.push(() => good.destroy());
    expect(await get(good, '/before', `http://127.0.0.1:${port}`)).toEqual({ status: 200, body: '/before' });
    for (const garbage of [
      Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x03\x01\x05\x00\x00\x00\x01\xff\x80\x01'),
      Buffer.from('PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n'),
    ]) {
      const socket = netConnect(port, '127.0.0.1');
      socket.on('error', () => {});
      socket.resume();
      socket.write(garbage);
      await new Promise((resolve) => socket.once('close', resolve));
    }
    expect(await get(good, '/after', `http://127.0.0.1:${port}`)).toEqual({ status: 200, body: '/after' });
  });

  it('closes connections still waiting for their first request when it closes', async () => {
    const { port } = await start();
    const socket = netConnect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.resume();
    socket.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    for (const fn of cleanup.splice(0)) fn();
    await closed;
  });
});
