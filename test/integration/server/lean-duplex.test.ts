// Watch and LeaseKeepAlive streams served ahead of grpc-js (src/api/lean-duplex.ts) answer as grpc-js does: one member in
// this process with two client APIs on it, one with the front end's own calls and one without, and the
// same stream made on both, frame by frame (raw HTTP/2), compared: headers (the Date header's value
// aside), responses (decoded, revisions aside: each side's writes are revisions of their own), trailers.
// Creation, events, cancel, the client's end, grpc-js's own errors, a deadline, the client's reset, and a
// client that gives no window until a megabyte of events waits; keep-alives of a lease and of none.

import * as grpc from '@grpc/grpc-js';
import { connect } from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceDefinition } from '../../../src/wire/proto.js';
import { ClientApi } from '../../../src/api/grpc-server.js';
import { windowUpdate } from '../../../src/api/http2-frames.js';
import { freePort } from '../../support/process-cluster.js';
import { END_STREAM, FrameType, grpcMessage, nodeGrpcCall, type Frame, type RawGrpcConnection } from '../../support/raw-grpc.js';
import { beforeClosingReset, endsWithClosingReset, statusOf, transcript, TwoClientApis, type Side } from '../../support/two-client-apis.js';
import { until } from '../../support/wait.js';

const WATCH = '/etcdserverpb.Watch/Watch';
const KV = serviceDefinition('etcdserverpb.KV');
const W = serviceDefinition('etcdserverpb.Watch')['Watch']!;
const LEASE = serviceDefinition('etcdserverpb.Lease');
const KvClient = grpc.makeGenericClientConstructor(KV, 'KV');

let member: TwoClientApis;
let kv: grpc.Client;

beforeAll(async () => {
  member = await TwoClientApis.start('lean-duplex');
  kv = new KvClient(`127.0.0.1:${member.ports.reference}`, grpc.credentials.createInsecure());
}, 60_000);

afterAll(async () => {
  kv?.close();
  await member?.stop();
});

const put = (key: string, value: string | Buffer): Promise<void> =>
  new Promise((resolve, reject) =>
    kv.makeUnaryRequest('/etcdserverpb.KV/Put', KV['Put']!.requestSerialize, KV['Put']!.responseDeserialize, { key: Buffer.from(key), value: Buffer.from(value) }, (err) => (err ? reject(err) : resolve())),
  );

const create = (key: string, more: object = {}): Buffer => grpcMessage(W.requestSerialize({ create_request: { key: Buffer.from(key), ...more } }));
const cancel = (watchId: number): Buffer => grpcMessage(W.requestSerialize({ cancel_request: { watch_id: watchId } }));

type Decode = (bytes: Buffer) => unknown;

/**
 * The whole responses in `bytes` (gRPC messages one after the other; a message cut short at the end is left
 * out), WatchResponses unless `decode` says otherwise.
 */
function responses(bytes: Buffer, decode: Decode = W.responseDeserialize): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let at = 0; at + 5 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at + 1);
    if (at + 5 + length > bytes.length) break;
    out.push(decode(bytes.subarray(at + 5, at + 5 + length)) as Record<string, unknown>);
    at += 5 + length;
  }
  return out;
}

/** A transcript with each DATA frame's responses decoded, every revision zeroed and every key blanked (each side watches keys of its own). */
function normalized(frames: readonly Frame[]): unknown[] {
  return transcript(frames).map((f, i) => {
    const frame = frames[i]!;
    if (frame.type !== FrameType.Data) return f;
    const json = JSON.stringify(responses(frame.payload), (key, value: unknown) => (key.endsWith('revision') || key === 'raft_term' ? 0 : key === 'key' ? '' : value));
    return { responses: JSON.parse(json) as unknown };
  });
}

/** The responses the server sent on `streamId` so far. */
const received = (c: RawGrpcConnection, streamId = 1, decode?: Decode): Record<string, unknown>[] =>
  responses(Buffer.concat(c.streamFrames(streamId).flatMap((f) => (f.type === FrameType.Data ? [f.payload] : []))), decode);

/** Runs `script` on a new connection to each side in turn (reference first); each side's frames on stream 1. */
async function both(script: (c: RawGrpcConnection, side: Side) => Promise<void>): Promise<Record<Side, Frame[]>> {
  const frames = {} as Record<Side, Frame[]>;
  for (const side of ['reference', 'lean'] as const) {
    const c = await member.open(side);
    await script(c, side);
    frames[side] = await c.answer(1);
  }
  return frames;
}

