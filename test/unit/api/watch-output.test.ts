// A watch stream's output over a real grpc-js server and client on loopback: several responses sent in one
// framed write arrive as separate messages, in order, after the response headers; the HTTP/2 stream is
// found under this grpc-js's call, on a server bound by grpc-js and on one fed connections as Barge's is
// (else every response would take grpc-js's one-message path); and that path, taken when the call is not
// grpc-js's own, delivers the same responses in order and reports a full stream.

import * as grpc from '@grpc/grpc-js';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { framed, grpcOutput, http2StreamOf, messageOutput } from '../../../src/api/watch-output.js';
import { messageType, serviceDefinition } from '../../../src/wire/proto.js';
import { freePort } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';

const WatchResponse = messageType('etcdserverpb.WatchResponse');
const WatchClient = grpc.makeGenericClientConstructor(serviceDefinition('etcdserverpb.Watch'), 'Watch');
type Call = grpc.ServerDuplexStream<unknown, Uint8Array>;

/** A grpc-js server serving Watch, reached over loopback; the calls it got, in order. */
interface Served {
  readonly address: string;
  readonly calls: Call[];
  close(): void;
}

const servers: Served[] = [];

/** Bound by grpc-js itself, or fed connections through its injector as Barge's client listener does; with interceptors if given. */
async function serve(how: 'bind' | 'inject', options: grpc.ServerOptions = {}): Promise<Served> {
  const server = new grpc.Server(options);
  const calls: Call[] = [];
  server.addService(serviceDefinition('etcdserverpb.Watch'), { Watch: (call: Call) => void calls.push(call) });
  const address = `127.0.0.1:${await freePort()}`;
  let close = (): void => server.forceShutdown();
  if (how === 'bind') {
    await new Promise<void>((resolve, reject) => server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())));
  } else {
    const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
    const listener = createServer((socket) => injector.injectConnection(socket));
    await new Promise<void>((resolve) => listener.listen(Number(address.split(':')[1]), '127.0.0.1', resolve));
    close = () => {
      listener.close();
      injector.destroy();
      server.forceShutdown();
    };
  }
  const served = { address, calls, close };
  servers.push(served);
  return served;
}

afterAll(() => {
  for (const served of servers) served.close();
});

type WatchStub = grpc.Client & { Watch(): grpc.ClientDuplexStream<object, Record<string, unknown>> };

/** Opens a Watch stream to `served`; resolves with the server's side of it and what the client reads. */
async function openWatch(served: Served): Promise<{ call: Call; received: number[]; receivedCount(n: number): Promise<void>; close(): void }> {
  const client = new WatchClient(served.address, grpc.credentials.createInsecure()) as unknown as WatchStub;
  const stream = client.Watch();
  const received: number[] = [];
  const listeners: (() => void)[] = [];
  stream.on('data', (r: Record<string, unknown>) => {
    received.push(Number(r['watch_id']));
    listeners.forEach((l) => l());
  });
  stream.on('error', () => undefined);
  const before = served.calls.length;
  stream.write({ progress_request: {} });
  await until('the server has the call', () => served.calls.length > before, { timeoutMs: 10_000, pollMs: 10 });
  return {
    call: served.calls[before]!,
    received,
    receivedCount: (n) =>
      new Promise((resolve) => {
        const check = (): void => void (received.length >= n && resolve());
        listeners.push(check);
        check();
      }),
    close: () => {
      stream.cancel();
      client.close();
    },
  };
}

const batch = (from: number) => Array.from({ length: 100 }, (_, i) => WatchResponse.encode({ watch_id: from + i, created: true }).finish());
const firstThreeHundred = Array.from({ length: 300 }, (_, i) => i + 1);
describe('watch output', () => {
  it('frames each response as gRPC does: a zero byte, the length big-endian, the bytes', () => {
    const bytes = framed([Buffer.from([1, 2, 3]), Buffer.alloc(0), Buffer.from([9])]);
    expect([...bytes]).toEqual([0, 0, 0, 0, 3, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 9]);
    // A response given as parts is framed as their concatenation.
    expect([...framed([[Buffer.from([1]), Buffer.alloc(0), Buffer.from([2, 3])], Buffer.from([9])])]).toEqual([0, 0, 0, 0, 3, 1, 2, 3, 0, 0, 0, 0, 1, 9]);
  });

  it('writes a response given as parts as their concatenation, one write() each without an HTTP/2 stream', () => {
    const written: Uint8Array[] = [];
    const output = messageOutput({ write: (bytes) => written.push(bytes) <= 2, once: () => undefined });
    expect(output.send([[Buffer.from('ab'), Buffer.from('c')], Buffer.from('d')])).toBe(true);
    expect(output.send([Buffer.from('e')])).toBe(false);
    expect(written.map((b) => Buffer.from(b).toString())).toEqual(['abc', 'd', 'e']);
  });

  // The framed path reaches into grpc-js's private call.call.stream: if a grpc-js upgrade moves it, this
  // fails (the member would still work, on the slower one-write()-per-response path tested below).
  it.each(['bind', 'inject'] as const)('finds the HTTP/2 stream under this grpc-js\'s call (%s) and sends many responses per write, read one by one in order', async (how) => {
    const watch = await openWatch(await serve(how));
    expect(http2StreamOf(watch.call)).toBeDefined();
    const output = grpcOutput(watch.call);
    expect(output.send(batch(1))).toBe(true);
    expect(output.send(batch(101))).toBe(true);
    output.send(batch(201));
    await watch.receivedCount(300);
    expect(watch.received).toEqual(firstThreeHundred);
    watch.close();
  }, 20_000);

  it('falls back to one write() per response when the call is not grpc-js\'s own (an interceptor wraps it), in order, with backpressure', async () => {
    const intercepted = await serve('inject', { interceptors: [(_, call) => new grpc.ServerInterceptingCall(call)] });
    const watch = await openWatch(intercepted);
    expect(http2StreamOf(watch.call)).toBeUndefined();
    const output = grpcOutput(watch.call);
    // grpc-js holds 16 messages before write() answers false: 100 at once leave the stream full.
    expect(output.send(batch(1))).toBe(false);
    const drained = new Promise<void>((resolve) => output.onceDrain(resolve));
    await drained;
    output.send(batch(101));
    output.send(batch(201));
    await watch.receivedCount(300);
    expect(watch.received).toEqual(firstThreeHundred);
    watch.close();
  }, 20_000);
});
