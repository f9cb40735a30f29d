// --experimental-watch-progress-notify-interval, differentially: Barge and a real etcd 3.4, each started
// with a 1 s interval, send a synced watcher that asked for progress notifications an empty
// WatchResponse carrying the current revision about once a second — and nothing to a watcher that did
// not ask, nor to one that had events to send in that interval.

import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageType, serviceDefinition } from '../../../src/wire/proto.js';
import { ProcessCluster, type Implementation } from '../../support/process-cluster.js';
import { until } from '../../support/wait.js';

type Pb = Record<string, any>;
const KvClient = grpc.makeGenericClientConstructor(serviceDefinition('etcdserverpb.KV'), 'KV');
const WatchClient = grpc.makeGenericClientConstructor(serviceDefinition('etcdserverpb.Watch'), 'Watch');

const WatchResponse = messageType('etcdserverpb.WatchResponse');
const INTERVAL_MS = 1000;

interface Received {
  readonly at: number;
  readonly response: Pb;
}

/** The parts of a response both servers must agree on (ids of members and clusters differ). */
function shape(response: Pb): Pb {
  const whole: Pb = WatchResponse.toObject(WatchResponse.fromObject(response), { longs: String, defaults: true, arrays: true });
  return { ...whole, header: { revision: whole.header.revision } };
}

describe.each<Implementation>(['barge', 'etcd'])('watch progress notifications (%s)', (implementation) => {
  let cluster: ProcessCluster;
  let kv: grpc.Client & Record<string, (r: Pb, cb: (e: grpc.ServiceError | null, v: Pb) => void) => void>;
  let watch: grpc.Client & Record<string, () => grpc.ClientDuplexStream<Pb, Pb>>;

  const put = (key: string, value: string): Promise<Pb> =>
    new Promise((resolve, reject) => kv.Put!({ key: Buffer.from(key), value: Buffer.from(value) }, (e, v) => (e ? reject(e) : resolve(v))));

  /** A stream with watchers on `keys` (progress_notify as given), and everything it receives. */
  async function openWatchers(watchers: readonly { key: string; progressNotify: boolean }[]): Promise<{ stream: grpc.ClientDuplexStream<Pb, Pb>; received: Received[]; ids: string[] }> {
    const stream = watch.Watch!();
    const received: Received[] = [];
    stream.on('data', (response: Pb) => received.push({ at: Date.now(), response }));
    stream.on('error', () => undefined); // cancel() at the end fails the stream with CANCELLED
    for (const w of watchers) stream.write({ create_request: { key: Buffer.from(w.key), progress_notify: w.progressNotify } });
    await until('the watchers to be created', () => received.filter((r) => r.response.created).length === watchers.length, { timeoutMs: 20_000 });
    return { stream, received, ids: received.filter((r) => r.response.created).map((r) => String(r.response.watch_id)) };
  }

  const progressOf = (received: readonly Received[], id: string): Received[] =>
    received.filter((r) => !r.response.created && !r.response.canceled && String(r.response.watch_id) === id && (r.response.events ?? []).length === 0);

  beforeAll(async () => {
    cluster = await ProcessCluster.start(1, implementation, [`--experimental-watch-progress-notify-interval=${INTERVAL_MS / 1000}s`]);
    kv = new KvClient(cluster.endpoints[0]!, grpc.credentials.createInsecure()) as typeof kv;
    watch = new WatchClient(cluster.endpoints[0]!, grpc.credentials.createInsecure()) as typeof watch;
  }, 60_000);
  afterAll(async () => {
    kv?.close();
    watch?.close();
    await cluster?.stop();
  });

  it('an idle synced watcher that asked hears the current revision about every interval; one that did not ask hears nothing', async () => {
    const last = await put('pn/other', 'x');
    const { stream, received, ids } = await openWatchers([
      { key: 'pn/quiet', progressNotify: true },
      { key: 'pn/quiet', progressNotify: false },
    ]);
    await until('three progress notifications', () => progressOf(received, ids[0]!).length >= 3, { timeoutMs: 30_000 });
    const notes = progressOf(received, ids[0]!);
    for (const note of notes) {
      expect(shape(note.response)).toEqual({
        header: { revision: String(last.header.revision) },
        watch_id: ids[0],
        created: false,
        canceled: false,
        compact_revision: '0',
        cancel_reason: '',
        fragment: false,
        events: [],
      });
    }
    // Ticks are the interval plus up to a tenth of it; a loaded machine may deliver late, never early.
    const gaps = notes.slice(1).map((n, i) => n.at - notes[i]!.at);
    for (const gap of gaps) expect(gap).toBeGreaterThan(INTERVAL_MS * 0.7);
    expect(notes[0]!.at - received[0]!.at).toBeLessThan(INTERVAL_MS * 5);
    expect(progressOf(received, ids[1]!)).toEqual([]);

    // A write elsewhere moves the revision the next notification carries.
    const moved = await put('pn/other', 'y');
    const count = notes.length;
    await until('two more progress notifications', () => progressOf(received, ids[0]!).length > count + 1, { timeoutMs: 30_000 });
    expect(String(progressOf(received, ids[0]!).at(-1)!.response.header.revision)).toBe(String(moved.header.revision));
    stream.cancel();
  }, 90_000);

  it('a watcher that had events in an interval gets no notification for it', async () => {
    const { stream, received, ids } = await openWatchers([{ key: 'pn/busy', progressNotify: true }]);
    const started = Date.now();
    let writes = 0;
    // Events every 150 ms for four intervals: each tick finds something sent since the one before.
    while (Date.now() - started < 4 * INTERVAL_MS) {
      await put('pn/busy', String(writes++));
      await new Promise((r) => setTimeout(r, 150));
    }
    await until('every event', () => received.filter((r) => (r.response.events ?? []).length > 0).reduce((n, r) => n + r.response.events.length, 0) === writes, { timeoutMs: 20_000 });
    // A stall of a whole interval on a loaded machine may let one through.
    expect(progressOf(received, ids[0]!).length).toBeLessThanOrEqual(1);
    // Once quiet, the notifications come back.
    const quietFrom = received.length;
    await until('a notification once quiet', () => progressOf(received.slice(quietFrom), ids[0]!).length >= 1, { timeoutMs: 30_000 });
    stream.cancel();
  }, 90_000);
});