describe('Watch streams served by the front end answer as grpc-js does', () => {
  it('create, an event, cancel, then the client ends the stream: the same frames', async () => {
    const { lean, reference } = await both(async (c, side) => {
      c.headers(1, WATCH);
      c.data(1, create(`w/a/${side}`, { prev_kv: true }), false);
      await until('created', () => received(c).length === 1);
      await put(`w/a/${side}`, 'one');
      await until('the event', () => received(c).length === 2);
      c.data(1, cancel(0), false);
      await until('the cancel', () => received(c).length === 3);
      c.data(1, Buffer.alloc(0), true);
    });
    expect(normalized(lean)).toEqual(normalized(reference));
    expect(lean.map((f) => [f.type, f.flags & END_STREAM])).toEqual([[FrameType.Headers, 0], [FrameType.Data, 0], [FrameType.Data, 0], [FrameType.Data, 0], [FrameType.Headers, END_STREAM]]);
    expect(statusOf(lean)).toEqual({ 'grpc-status': '0', 'grpc-message': 'OK' });
    const [created, event, cancelled] = lean.slice(1, 4).map((f) => responses(f.payload)[0]!);
    expect(created).toMatchObject({ created: true });
    expect((event as { events: { kv: { value: Buffer } }[] }).events[0]!.kv.value.toString()).toBe('one');
    expect(cancelled).toMatchObject({ canceled: true });
  });

  it('the front end serves them itself: with the Watch and Lease services gone from grpc-js, both streams are still served', async () => {
    const port = await freePort();
    const api = new ClientApi(member.server);
    const grpcServer = (api as unknown as { grpcServer: grpc.Server }).grpcServer;
    grpcServer.removeService(serviceDefinition('etcdserverpb.Watch'));
    grpcServer.removeService(serviceDefinition('etcdserverpb.Lease'));
    await api.listen([`http://127.0.0.1:${port}`]);
    const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    try {
      const stream = client.makeBidiStreamRequest(WATCH, W.requestSerialize, W.responseDeserialize);
      const seen: Record<string, unknown>[] = [];
      stream.on('data', (response: Record<string, unknown>) => seen.push(response));
      stream.on('error', () => {});
      stream.write({ create_request: { key: Buffer.from('w/served') } });
      await until('created', () => seen.length === 1);
      await put('w/served', 'x');
      await until('the event', () => seen.length === 2);
      stream.cancel();
      const keepAlive = LEASE['LeaseKeepAlive']!;
      const renewals = client.makeBidiStreamRequest(keepAlive.path, keepAlive.requestSerialize, keepAlive.responseDeserialize);
      const ttls: number[] = [];
      renewals.on('data', (response: { TTL: unknown }) => ttls.push(Number(response.TTL)));
      renewals.on('error', () => {});
      renewals.write({ ID: 777 });
      await until('the answer', () => ttls.length === 1);
      expect(ttls).toEqual([0]);
      renewals.cancel();
    } finally {
      client.close();
      await api.close();
    }
  });

  it("grpc-js's own errors: a request that does not decode, before and after a response", async () => {
    const { lean, reference } = await both(async (c) => {
      c.headers(1, WATCH);
      c.data(1, grpcMessage(Buffer.from([0xff, 0xff, 0xff])), false);
    });
    expect(transcript(beforeClosingReset(lean))).toEqual(transcript(reference));
    expect(endsWithClosingReset(lean)).toBe(true);
    expect(lean).toHaveLength(2);
    expect(statusOf(lean)).toMatchObject({ 'grpc-status': '13', 'grpc-message': 'Error deserializing request' });
    const after = await both(async (c) => {
      c.headers(1, WATCH);
      c.data(1, create('w/b'), false);
      await until('created', () => received(c).length === 1);
      c.data(1, grpcMessage(Buffer.from([0xff, 0xff, 0xff])), false);
    });
    expect(normalized(beforeClosingReset(after.lean))).toEqual(normalized(after.reference));
    expect(endsWithClosingReset(after.lean)).toBe(true);
    expect(statusOf(after.lean)['grpc-status']).toBe('13');
  });

  it('grpc-timeout: DEADLINE_EXCEEDED once it passes, after the responses sent', async () => {
    const { lean, reference } = await both(async (c) => {
      c.headers(1, WATCH, { 'grpc-timeout': '300m' });
      c.data(1, create('w/c'), false);
    });
    expect(normalized(beforeClosingReset(lean))).toEqual(normalized(reference));
    expect(lean.map((f) => f.type)).toEqual([FrameType.Headers, FrameType.Data, FrameType.Headers, FrameType.RstStream]);
    expect(endsWithClosingReset(lean)).toBe(true);
    expect(statusOf(lean)).toMatchObject({ 'grpc-status': '4', 'grpc-message': 'Deadline exceeded' });
  });

  it("the client's RST_STREAM removes the stream's watchers; the connection goes on", async () => {
    const hub = member.server.kv.watches;
    const before = hub.watcherCount;
    const c = await member.open('lean');
    c.headers(1, WATCH);
    c.data(1, Buffer.concat([create('w/d'), create('w/e')]), false);
    await until('two created', () => received(c).length === 2);
    expect(hub.watcherCount).toBe(before + 2);
    c.rst(1, 0x8);
    await until('the watchers removed', () => hub.watcherCount === before);
    // A stream the client ends at once: its status, OK.
    c.headers(3, WATCH);
    c.data(3, create('w/d'), true);
    const frames = await c.answer(3);
    expect(statusOf(frames)).toMatchObject({ 'grpc-status': '0', 'grpc-message': 'OK' });
  });

  it('a client that gives no window: the events wait for it (more than the megabyte that holds the watchers back), and all arrive in order once it reads', async () => {
    const value = Buffer.alloc(10_000, 'v');
    const puts = 150;
    const c = await member.open('lean');
    c.headers(1, WATCH);
    c.data(1, create('w/flow'), false);
    await until('created', () => received(c).length === 1);
    for (let i = 0; i < puts; i++) await put('w/flow', value);
    // The client's windows (65,535 octets) are all the server may send.
    await until('the window spent', () => c.streamFrames(1).reduce((n, f) => n + (f.type === FrameType.Data ? f.payload.length : 0), 0) >= 60_000);
    const sent = (): number => c.streamFrames(1).reduce((n, f) => n + (f.type === FrameType.Data ? f.payload.length : 0), 0);
    expect(sent()).toBeLessThanOrEqual(65_535);
    c.send(windowUpdate(0, 10_000_000), windowUpdate(1, 10_000_000));
    await until('every event', () => received(c).reduce((n, r) => n + ((r['events'] as unknown[] | undefined)?.length ?? 0), 0) === puts);
    const revisions = received(c).flatMap((r) => ((r['events'] as { kv: { mod_revision: unknown } }[] | undefined) ?? []).map((e) => Number(e.kv.mod_revision)));
    expect(revisions.slice(1).every((r, i) => r === revisions[i]! + 1)).toBe(true);
  });

  it("Node's HTTP/2 client writing a hundred watch requests in its first bytes: every watch created, no protocol error (the server's SETTINGS come first)", async () => {
    const created = await Promise.all(
      (['reference', 'lean'] as const).map(async (side) => {
        const session = connect(`http://127.0.0.1:${member.ports[side]}`);
        let failure: Error | undefined;
        session.on('error', (error) => (failure = error));
        const stream = nodeGrpcCall(session, WATCH);
        stream.on('error', (error) => (failure ??= error));
        // Written before the connection is even up: a WINDOW_UPDATE for them can come before the server's preface.
        stream.write(Buffer.concat(Array.from({ length: 100 }, () => create(`w/early-${side}`))));
        const bytes: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => bytes.push(chunk));
        const count = (): number => responses(Buffer.concat(bytes)).filter((r) => (r as { created?: boolean }).created === true).length;
        await until(`${side}: 100 watches created`, () => failure !== undefined || count() === 100);
        session.destroy();
        return { count: count(), failure: failure?.message };
      }),
    );
    expect(created).toEqual([
      { count: 100, failure: undefined },
      { count: 100, failure: undefined },
    ]);
  });

  it('LeaseKeepAlive: a lease renewed and one unknown (TTL 0), then the client ends the stream: the same frames', async () => {
    const granted = await new Promise<Record<string, unknown>>((resolve, reject) =>
      kv.makeUnaryRequest('/etcdserverpb.Lease/LeaseGrant', LEASE['LeaseGrant']!.requestSerialize, LEASE['LeaseGrant']!.responseDeserialize, { TTL: 100 }, (err, value) => (err ? reject(err) : resolve(value as Record<string, unknown>))),
    );
    const keepAlive = LEASE['LeaseKeepAlive']!;
    const answers = (c: RawGrpcConnection): Record<string, unknown>[] => received(c, 1, keepAlive.responseDeserialize);
    const { lean, reference } = await both(async (c) => {
      c.headers(1, '/etcdserverpb.Lease/LeaseKeepAlive');
      c.data(1, grpcMessage(keepAlive.requestSerialize({ ID: granted['ID'] })), false);
      await until('the renewal', () => answers(c).length === 1);
      c.data(1, grpcMessage(keepAlive.requestSerialize({ ID: 12345 })), false);
      await until('the unknown lease', () => answers(c).length === 2);
      c.data(1, Buffer.alloc(0), true);
    });
    expect(transcript(lean)).toEqual(transcript(reference));
    expect(statusOf(lean)).toEqual({ 'grpc-status': '0', 'grpc-message': 'OK' });
    const [renewed, unknown] = lean.filter((f) => f.type === FrameType.Data).map((f) => keepAlive.responseDeserialize(f.payload.subarray(5)) as { TTL: unknown });
    expect(Number(renewed!.TTL)).toBe(100);
    expect(Number(unknown!.TTL)).toBe(0);
  });
});
