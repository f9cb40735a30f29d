// --grpc-keepalive-min-time as grpc-go's server enforces it for etcd: ping strikes counted per connection
// (the rules alone, then in the client port's front end before a real Node HTTP/2 server, a Node client
// before it, the clock in the test's hands).

import { connect, constants, createServer, type ClientHttp2Session, type ClientHttp2Stream, type Http2Server, type ServerHttp2Stream } from 'node:http2';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SplitConnection } from '../../../src/api/http2-split-connection.js';
import { PingStrikes } from '../../../src/api/ping-strikes.js';
import { pingsUntilClosed } from '../../support/http2-pings.js';
import { until } from '../../support/wait.js';

const MIN_TIME_MS = 1000;
const HOUR_MS = 3_600_000;

describe('PingStrikes', () => {
  it('ends a connection at the third ping sooner than the min time while a call is open', () => {
    const strikes = new PingStrikes(MIN_TIME_MS);
    expect([0, 100, 200, 300].map((t) => strikes.ping(t, 1))).toEqual([false, false, false, true]);
  });

  it('takes pings the min time apart with a call open, but not more often than every two hours with none', () => {
    const open = new PingStrikes(MIN_TIME_MS);
    expect([0, 1000, 2000, 3000, 4000].map((t) => open.ping(t, 1))).toEqual([false, false, false, false, false]);
    const idle = new PingStrikes(MIN_TIME_MS);
    expect([0, 1, 2, 3].map((h) => idle.ping(h * HOUR_MS, 0))).toEqual([false, false, false, true]);
    expect(new PingStrikes(MIN_TIME_MS).ping(0, 0) || new PingStrikes(MIN_TIME_MS).ping(2 * HOUR_MS, 0)).toBe(false);
  });

  it('clears the strikes on a ping that follows headers or data from the server', () => {
    const strikes = new PingStrikes(MIN_TIME_MS);
    expect([0, 1, 2].map((t) => strikes.ping(t, 1))).toEqual([false, false, false]);
    strikes.sent();
    expect([3, 4, 5].map((t) => strikes.ping(t, 1))).toEqual([false, false, false]);
    expect(strikes.ping(6, 1)).toBe(true);
  });

  it('with a min time of 0 (etcd then sets no policy) uses grpc-go\'s default, 5 minutes', () => {
    const strikes = new PingStrikes(0);
    expect([0, 1, 2, 3].map((m) => strikes.ping(m * 60_000, 1))).toEqual([false, false, false, true]);
    const spaced = new PingStrikes(0);
    expect([0, 5, 10, 15].map((m) => spaced.ping(m * 60_000, 1))).toEqual([false, false, false, false]);
  });
});

describe('the ping policy of a front end (SplitConnection) before a Node HTTP/2 server', () => {
  let cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const fn of cleanup.splice(0)) fn();
  });

  /** A server that answers /unary at once and keeps any other request open (in `open`); a client of it. */
  async function start(): Promise<{ client: ClientHttp2Session; clock: { now: number }; open: ServerHttp2Stream[]; goaways: [number, number, string][] }> {
    const clock = { now: 0 };
    const http2: Http2Server = createServer();
    const server = createNetServer((socket) => {
      socket.on('error', () => {});
      new SplitConnection(socket, { inject: (connection) => http2.emit('connection', connection), pingStrikes: new PingStrikes(MIN_TIME_MS), now: () => clock.now });
    });
    const open: ServerHttp2Stream[] = [];
    http2.on('stream', (stream, headers) => {
      if (headers[':path'] !== '/unary') return void open.push(stream);
      stream.respond({ ':status': 200 });
      stream.end('done');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    client.on('error', () => {});
    const goaways: [number, number, string][] = [];
    client.on('goaway', (code, lastStreamId, data) => goaways.push([code, lastStreamId, data?.toString() ?? '']));
    cleanup.push(() => {
      client.destroy();
      server.close();
    });
    await new Promise<void>((resolve) => client.once('remoteSettings', () => resolve()));
    return { client, clock, open, goaways };
  }

  function openCall(client: ClientHttp2Session, path = '/etcdserverpb.Watch/Watch'): ClientHttp2Stream {
    const call = client.request({ ':method': 'POST', ':path': path });
    call.on('error', () => {});
    return call;
  }

  /** Pings up to `count` times, the clock `stepMs` on before each: after how many the server ended the connection. */
  const pings = (client: ClientHttp2Session, clock: { now: number }, count: number, stepMs: number): Promise<number> =>
    pingsUntilClosed(client, count, () => void (clock.now += stepMs));

  it("answers the fourth quick ping with GOAWAY ENHANCE_YOUR_CALM 'too_many_pings' naming the last stream, and closes", async () => {
    const { client, clock, open, goaways } = await start();
    openCall(client);
    openCall(client);
    await until('both calls reach the server', () => open.length === 2);
    expect(await pings(client, clock, 6, 100)).toBe(4);
    expect(goaways).toEqual([[constants.NGHTTP2_ENHANCE_YOUR_CALM, 3, 'too_many_pings']]);
    expect(client.destroyed).toBe(true);
  });

  it('takes pings the min time apart with a call open, and any ping right after the server sent something', async () => {
    const { client, clock, open, goaways } = await start();
    const call = openCall(client);
    await until('the call reaches the server', () => open.length === 1);
    expect(await pings(client, clock, 5, MIN_TIME_MS)).toBe(5);
    const received: string[] = [];
    call.setEncoding('utf8');
    call.on('data', (chunk: string) => received.push(chunk));
    open[0]!.respond({ ':status': 200 });
    for (let i = 0; i < 5; i++) {
      open[0]!.write(`tick ${i}`);
      await new Promise<void>((resolve) => call.once('data', () => resolve()));
      expect(await pings(client, clock, 1, 1)).toBe(1);
    }
    expect(goaways).toEqual([]);
    expect(received).toHaveLength(5);
  });

  it('with no call open, strikes pings less than two hours apart', async () => {
    const { client, clock, goaways } = await start();
    const call = openCall(client, '/unary');
    call.end();
    call.resume();
    await new Promise<void>((resolve) => call.once('close', () => resolve()));
    expect(await pings(client, clock, 5, 30 * 60_000)).toBe(4);
    expect(goaways.map(([code, , data]) => [code, data])).toEqual([[constants.NGHTTP2_ENHANCE_YOUR_CALM, 'too_many_pings']]);
  });
});
