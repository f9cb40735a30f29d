// A watch stream whose client stops reading: the member holds its watchers back instead of buffering
// without end, and once the client reads again every watcher catches up, in order, with nothing lost —
// with one drain listener per stream however many watchers it carries, and each watcher's missed
// revisions grouped into few responses: for a client that keeps reading, but slower than the puts, at
// most one catch-up per watcher every 100 ms, as etcd syncs the watchers that fell behind; for one that
// fell behind once, as soon as it read what it had.

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

/** A Watch stream with WATCHERS watchers on `prefix`, what each watcher saw, and a put through the same member. */
interface WatchedPrefix {
  readonly stream: grpc.ClientDuplexStream<Pb, Pb>;
  /** Each watcher's events' revisions, in the order they came. */
  readonly seen: Map<number, number[]>;
  /** Each watcher's responses that carried events. */
  readonly responses: Map<number, number>;
  put(key: string, value: Buffer): Promise<number>;
  /** Waits until every watcher saw `revisions`, then checks each saw exactly those, in order. */
  expectEveryWatcherSaw(revisions: readonly number[]): Promise<void>;
  close(): void;
}

async function watchPrefix(prefix: string): Promise<WatchedPrefix> {
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
  const rangeEnd = Buffer.from(prefix);
  rangeEnd[rangeEnd.length - 1]!++;
  for (let i = 0; i < WATCHERS; i++) stream.write({ create_request: { key: Buffer.from(prefix), range_end: rangeEnd } });
  while (created < WATCHERS) await new Promise((r) => setTimeout(r, 50));
  return {
    stream,
    seen,
    responses,
    put: async (key, value) => {
      const response = await new Promise<Pb>((resolve, reject) => kv.Put!({ key: Buffer.from(key), value }, (e, v) => (e ? reject(e) : resolve(v))));
      return Number(response.header.revision);
    },
    async expectEveryWatcherSaw(revisions) {
      const complete = () => [...seen.values()].filter((list) => list.length === revisions.length).length;
      for (let attempt = 0; attempt < 4000 && complete() < WATCHERS; attempt++) await new Promise((r) => setTimeout(r, 5));
      expect(seen.size).toBe(WATCHERS);
      for (const list of seen.values()) expect(list).toEqual(revisions);
    },
    close() {
      stream.on('error', () => undefined); // the cancel ends the stream with CANCELLED
      stream.cancel();
      kv.close();
      watch.close();
    },
  };
}

describe('watch back-pressure', () => {
  it('a stalled stream with many watchers catches up completely once read again', async () => {
    const watched = await watchPrefix('bp/');
    watched.stream.pause();
    const value = Buffer.alloc(16 * 1024, 'v');
    const revisions: number[] = [];
    for (let i = 0; i < PUTS; i++) revisions.push(await watched.put(`bp/${i % 7}`, value));
    watched.stream.resume();

    await watched.expectEveryWatcherSaw(revisions);
    // Caught up as etcd does: each watcher's missed revisions come grouped, not one response per put.
    const responsesWithEvents = [...watched.responses.values()].reduce((a, b) => a + b, 0);
    expect(responsesWithEvents).toBeLessThan((WATCHERS * PUTS) / 10);
    expect(cluster.members[0]!.log).not.toContain('MaxListenersExceeded');
    watched.close();
  }, 60_000);

  it('a client that fell behind for a moment gets what it missed as soon as it read what it had', async () => {
    const watched = await watchPrefix('blip/');
    const value = Buffer.alloc(16 * 1024, 'v');
    const revisions: number[] = [];
    const catchUpMs: number[] = [];
    // Best of three, so a busy machine does not decide; each a first fall-behind (the last catch-up
    // more than 100 ms before). Before, the watchers waited out 100 ms from the moment the stream filled.
    for (let attempt = 0; attempt < 3; attempt++) {
      await new Promise((r) => setTimeout(r, 150));
      watched.stream.pause();
      const fellBehindAt = performance.now();
      // One put's events for 20 watchers are more than the stream holds: the next two are held back.
      for (let i = 0; i < 3; i++) revisions.push(await watched.put(`blip/${i}`, value));
      watched.stream.resume();
      await watched.expectEveryWatcherSaw(revisions);
      catchUpMs.push(performance.now() - fellBehindAt);
    }
    expect(Math.min(...catchUpMs)).toBeLessThan(90);
    watched.close();
  }, 60_000);

  it('a client slower than the puts gets each watcher its missed revisions at most every 100 ms', async () => {
    const watched = await watchPrefix('slow/');
    // The client reads for a millisecond in every ten: it drains the stream often, but never keeps up.
    const reader = setInterval(() => {
      watched.stream.resume();
      setTimeout(() => watched.stream.pause(), 1);
    }, 10);
    watched.stream.pause();
    const value = Buffer.alloc(4 * 1024, 'v');
    const revisions: number[] = [];
    const started = Date.now();
    while (Date.now() - started < 1500) revisions.push(await watched.put(`slow/${revisions.length % 7}`, value));
    const puttingMs = Date.now() - started;
    clearInterval(reader);
    await new Promise((r) => setTimeout(r, 5));
    watched.stream.resume();

    await watched.expectEveryWatcherSaw(revisions);
    // Per 100 ms a watcher gets one catch-up, then live events until the stream fills again (a put or
    // two of these); one response per drain instead would be several times as many.
    const mostResponses = Math.max(...watched.responses.values());
    expect(revisions.length).toBeGreaterThan(mostResponses);
    expect(mostResponses).toBeLessThan((puttingMs / 100) * 3 + 10);
    watched.close();
  }, 60_000);
});
