// The apiserver's store client against real etcd and Barge members: its calls and watches go over an HTTP/2
// session of its own (store-session.ts), so what grpc-js did for them is checked here — results, the
// servers' error codes and messages, responses larger than a flow-control window, moving past an endpoint
// that is down, calls spread over the endpoints in turn, and a deadline on one that never answers.

import { createServer as createHttp2Server } from 'node:http2';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_SETTINGS_FRAME, encodeLiterals, END_STREAM, headerFrames } from '../../../src/api/http2-frames.js';
import { StoreClient, StoreError, prefixEnd, type WatchEvent, type WatchHandlers } from '../../../src/client/etcd/store-client.js';
import { freePort, ProcessCluster, type Implementation } from '../../support/process-cluster.js';
import { stallingProxy } from '../../support/stalling-proxy.js';
import { until } from '../../support/wait.js';

const OUT_OF_RANGE = 11;
const DEADLINE_EXCEEDED = 4;
const INVALID_ARGUMENT = 3;

describe.each<Implementation>(['etcd', 'barge'])('StoreClient on %s', (implementation) => {
  let cluster: ProcessCluster;
  let client: StoreClient;

  beforeAll(async () => {
    cluster = await ProcessCluster.start(1, implementation);
    client = new StoreClient({ endpoints: cluster.endpoints });
  }, 60_000);

  afterAll(async () => {
    client?.close();
    await cluster?.stop();
  });

  it('creates, refuses a second create with the current value, reads and updates', async () => {
    const key = '/registry/configmaps/default/first';
    const created = await client.txn({ key, modRevision: 0, then: { put: Buffer.from('one') } });
    expect(created.succeeded).toBe(true);
    const again = await client.txn({ key, modRevision: 0, then: { put: Buffer.from('two') } });
    expect(again.succeeded).toBe(false);
    expect(again.current?.value.toString()).toBe('one');
    expect(again.current?.modRevision).toBe(created.revision);
    const updated = await client.txn({ key, modRevision: created.revision, then: { put: Buffer.from('three') } });
    expect(updated.succeeded).toBe(true);
    const read = await client.range(key);
    expect(read.kvs.map((kv) => [kv.key, kv.value.toString(), kv.modRevision])).toEqual([[key, 'three', updated.revision]]);
    expect(read.revision).toBe(updated.revision);
  });

  it('returns a prefix of several MiB whole', async () => {
    const prefix = '/registry/secrets/big/';
    const value = Buffer.alloc(40 * 1024, 97);
    for (let i = 0; i < 150; i++) await client.txn({ key: `${prefix}${String(i).padStart(3, '0')}`, modRevision: 0, then: { put: value } });
    const all = await client.range(prefix, { end: prefixEnd(prefix) });
    expect(all.kvs).toHaveLength(150);
    expect(all.kvs.every((kv) => kv.value.equals(value))).toBe(true);
    const counted = await client.range(prefix, { end: prefixEnd(prefix), countOnly: true });
    expect(counted.count).toBe(150);
    expect(counted.kvs).toHaveLength(0);
  });

  it("gives the server's code and message for a compacted revision and a bad request", async () => {
    const key = '/registry/configmaps/default/compacted';
    const first = await client.txn({ key, modRevision: 0, then: { put: Buffer.from('a') } });
    const second = await client.txn({ key, modRevision: first.revision, then: { put: Buffer.from('b') } });
    await client.compact(second.revision);
    const compacted = await client.range(key, { revision: first.revision }).catch((e: unknown) => e);
    expect(compacted).toBeInstanceOf(StoreError);
    expect((compacted as StoreError).code).toBe(OUT_OF_RANGE);
    expect((compacted as StoreError).message).toBe('etcdserver: mvcc: required revision has been compacted');
    const empty = await client.range('').catch((e: unknown) => e);
    expect((empty as StoreError).code).toBe(INVALID_ARGUMENT);
    expect((empty as StoreError).message).toBe('etcdserver: key is not provided');
  });

  it('grants leases', async () => {
    const id = await client.leaseGrant(60);
    expect(BigInt(id)).toBeGreaterThan(0n);
    const key = '/registry/events/default/e1';
    const put = await client.txn({ key, modRevision: 0, then: { put: Buffer.from('event'), lease: id } });
    expect(put.succeeded).toBe(true);
    expect((await client.range(key)).kvs[0]?.lease).toBe(id);
  });

  it('watches: previous values, a value larger than a frame, many events at once, progress, a compacted start', async () => {
    const prefix = '/registry/watched/';
    const start = (await client.range(prefix)).revision + 1;
    const seen: WatchEvent[] = [];
    const progress: number[] = [];
    let compactedAt: number | undefined;
    const handlers: WatchHandlers = {
      onEvents: (events, revision) => (events.length > 0 ? seen.push(...events) : progress.push(revision)),
      onCompacted: (revision) => (compactedAt = revision),
      onError: (err) => {
        throw err;
      },
    };
    const watch = await client.watch(prefix, prefixEnd(prefix), start, handlers);
    const first = await client.txn({ key: `${prefix}a`, modRevision: 0, then: { put: Buffer.from('one') } });
    const big = Buffer.alloc(1024 * 1024, 98);
    await client.txn({ key: `${prefix}a`, modRevision: first.revision, then: { put: big } });
    const writes = await Promise.all(Array.from({ length: 50 }, (_, i) => client.txn({ key: `${prefix}n${i}`, modRevision: 0, then: { put: Buffer.from(`v${i}`) } })));
    const last = Math.max(...writes.map((w) => w.revision));
    await until('every event', () => seen.length === 52);
    expect(seen[1]?.kv.value.equals(big)).toBe(true);
    expect(seen[1]?.prevKv?.value.toString()).toBe('one');
    expect(seen.map((e) => e.kv.modRevision)).toEqual([...seen.map((e) => e.kv.modRevision)].sort((a, b) => a - b));
    watch.requestProgress();
    await until('a progress notification', () => progress.length > 0);
    expect(progress.at(-1)).toBeGreaterThanOrEqual(last);
    watch.cancel();

    await client.compact(last);
    const again = await client.watch(prefix, prefixEnd(prefix), start, handlers);
    await until('the compaction to be told', () => compactedAt !== undefined);
    expect(compactedAt).toBe(last);
    again.cancel();
  });

  it('moves past an endpoint that drops the connection mid-call', async () => {
    // Reads the call's first bytes, then closes the connection without an answer.
    const dropper = createServer((socket) => socket.once('data', () => socket.destroy()));
    await new Promise<void>((resolve) => dropper.listen(0, '127.0.0.1', resolve));
    const past = new StoreClient({ endpoints: [`http://127.0.0.1:${(dropper.address() as { port: number }).port}`, ...cluster.endpoints] });
    try {
      const read = await past.range('/registry/configmaps/default/first');
      expect(read.kvs[0]?.value.toString()).toBe('three');
    } finally {
      past.close();
      await new Promise((resolve) => dropper.close(resolve));
    }
  });

  it('moves past an endpoint nothing listens on', async () => {
    const past = new StoreClient({ endpoints: [`http://127.0.0.1:${await freePort()}`, ...cluster.endpoints] });
    try {
      const read = await past.range('/registry/configmaps/default/first');
      expect(read.kvs[0]?.value.toString()).toBe('three');
    } finally {
      past.close();
    }
  });

  it("sends calls to the endpoints in turn, as etcd's client balances them", async () => {
    const proxies = await Promise.all([1, 2, 3].map(() => stallingProxy(cluster.endpoints[0]!)));
    const spread = new StoreClient({ endpoints: proxies.map((proxy) => proxy.endpoint) });
    try {
      for (let i = 0; i < 30; i++) expect((await spread.range('/registry/configmaps/default/first')).kvs).toHaveLength(1);
      const bytes = proxies.map((proxy) => proxy.forwarded());
      const total = bytes.reduce((sum, b) => sum + b, 0);
      for (const b of bytes) expect(b / total).toBeGreaterThan(0.25);
    } finally {
      spread.close();
      await Promise.all(proxies.map((proxy) => proxy.close()));
    }
  });

  it('passes over an endpoint that failed until its backoff ends, then tries it again', async () => {
    const port = await freePort();
    const passedOver = new StoreClient({ endpoints: [`http://127.0.0.1:${port}`, ...cluster.endpoints] });
    let late: Server | undefined;
    try {
      // The first call starts with the dead endpoint and moves on; the endpoint's backoff (1 s) starts.
      const failedAt = Date.now();
      expect((await passedOver.range('/registry/configmaps/default/first')).kvs).toHaveLength(1);
      // Now something listens there, counting connections: none may come while the backoff lasts.
      let connections = 0;
      late = createServer((socket) => {
        connections++;
        socket.destroy();
      });
      await new Promise<void>((resolve) => late!.listen(port, '127.0.0.1', resolve));
      let calls = 0;
      while (Date.now() < failedAt + 800) {
        await passedOver.range('/registry/configmaps/default/first');
        calls++;
      }
      expect(calls).toBeGreaterThan(1);
      expect(connections).toBe(0);
      await until('the endpoint to be tried again', async () => {
        await passedOver.range('/registry/configmaps/default/first');
        return connections > 0;
      });
    } finally {
      passedOver.close();
      if (late) await new Promise((resolve) => late!.close(resolve));
    }
  });
});

