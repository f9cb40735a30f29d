// Unary calls served ahead of grpc-js (src/api/lean-unary.ts) answer as grpc-js does:
// one member in this process with two client APIs on it, one with the lean path and one without, and
// every call made on both, frame by frame (raw HTTP/2), compared: headers (decoded, in order; the Date
// header's value aside), DATA bytes, trailers, RST_STREAM. Successes, etcd's errors, auth errors,
// grpc-js's own errors (deadline, no message, two, a bad one, a handler that throws), cancellation, and
// the streams the lean path leaves to grpc-js. One difference on purpose: etcd's limit on a request
// message's size, which grpc-js is not given.

import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientApi, Unary } from '../../../src/api/grpc-server.js';
import { serviceDefinition } from '../../../src/wire/proto.js';
import { END_STREAM, FrameType, grpcMessage, type Frame, type RawGrpcConnection } from '../../support/raw-grpc.js';
import { endsWithClosingReset, statusOf as status, transcript, TwoClientApis, type Side } from '../../support/two-client-apis.js';
import { sleep, until } from '../../support/wait.js';

const KV = serviceDefinition('etcdserverpb.KV');
const AUTH = serviceDefinition('etcdserverpb.Auth');
const KvClient = grpc.makeGenericClientConstructor(KV, 'KV');
const RANGE = '/etcdserverpb.KV/Range';
const PUT = '/etcdserverpb.KV/Put';
const TXN = '/etcdserverpb.KV/Txn';

let member: TwoClientApis;
let apis: Record<Side, ClientApi>;
let ports: Record<Side, number>;

beforeAll(async () => {
  member = await TwoClientApis.start('lean-unary');
  ({ apis, ports } = member);
}, 60_000);

afterAll(async () => {
  await member?.stop();
});

const open = (side: Side): Promise<RawGrpcConnection> => member.open(side);

type Send = (c: RawGrpcConnection, streamId: number) => void;

/** Makes the call `send` writes on a new connection to each API, and returns each one's frames for it. */
async function both(send: Send, streamId = 1): Promise<Record<Side, Frame[]>> {
  return { reference: await one('reference', send, streamId), lean: await one('lean', send, streamId) };
}

/** The same, on one API. */
async function one(side: Side, send: Send, streamId = 1): Promise<Frame[]> {
  const c = await open(side);
  send(c, streamId);
  return c.answer(streamId);
}

/** A unary call: its HEADERS (with `extra`), then its message in one DATA frame that ends the stream. */
const unaryCall =
  (path: string, message: Buffer, extra: Record<string, string> = {}): Send =>
  (c, id) => {
    c.headers(id, path, extra);
    c.data(id, grpcMessage(message), true);
  };

const rangeOf = (key: string, more: object = {}): Buffer => KV['Range']!.requestSerialize({ key: Buffer.from(key), ...more });

/** Replaces a handler on both APIs for the length of `body`. */
async function withHandler(path: string, replace: (original: Unary, side: Side) => Unary, body: () => Promise<void>): Promise<void> {
  const name = path.slice(1);
  const originals = { lean: apis.lean.unaryHandlers.get(name)!, reference: apis.reference.unaryHandlers.get(name)! };
  for (const side of ['lean', 'reference'] as const) apis[side].unaryHandlers.set(name, replace(originals[side], side));
  try {
    await body();
  } finally {
    for (const side of ['lean', 'reference'] as const) apis[side].unaryHandlers.set(name, originals[side]);
  }
}

