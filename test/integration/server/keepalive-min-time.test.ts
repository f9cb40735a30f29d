// --grpc-keepalive-min-time, differentially: the same HTTP/2 clients against a real etcd 3.4 and against
// Barge, one member each, both started with --grpc-keepalive-min-time=2s. grpc-go's policy, as etcd
// sets it: with a call open a client may ping once per min time, with none once per 2 h, and a ping
// right after the server sent headers or data is always fine; the third ping that breaks this ends the
// connection with GOAWAY ENHANCE_YOUR_CALM "too_many_pings". A gRPC client (grpc-js, pinging every
// 200 ms) sees its watch fail the same way on both (and doubles its ping interval). Over TLS etcd 3.4 serves gRPC through Go's HTTP/2
// server, which does not police pings: neither does Barge.

import * as grpc from '@grpc/grpc-js';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, constants, type ClientHttp2Session } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageType, serviceDefinition } from '../../../src/wire/proto.js';
import { ProcessCluster, type Implementation } from '../../support/process-cluster.js';
import { answered, pingsUntilClosed } from '../../support/http2-pings.js';
import { grpcMessage, nodeGrpcCall } from '../../support/raw-grpc.js';
import { createTestPki } from '../../support/tls.js';
import { sleep, until } from '../../support/wait.js';

// Well above a round trip under load, so back-to-back pings are always too soon.
const MIN_TIME_MS = 2000;
const FLAGS = [`--grpc-keepalive-min-time=${MIN_TIME_MS / 1000}s`];
const IMPLEMENTATIONS: readonly Implementation[] = ['etcd', 'barge'];
const WatchRequest = messageType('etcdserverpb.WatchRequest');
const RangeRequest = messageType('etcdserverpb.RangeRequest');
const PutRequest = messageType('etcdserverpb.PutRequest');

/** What a connection went through: after how many pings it ended (or how many it took), and its GOAWAYs. */
interface Outcome {
  readonly pings: number;
  readonly goaways: [code: number, lastStreamId: number, debugData: string][];
}

interface Probe {
  readonly client: ClientHttp2Session;
  readonly goaways: Outcome['goaways'];
}

async function probe(url: string, ca?: string): Promise<Probe> {
  const client = connect(url, ca === undefined ? {} : { ca });
  client.on('error', () => {});
  const goaways: Outcome['goaways'] = [];
  client.on('goaway', (code, lastStreamId, data) => goaways.push([code, lastStreamId, data?.toString() ?? '']));
  await new Promise<void>((resolve, reject) => {
    client.once('remoteSettings', () => resolve());
    client.once('close', () => reject(new Error(`${url} closed the connection at once`)));
  });
  return { client, goaways };
}

/** A unary call, to its end. */
async function unary(client: ClientHttp2Session, path: string, message: Uint8Array): Promise<void> {
  const stream = nodeGrpcCall(client, path);
  stream.end(grpcMessage(message));
  stream.resume();
  await new Promise<void>((resolve) => stream.once('close', () => resolve()));
}

/** What a scenario awaits next, as `pingsUntilClosed` reports it. */
type Step = (awaited: string) => void;

/** Pings up to `count` times, `before` done before each (a pause, a write to wait for). */
async function pings(target: Probe, count: number, before?: () => Promise<void>, step?: Step): Promise<Outcome> {
  const { client } = target;
  // The server has taken whatever the client sent before (a call's headers) once this is answered.
  step?.('the SETTINGS ACK after the call');
  await answered(client, (done) => void client.settings({}, done));
  const sent = await pingsUntilClosed(client, count, before, step);
  client.destroy();
  return { pings: sent, goaways: target.goaways };
}

/** A connection with a watch call open (its headers alone: the server sends nothing back), then pings. */
async function watchThenPings(url: string, ca: string | undefined, count: number, before?: () => Promise<void>, step?: Step): Promise<Outcome> {
  step?.("the server's SETTINGS");
  const target = await probe(url, ca);
  nodeGrpcCall(target.client, '/etcdserverpb.Watch/Watch');
  return pings(target, count, before, step);
}

/** etcd's outcome is `expected`, and Barge's the same. */
function expectSame([etcd, barge]: readonly Outcome[], expected: Outcome): void {
  expect(etcd).toEqual(expected);
  expect(barge).toEqual(etcd);
}

const TOO_MANY_PINGS: Outcome['goaways'][number] = [constants.NGHTTP2_ENHANCE_YOUR_CALM, 1, 'too_many_pings'];