describe('StoreClient against an endpoint that never answers', () => {
  let silent: Server;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // Accepts connections and says nothing: no HTTP/2 settings, no response.
    silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('fails the call with DEADLINE_EXCEEDED once its deadline passes', async () => {
    const address = silent.address() as { port: number };
    const client = new StoreClient({ endpoints: [`http://127.0.0.1:${address.port}`], timeoutMs: 300 });
    const started = performance.now();
    try {
      const outcome = await client.range('/registry/anything').catch((e: unknown) => e);
      expect(outcome).toBeInstanceOf(StoreError);
      expect((outcome as StoreError).code).toBe(DEADLINE_EXCEEDED);
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      client.close();
    }
  });
});

/** How a watch through a client of the server on `port` ended. */
async function watchFailure(port: number): Promise<Error> {
  const client = new StoreClient({ endpoints: [`127.0.0.1:${port}`] });
  try {
    return await new Promise<Error>((resolve) => {
      client.watch('/registry/x/', prefixEnd('/registry/x/'), 1, { onEvents: () => undefined, onCompacted: () => undefined, onError: resolve }).catch(resolve);
    });
  } finally {
    client.close();
  }
}

describe('StoreClient against a server that ends a watch stream', () => {
  it("reports the end with the trailers' status and message while the connection stays open", async () => {
    // Answers a Watch with its headers, then at once its trailers (UNAVAILABLE), keeping the session open.
    const server = createHttp2Server();
    server.on('session', (session) => session.on('error', () => undefined));
    server.on('stream', (stream) => {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '14', 'grpc-message': 'going%20away' }));
      stream.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const failure = await watchFailure((server.address() as { port: number }).port);
      expect((failure as StoreError).code).toBe(14);
      expect(failure.message).toBe('going away');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reports the end when the server sends its trailers and never resets the stream (the watch side left open)', async () => {
    // Raw HTTP/2: Node's server resets a stream it ended while the client's side is open; this one, as
    // Barge's front end did before, only ends its own side. The client's watch side stays open, so the
    // stream is half-closed and Node's 'close' comes only if the client ends it.
    const sockets: Socket[] = [];
    const server = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
      socket.write(EMPTY_SETTINGS_FRAME);
      let answered = false;
      socket.on('data', () => {
        if (answered) return;
        answered = true;
        const headers = encodeLiterals([{ name: ':status', value: '200' }, { name: 'content-type', value: 'application/grpc' }]);
        const trailers = encodeLiterals([{ name: 'grpc-status', value: '14' }, { name: 'grpc-message', value: 'etcdserver: no leader' }]);
        socket.write(Buffer.concat([...headerFrames(1, 0, undefined, headers), ...headerFrames(1, END_STREAM, undefined, trailers)]));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const failure = await watchFailure((server.address() as { port: number }).port);
      expect((failure as StoreError).code).toBe(14);
      expect(failure.message).toBe('etcdserver: no leader');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