describe('the lean unary path answers as grpc-js does', () => {
  it('a serializable and a linearizable Range, and a read-only Txn: the same frames, byte for byte', async () => {
    await both(unaryCall(PUT, KV['Put']!.requestSerialize({ key: Buffer.from('k'), value: Buffer.from('v') })));
    const reads: [string, Buffer][] = [
      [RANGE, rangeOf('k', { serializable: true })],
      [RANGE, rangeOf('k')],
      [TXN, KV['Txn']!.requestSerialize({ success: [{ request_range: { key: Buffer.from('k') } }] })],
    ];
    for (const [path, message] of reads) {
      const { lean, reference } = await both(unaryCall(path, message));
      expect(transcript(lean)).toEqual(transcript(reference));
      expect(lean.map((f) => f.type)).toEqual([FrameType.Headers, FrameType.Data, FrameType.Headers]);
      expect(status(lean)).toEqual({ 'grpc-status': '0', 'grpc-message': 'OK' });
    }
  });

  it("serves them itself: the lean API's handlers get calls that are not grpc-js's", async () => {
    const seen: Record<Side, boolean[]> = { lean: [], reference: [] };
    // grpc-js's calls are event emitters with a getPeer().
    await withHandler(RANGE, (original, side) => (call) => (seen[side].push('getPeer' in call), original(call)), async () => {
      await both(unaryCall(RANGE, rangeOf('k')));
    });
    expect(seen).toEqual({ lean: [false], reference: [true] });
  });

  it("the other services' unary calls: MemberList and Health's Check the same frames, LeaseGrant the same but for its lease and revision, served by the front end", async () => {
    const CLUSTER = serviceDefinition('etcdserverpb.Cluster');
    const HEALTH = serviceDefinition('grpc.health.v1.Health');
    const LEASE = serviceDefinition('etcdserverpb.Lease');
    for (const [path, message] of [
      ['/etcdserverpb.Cluster/MemberList', CLUSTER['MemberList']!.requestSerialize({})],
      ['/grpc.health.v1.Health/Check', HEALTH['Check']!.requestSerialize({})],
    ] as [string, Buffer][]) {
      const { lean, reference } = await both(unaryCall(path, message));
      expect(transcript(lean)).toEqual(transcript(reference));
      expect(status(lean)).toEqual({ 'grpc-status': '0', 'grpc-message': 'OK' });
    }
    const grants = { reference: await one('reference', unaryCall('/etcdserverpb.Lease/LeaseGrant', LEASE['LeaseGrant']!.requestSerialize({ TTL: 60 }))), lean: await one('lean', unaryCall('/etcdserverpb.Lease/LeaseGrant', LEASE['LeaseGrant']!.requestSerialize({ TTL: 60 }))) };
    const granted = (frames: Frame[]): unknown => {
      const response = LEASE['LeaseGrant']!.responseDeserialize(frames[1]!.payload.subarray(5)) as Record<string, unknown>;
      return JSON.parse(JSON.stringify({ ...response, ID: typeof response['ID'] }, (key, value: unknown) => (key === 'revision' ? 0 : value))) as unknown;
    };
    expect(granted(grants.lean)).toEqual(granted(grants.reference));
    expect(transcript(grants.lean).map((f, i) => (i === 1 ? null : f))).toEqual(transcript(grants.reference).map((f, i) => (i === 1 ? null : f)));
    const seen: Record<Side, boolean[]> = { lean: [], reference: [] };
    await withHandler('/etcdserverpb.Cluster/MemberList', (original, side) => (call) => (seen[side].push('getPeer' in call), original(call)), async () => {
      await both(unaryCall('/etcdserverpb.Cluster/MemberList', CLUSTER['MemberList']!.requestSerialize({})));
    });
    expect(seen).toEqual({ lean: [false], reference: [true] });
  });

  it('writes (Put, DeleteRange, Txn, Compact): the same frames but for the revisions in the response', async () => {
    const writes: [string, Buffer][] = [
      [PUT, KV['Put']!.requestSerialize({ key: Buffer.from('w'), value: Buffer.from('1') })],
      ['/etcdserverpb.KV/DeleteRange', KV['DeleteRange']!.requestSerialize({ key: Buffer.from('w') })],
      [TXN, KV['Txn']!.requestSerialize({ success: [{ request_put: { key: Buffer.from('t'), value: Buffer.from('x') } }] })],
    ];
    // Each API makes the whole sequence in turn, so that each write finds the same keys; each write is a
    // revision of its own, so responses are compared decoded, their header's revisions aside.
    const answers: Record<Side, Frame[][]> = { reference: [], lean: [] };
    for (const side of ['reference', 'lean'] as const) {
      for (const [path, message] of writes) answers[side].push(await one(side, unaryCall(path, message)));
    }
    for (const [i, [path]] of writes.entries()) {
      const method = KV[path.split('/')[2]!]!;
      const normalized = (frames: Frame[]): unknown[] =>
        transcript(frames).map((f, j) => {
          if (frames[j]!.type !== FrameType.Data) return f;
          const response = method.responseDeserialize(frames[j]!.payload.subarray(5));
          const json = JSON.stringify(response, (key, value: unknown) => (key === 'revision' ? 0 : value));
          return { response: JSON.parse(json) as unknown, length: frames[j]!.payload.length };
        });
      expect(normalized(answers.lean[i]!)).toEqual(normalized(answers.reference[i]!));
      expect(status(answers.lean[i]!)).toEqual({ 'grpc-status': '0', 'grpc-message': 'OK' });
    }
    const compact = (revision: number): Send => unaryCall('/etcdserverpb.KV/Compact', KV['Compact']!.requestSerialize({ revision, physical: true }));
    // A compaction leaves the revision as it is: each API compacts once, to a revision of its own.
    const reference = await one('reference', compact(2));
    const lean = await one('lean', compact(3));
    expect(transcript(lean)).toEqual(transcript(reference));
    expect(status(lean)).toEqual({ 'grpc-status': '0', 'grpc-message': 'OK' });
    const again = await both(compact(3));
    expect(transcript(again.lean)).toEqual(transcript(again.reference));
    expect(status(again.lean)['grpc-status']).toBe('11');
  });

  it("etcd's errors: empty key, a compacted and a future revision", async () => {
    for (const message of [rangeOf(''), rangeOf('k', { revision: 1 }), rangeOf('k', { revision: 1_000_000 })]) {
      const { lean, reference } = await both(unaryCall(RANGE, message));
      expect(transcript(lean)).toEqual(transcript(reference));
      expect(lean).toHaveLength(1);
      expect((lean[0]!.flags & END_STREAM) !== 0).toBe(true);
    }
    const { lean } = await both(unaryCall(RANGE, rangeOf('')));
    expect(status(lean)).toMatchObject({ 'grpc-status': '3', 'grpc-message': 'etcdserver: key is not provided', ':status': '200', 'content-type': 'application/grpc+proto' });
  });

  it("grpc-js's own errors: a message that does not decode, none, two, a handler that throws", async () => {
    const cases: [Send, string][] = [
      [unaryCall(RANGE, Buffer.from([0xff, 0xff, 0xff])), '13'],
      [(c, id) => c.headers(id, RANGE, {}, true), '12'],
      [
        (c, id) => {
          c.headers(id, RANGE);
          c.data(id, Buffer.concat([grpcMessage(rangeOf('k')), grpcMessage(rangeOf('k'))]), true);
        },
        '12',
      ],
    ];
    for (const [send, code] of cases) {
      const { lean, reference } = await both(send);
      expect(transcript(lean)).toEqual(transcript(reference));
      expect(status(lean)['grpc-status']).toBe(code);
    }
    await withHandler(RANGE, () => () => {
      throw new Error('sync');
    }, async () => {
      const { lean, reference } = await both(unaryCall(RANGE, rangeOf('k')));
      expect(transcript(lean)).toEqual(transcript(reference));
      expect(status(lean)).toMatchObject({ 'grpc-status': '2', 'grpc-message': 'Unknown error' });
    });
  });

  it('a request in pieces: the message split over DATA frames, the end of stream on an empty one', async () => {
    const message = grpcMessage(rangeOf('k', { serializable: true }));
    const { lean, reference } = await both((c, id) => {
      c.headers(id, RANGE);
      for (let i = 0; i < message.length; i += 3) c.data(id, message.subarray(i, i + 3), false);
      c.data(id, Buffer.alloc(0), true);
    });
    expect(transcript(lean)).toEqual(transcript(reference));
    expect(status(lean)['grpc-status']).toBe('0');
  });

  it("a request message over --max-request-bytes + 512 KiB: etcd's RESOURCE_EXHAUSTED as soon as its length is read", async () => {
    const max = 1.5 * 1024 * 1024 + 512 * 1024;
    const declaring = (length: number, endStream: boolean): Send => (c, id) => {
      const prefix = Buffer.alloc(5);
      prefix.writeUInt32BE(length, 1);
      c.headers(id, PUT);
      c.data(id, Buffer.concat([prefix, Buffer.alloc(100)]), endStream);
    };
    const over = await one('lean', declaring(max + 1, false));
    expect(status(over)).toMatchObject({ 'grpc-status': '8', 'grpc-message': `grpc: received message larger than max (${max + 1} vs. ${max})` });
    // Trailers only, then RST_STREAM NO_ERROR: the client's side is still open (grpc-go resets it so too).
    expect(over).toHaveLength(2);
    expect(endsWithClosingReset(over)).toBe(true);
    // At the limit, the message is waited for (here in vain: the client ends the stream first), as grpc-js does.
    const { lean, reference } = await both(declaring(max, true));
    expect(transcript(lean)).toEqual(transcript(reference));
    expect(status(lean)['grpc-status']).toBe('12');
  });

  it("a large request in many DATA frames, from grpc-js's client: served up to --max-request-bytes, refused as etcd refuses past it", async () => {
    const client = new KvClient(`127.0.0.1:${ports.lean}`, grpc.credentials.createInsecure());
    const put = (bytes: number): Promise<unknown> =>
      new Promise((resolve) => client.makeUnaryRequest(PUT, KV['Put']!.requestSerialize, KV['Put']!.responseDeserialize, { key: Buffer.from('big'), value: Buffer.alloc(bytes, 'b') }, (err, value) => resolve(err ? `${err.code} ${err.details}` : value)));
    try {
      expect(await put(1_400_000)).toHaveProperty('header');
      expect(await put(1_600_000)).toBe('3 etcdserver: request is too large');
      expect(await put(2_200_000)).toMatch(/^8 grpc: received message larger than max \(22\d{5} vs\. 2097152\)$/);
      expect(await put(10)).toHaveProperty('header');
    } finally {
      client.close();
    }
  });

  it('grpc-timeout: DEADLINE_EXCEEDED while the handler is still at work', async () => {
    let release = (): void => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await withHandler(RANGE, (original) => async (call) => {
      await held;
      return original(call);
    }, async () => {
      const { lean, reference } = await both(unaryCall(RANGE, rangeOf('k'), { 'grpc-timeout': '200m' }));
      release();
      expect(transcript(lean)).toEqual(transcript(reference));
      expect(status(lean)).toMatchObject({ 'grpc-status': '4', 'grpc-message': 'Deadline exceeded' });
    });
  });

  it('a call the client cancels (RST_STREAM) gets nothing more, and its connection goes on', async () => {
    let release = (): void => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    await withHandler(RANGE, (original) => async (call) => {
      calls++;
      await held;
      return original(call);
    }, async () => {
      const sides = await Promise.all((['lean', 'reference'] as const).map((side) => open(side)));
      for (const c of sides) unaryCall(RANGE, rangeOf('k'))(c, 1);
      await until('both handlers called', () => calls === 2);
      for (const c of sides) c.rst(1, 0x8);
      await sleep(100);
      release();
      // A later call on each connection is answered; nothing came on the cancelled stream.
      for (const c of sides) unaryCall(RANGE, rangeOf('k'))(c, 3);
      const answers = await Promise.all(sides.map((c) => c.answer(3)));
      expect(transcript(answers[0]!)).toEqual(transcript(answers[1]!));
      for (const c of sides) expect(c.streamFrames(1)).toEqual([]);
    });
  });

  it('streams it leaves to grpc-js: another content-type, a compressed request, a bad grpc-timeout, an unknown method', async () => {
    const cases: Send[] = [
      unaryCall(RANGE, rangeOf('k'), { 'content-type': 'text/plain' }),
      unaryCall(RANGE, rangeOf('k'), { 'grpc-encoding': 'gzip' }),
      unaryCall(RANGE, rangeOf('k'), { 'grpc-timeout': 'soon' }),
      unaryCall('/etcdserverpb.KV/Nope', rangeOf('k')),
    ];
    const codes: (string | undefined)[] = [];
    for (const send of cases) {
      const { lean, reference } = await both(send);
      expect(transcript(lean)).toEqual(transcript(reference));
      codes.push(status(lean)['grpc-status'] ?? status(lean)[':status']);
    }
    expect(codes).toEqual(['415', '0', '13', '12']);
  });

  it('auth: no token, a bad one and a good one, as metadata "token"', async () => {
    const auth = (method: string, request: object): Send => unaryCall(`/etcdserverpb.Auth/${method}`, AUTH[method]!.requestSerialize(request));
    await both(auth('UserAdd', { name: 'root', password: 'pw' }));
    await both(auth('UserGrantRole', { user: 'root', role: 'root' }));
    await both(auth('AuthEnable', {}));
    const authenticated = await both(auth('Authenticate', { name: 'root', password: 'pw' }));
    const token = (AUTH['Authenticate']!.responseDeserialize(authenticated.lean[1]!.payload.subarray(5)) as { token: string }).token;
    expect(token).not.toBe('');
    const codes: string[] = [];
    for (const extra of [{}, { token: 'nonsense.1' }, { token }] as Record<string, string>[]) {
      const { lean, reference } = await both(unaryCall(RANGE, rangeOf('k'), extra));
      expect(transcript(lean)).toEqual(transcript(reference));
      codes.push(status(lean)['grpc-status']!);
    }
    expect(codes).toEqual(['3', '16', '0']);
  });
});
