// The apiserver's store client pings its connections while calls or watches are open (kube-apiserver's etcd
// client: after 30 s, closing the connection if no answer comes in 10 s). A store connection that goes
// silent without a reset is then closed, and its watch and calls move to another endpoint: without the
// pings a watch would wait forever and every call on the connection would wait out its deadline. Short
// ping times here, which the members allow (--grpc-keepalive-min-time).

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { StoreClient, prefixEnd, type WatchHandlers } from '../../../src/client/etcd/store-client.js';
import { ProcessCluster, type Implementation } from '../../support/process-cluster.js';
import { stallingProxy, type StallingProxy } from '../../support/stalling-proxy.js';
import { until } from '../../support/wait.js';

const UNAVAILABLE = 14;
const KEEPALIVE = { timeMs: 300, timeoutMs: 300 };

/** Handlers that keep what a watch saw. */
function recorder(): WatchHandlers & { values: string[]; error?: Error } {
  const seen: WatchHandlers & { values: string[]; error?: Error } = {
    values: [],
    onEvents: (events) => seen.values.push(...events.map((e) => e.kv.value.toString())),
    onCompacted: () => undefined,
    onError: (err) => (seen.error = err),
  };
  return seen;
}

describe.each<Implementation>(['etcd', 'barge'])('StoreClient keepalive on %s', (implementation) => {
  let cluster: ProcessCluster;
  let proxy: StallingProxy;
  let client: StoreClient;

  beforeAll(async () => {
    cluster = await ProcessCluster.start(1, implementation, ['--grpc-keepalive-min-time=100ms']);
  }, 60_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  beforeEach(async () => {
    proxy = await stallingProxy(cluster.endpoints[0]!);
    // The proxy first; the member itself next. Deadlines far longer than the pings take to give up.
    client = new StoreClient({ endpoints: [proxy.endpoint, ...cluster.endpoints], timeoutMs: 30_000, keepalive: KEEPALIVE });
  });

  afterEach(async () => {
    client.close();
    await proxy.close();
  });

  it('ends a watch whose connection went silent; the next watch goes to the next endpoint', async () => {
    const prefix = '/registry/configmaps/keepalive-watch/';
    // From the next revision: the watch's stream may reach the member after the put does.
    const from = (await client.range(prefix)).revision + 1;
    // Calls and watches take the endpoints in turn: that read went through the proxy, this one goes to
    // the member, and the watch through the proxy.
    await client.range(prefix);
    const first = recorder();
    const firstWatch = await client.watch(prefix, prefixEnd(prefix), from, first);
    await client.txn({ key: `${prefix}a`, modRevision: 0, then: { put: Buffer.from('before') } });
    await until('the first event', () => first.values.includes('before'));

    proxy.stall();
    await until('the silent watch to fail', () => first.error !== undefined, { timeoutMs: 5_000 });
    expect((first.error as Error & { code?: number }).code).toBe(UNAVAILABLE);

    const current = await client.range(`${prefix}a`);
    const second = recorder();
    const secondWatch = await client.watch(prefix, prefixEnd(prefix), current.revision + 1, second);
    await client.txn({ key: `${prefix}a`, modRevision: current.kvs[0]!.modRevision, then: { put: Buffer.from('after') } });
    await until('the event on the next endpoint', () => second.values.includes('after'), { timeoutMs: 5_000 });
    expect(second.error).toBeUndefined();
    firstWatch.cancel();
    secondWatch.cancel();
  });

  it('moves a call on a silent connection to the next endpoint long before its deadline', async () => {
    const key = '/registry/configmaps/keepalive-call/a';
    await client.txn({ key, modRevision: 0, then: { put: Buffer.from('value') } });
    // Calls take the endpoints in turn: the write went through the proxy, this read goes to the member,
    // and the read after the stall through the proxy again.
    await client.range(key);
    proxy.stall();
    const started = performance.now();
    const read = await client.range(key);
    expect(read.kvs[0]?.value.toString()).toBe('value');
    // Two ping periods at most, against the call's 30 s deadline.
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