describe('--grpc-keepalive-min-time on plain client URLs, etcd 3.4 and Barge side by side', () => {
  const clusters = new Map<Implementation, ProcessCluster>();
  const url = (implementation: Implementation): string => `http://${clusters.get(implementation)!.endpoints[0]!}`;
  /** The same scenario on both, at once (it is mostly waiting). */
  const onBoth = (scenario: (implementation: Implementation) => Promise<Outcome>): Promise<Outcome[]> => Promise.all(IMPLEMENTATIONS.map(scenario));

  beforeAll(async () => {
    const started = await Promise.all(IMPLEMENTATIONS.map((implementation) => ProcessCluster.start(1, implementation, FLAGS)));
    IMPLEMENTATIONS.forEach((implementation, i) => clusters.set(implementation, started[i]!));
  }, 90_000);
  afterAll(async () => {
    await Promise.all([...clusters.values()].map((cluster) => cluster.stop()));
  });

  it('a watch open, pings back to back: GOAWAY ENHANCE_YOUR_CALM too_many_pings at the fourth', async () => {
    expectSame(await onBoth((implementation) => watchThenPings(url(implementation), undefined, 8)), { pings: 4, goaways: [TOO_MANY_PINGS] });
  }, 60_000);

  it('a watch open, pings twice the min time apart: all taken', async () => {
    // The pace of the pings is what is tested.
    expectSame(await onBoth((implementation) => watchThenPings(url(implementation), undefined, 4, () => sleep(2 * MIN_TIME_MS))), { pings: 4, goaways: [] });
  }, 60_000);

  it('no call open (one done before), pings twice the min time apart: GOAWAY at the fourth', async () => {
    const outcomes = await onBoth(async (implementation) => {
      const target = await probe(url(implementation));
      await unary(target.client, '/etcdserverpb.KV/Range', RangeRequest.encode({ key: Buffer.from('ka/none') }).finish());
      return pings(target, 6, () => sleep(2 * MIN_TIME_MS));
    });
    expectSame(outcomes, { pings: 4, goaways: [TOO_MANY_PINGS] });
  }, 60_000);

  it('a watch that receives an event before each ping: pings back to back all taken', async () => {
    const outcomes = await onBoth(async (implementation) => {
      const target = await probe(url(implementation));
      const writer = await probe(url(implementation));
      const watch = nodeGrpcCall(target.client, '/etcdserverpb.Watch/Watch');
      watch.write(grpcMessage(WatchRequest.encode({ create_request: { key: Buffer.from(`ka/${implementation}`) } }).finish()));
      let responses = 0;
      watch.on('data', () => responses++);
      await until('the watch to be created', () => responses > 0, { timeoutMs: 20_000 });
      const outcome = await pings(target, 6, async () => {
        const seen = responses;
        await unary(writer.client, '/etcdserverpb.KV/Put', PutRequest.encode({ key: Buffer.from(`ka/${implementation}`), value: Buffer.from('v') }).finish());
        await until('the event to reach the watch', () => responses > seen || target.client.destroyed, { timeoutMs: 20_000 });
      });
      writer.client.destroy();
      return outcome;
    });
    expectSame(outcomes, { pings: 6, goaways: [] });
  }, 90_000);

  it('a grpc-js client pinging every 200 ms has its idle watch ended the same way', async () => {
    const WatchClient = grpc.makeGenericClientConstructor(serviceDefinition('etcdserverpb.Watch'), 'Watch');
    const ended = await Promise.all(
      IMPLEMENTATIONS.map(async (implementation) => {
        const client = new WatchClient(clusters.get(implementation)!.endpoints[0]!, grpc.credentials.createInsecure(), {
          'grpc.keepalive_time_ms': 200,
          'grpc.keepalive_permit_without_calls': 1,
        }) as grpc.Client & Record<string, () => grpc.ClientDuplexStream<object, { created?: boolean }>>;
        const watch = client.Watch!();
        let created = false;
        let error: grpc.ServiceError | undefined;
        watch.on('data', (response) => (created ||= response.created === true));
        watch.on('error', (err: grpc.ServiceError) => (error = err));
        watch.write({ create_request: { key: Buffer.from('ka/grpc-js') } });
        await until('the watch to end', () => error !== undefined, { timeoutMs: 30_000 });
        client.close();
        return { created, code: error!.code, details: error!.details };
      }),
    );
    // Node's HTTP/2 client resets the call with the GOAWAY's code, which grpc-js reads as RESOURCE_EXHAUSTED.
    expect(ended[0]).toMatchObject({ created: true, code: grpc.status.RESOURCE_EXHAUSTED });
    expect(ended[1]).toEqual(ended[0]);
  }, 90_000);
});

describe('--grpc-keepalive-min-time on TLS client URLs, etcd 3.4 and Barge side by side', () => {
  let dir: string;
  let ca: string;
  const clusters = new Map<Implementation, ProcessCluster>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'barge-keepalive-tls-'));
    const pki = await createTestPki(dir);
    ca = readFileSync(pki.caFile, 'utf8');
    const member = await pki.member('m1');
    const options = {
      clientScheme: 'https' as const,
      memberFlags: () => [`--cert-file=${member.cert}`, `--key-file=${member.key}`],
      etcdctlFlags: [`--cacert=${pki.caFile}`],
    };
    const started = await Promise.all(IMPLEMENTATIONS.map((implementation) => ProcessCluster.start(1, implementation, FLAGS, undefined, options)));
    IMPLEMENTATIONS.forEach((implementation, i) => clusters.set(implementation, started[i]!));
  }, 90_000);
  afterAll(async () => {
    await Promise.all([...clusters.values()].map((cluster) => cluster.stop()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a watch open, pings back to back: all taken (Go serves gRPC over TLS through net/http, which does not police pings)', async () => {
    // A bound that names the server and the answer it did not give, well inside the test's.
    const bounded = (implementation: Implementation): Promise<Outcome> =>
      new Promise((resolve, reject) => {
        let awaited = 'the connection';
        const late = setTimeout(() => reject(new Error(`${implementation}: no answer in 30 s to a watch and 8 pings over TLS, awaiting ${awaited}`)), 30_000);
        watchThenPings(clusters.get(implementation)!.members[0]!.clientUrl, ca, 8, undefined, (step) => (awaited = step))
          .then(resolve, reject)
          .finally(() => clearTimeout(late));
      });
    // In CI, at a load near 9, etcd has stopped answering such a connection for a minute (not
    // reproduced since; the message now says at which step): the reference is observed once more on a
    // new connection. Barge gets one try.
    const reference = (): Promise<Outcome> =>
      bounded('etcd').catch((error: Error) => {
        console.log(`${error.message}; observing etcd again on a new connection`);
        return bounded('etcd');
      });
    expectSame(await Promise.all([reference(), bounded('barge')]), { pings: 8, goaways: [] });
  }, 90_000);
});
