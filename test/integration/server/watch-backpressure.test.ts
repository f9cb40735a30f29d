// A watch stream whose client stops reading: the member holds its watchers back instead of buffering
// without end, and once the client reads again every watcher catches up, in order, with nothing lost —
// with one drain listener per stream however many watchers it carries, and each watcher's missed
// revisions grouped into few responses: for a client that keeps reading, but slower than the puts, at
// most one catch-up per watcher every 100 ms, as etcd syncs the watchers that fell behind.

import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceDefinition } from '../../../src/wire/proto.js';
import { ProcessCluster } from '../../support/process-cluster.js';

type Pb = Record<string, any>;  
const KvClient = grpc.makeGenericClientConstructor(serviceDefinition('etcdserverpb.KV'), 'KV');
const WatchClient = grpc.makeGenericClientConstructor(serviceDefinition('etcdserverpb.Watch'), 'Watch');

const WATCHERS = 20;
const PUTS = 150;

let cluster: ProcessCluster;
beforeAll(async () => {
  cluster = await ProcessCluster.start(1);
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

describe('watch back-pressure', () => {
  it('a stalled stream with many watchers catches up completely once read again', async () => {
    const endpoint = cluster.endpoints[0]!;
    const kv = new KvClient(endpoint, grpc.credentials.createInsecure()) as grpc.Client & Record<string, (r: Pb, cb: (e: grpc.ServiceError | null, v: Pb) => void) => void>;
    const watch = new WatchClient(endpoint, grpc.credentials.createInsecure()) as grpc.Client & Record<string, () => grpc.ClientDuplexStream<Pb, Pb>>;
    const stream = watch.Watch!();
    const seen = new Map<number, number[]>();
    let created = 0;
    let responsesWithEvents = 0;
    stream.on('data', (response: Pb) => {
      if (response.created) created++;
      if (response.events?.length > 0) responsesWithEvents++;
      const list = seen.get(Number(response.watch_id)) ?? [];
      for (const event of response.events ?? []) list.push(Number(event.kv.mod_revision));
      seen.set(Number(response.watch_id), list);
    });
    for (let i = 0; i < WATCHERS; i++) stream.write({ create_request: { key: Buffer.from('bp/'), range_end: Buffer.from('bp0') } });
    while (created < WATCHERS) await new Promise((r) => setTimeout(r, 50));

    stream.pause();
    const value = Buffer.alloc(16 * 1024, 'v');
    const revisions: number[] = [];
    for (let i = 0; i < PUTS; i++) {
      const response = await new Promise<Pb>((resolve, reject) => kv.Put!({ key: Buffer.from(`bp/${i % 7}`), value }, (e, v) => (e ? reject(e) : resolve(v))));
      revisions.push(Number(response.header.revision));
    }
    stream.resume();

    const complete = () => [...seen.values()].filter((list) => list.length === PUTS).length;
    for (let attempt = 0; attempt < 200 && complete() < WATCHERS; attempt++) await new Promise((r) => setTimeout(r, 100));
    expect(seen.size).toBe(WATCHERS);
    for (const list of seen.values()) expect(list).toEqual(revisions);
    // Caught up as etcd does: each watcher's missed revisions come grouped, not one response per put.
    expect(responsesWithEvents).toBeLessThan((WATCHERS * PUTS) / 10);
    expect(cluster.members[0]!.log).not.toContain('MaxListenersExceeded');
    stream.on('error', () => undefined); // the cancel below ends the stream with CANCELLED
    stream.cancel();
    kv.close();
    watch.close();
  }, 60_000);

  it('a client slower than the puts gets each watcher its missed revisions at most every 100 ms', async () => {
    const endpoint = cluster.endpoints[0]!;
    const kv = new KvClient(endpoint, grpc.credentials.createInsecure()) as grpc.Client & Record<string, (r: Pb, cb: (e: grpc.ServiceError | null, v: Pb) => void) => void>;
    const watch = new WatchClient(endpoint, grpc.credentials.createInsecure()) as grpc.Client & Record<string, () => grpc.ClientDuplexStream<Pb, Pb>>;
    const stream = watch.Watch!();
    const seen = new Map<number, number[]>();
    const responses = new Map<number, number>();
    let created = 0;
    stream.on('data', (response: Pb) => {
      if (response.created) created++;
      const id = Number(response.watch_id);
      if (response.events?.length > 0) responses.set(id, (responses.get(id) ?? 0) + 1);
      const list = seen.get(id) ?? [];
      for (const event of response.events ?? []) list.push(Number(event.kv.mod_revision));
      seen.set(id, list);
    });
    for (let i = 0; i < WATCHERS; i++) stream.write({ create_request: { key: Buffer.from('slow/'), range_end: Buffer.from('slow0') } });
    while (created < WATCHERS) await new Promise((r) => setTimeout(r, 50));

    // The client reads for a millisecond in every ten: it drains the stream often, but never keeps up.
    const reader = setInterval(() => {
      stream.resume();
      setTimeout(() => stream.pause(), 1);
    }, 10);
    stream.pause();
    const value = Buffer.alloc(4 * 1024, 'v');
    const revisions: number[] = [];
    const started = Date.now();
    while (Date.now() - started < 1500) {
      const response = await new Promise<Pb>((resolve, reject) => kv.Put!({ key: Buffer.from(`slow/${revisions.length % 7}`), value }, (e, v) => (e ? reject(e) : resolve(v))));
      revisions.push(Number(response.header.revision));
    }
    const puttingMs = Date.now() - started;
    clearInterval(reader);
    await new Promise((r) => setTimeout(r, 5));
    stream.resume();

    const complete = () => [...seen.values()].filter((list) => list.length === revisions.length).length;
    for (let attempt = 0; attempt < 200 && complete() < WATCHERS; attempt++) await new Promise((r) => setTimeout(r, 100));
    for (const list of seen.values()) expect(list).toEqual(revisions);
    expect(seen.size).toBe(WATCHERS);
    // Per 100 ms a watcher gets one catch-up, then live events until the stream fills again (a put or
    // two of these); one response per drain instead would be several times as many.
    const mostResponses = Math.max(...responses.values());
    expect(revisions.length).toBeGreaterThan(mostResponses);
    expect(mostResponses).toBeLessThan((puttingMs / 100) * 3 + 10);
    stream.on('error', () => undefined);
    stream.cancel();
    kv.close();
    watch.close();
  }, 60_000);
});
