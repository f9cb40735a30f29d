// A watch stream's output over a real grpc-js server and client on loopback: several responses sent in one
// framed write arrive as separate messages, in order, after the response headers; the HTTP/2 stream is
// found under this grpc-js's call (else every response would take grpc-js's one-message path).

import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { framed, grpcOutput, http2StreamOf, messageOutput } from '../../../src/api/watch-output.js';
import { messageType, serviceDefinition } from '../../../src/wire/proto.js';
import { freePort } from '../../support/process-cluster.js';

const WatchResponse = messageType('etcdserverpb.WatchResponse');
const WatchClient = grpc.makeGenericClientConstructor(serviceDefinition('etcdserverpb.Watch'), 'Watch');
type Call = grpc.ServerDuplexStream<unknown, Uint8Array>;

let server: grpc.Server;
let address: string;
const calls: Call[] = [];

beforeAll(async () => {
  server = new grpc.Server();
  server.addService(serviceDefinition('etcdserverpb.Watch'), { Watch: (call: Call) => void calls.push(call) });
  address = `127.0.0.1:${await freePort()}`;
  await new Promise<void>((resolve, reject) => server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())));
});
afterAll(() => {
  server.forceShutdown();
});

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

  it('sends many responses in one write that the client reads one by one, in order', async () => {
    const client = new WatchClient(address, grpc.credentials.createInsecure()) as unknown as grpc.Client & { Watch(): grpc.ClientDuplexStream<object, Record<string, unknown>> };
    const stream = client.Watch();
    const received: number[] = [];
    const done = new Promise<void>((resolve) => {
      stream.on('data', (r: Record<string, unknown>) => {
        received.push(Number(r['watch_id']));
        if (received.length === 300) resolve();
      });
    });
    stream.write({ progress_request: {} });
    for (let i = 0; i < 200 && calls.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const call = calls[0]!;
    expect(http2StreamOf(call)).toBeDefined();
    const output = grpcOutput(call);
    const batch = (from: number) => Array.from({ length: 100 }, (_, i) => WatchResponse.encode({ watch_id: from + i, created: true }).finish());
    expect(output.send(batch(1))).toBe(true);
    expect(output.send(batch(101))).toBe(true);
    output.send(batch(201));
    await done;
    expect(received).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    stream.on('error', () => undefined);
    stream.cancel();
    client.close();
  }, 20_000);
});
