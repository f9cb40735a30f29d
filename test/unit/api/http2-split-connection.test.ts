// The client port's HTTP/2 front end over a real loopback connection: a client's hand-built frames go
// in; what reaches the server behind it (played here by the test, which reads and writes Node's side of
// the connection) and what comes back to the client are read frame by frame. The same front end before
// Node's real server and grpc-js is tested in test/integration/server/lean-unary.test.ts.

import type { HpackHeader } from 'hpack.js';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ACK, END_HEADERS, END_STREAM, frameHeader, FrameType, windowUpdate } from '../../../src/api/http2-frames.js';
import type { OwnStream, StreamRouter } from '../../../src/api/http2-own-stream.js';
import { SplitConnection } from '../../../src/api/http2-split-connection.js';
import { clientEncoder, frame, headerDecoder, parseFrames, plain, PREFACE, request, type ParsedFrame } from '../../support/http2-frames.js';
import { until } from '../../support/wait.js';


/** What the test's router saw of a stream it took. */
interface Taken {
  stream: OwnStream;
  data: Buffer[];
  ended: boolean;
  cancelled: boolean;
}

interface HarnessOptions {
  maxConcurrentStreams?: number;
  tag?: { name: string; value: string };
  /** The test's Node side sends its SETTINGS (a server's preface) itself, later; by default at once, as Node's server does. */
  holdNodePreface?: boolean;
}

class Harness {
  readonly client: Socket;
  readonly taken = new Map<string, Taken>();
  private fromServer: Buffer[] = [];
  private atNode: Buffer[] = [];
  node: Duplex | undefined;
  private readonly encode = clientEncoder();

  private constructor(
    readonly server: Server,
    port: number,
  ) {
    this.client = connect(port, '127.0.0.1');
    this.client.on('data', (chunk: Buffer) => this.fromServer.push(chunk));
    this.client.on('error', () => {});
  }

  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const { holdNodePreface, ...splitOptions } = options;
    let harness: Harness | undefined;
    // Streams whose :path starts with /own are the front end's.
    const route: StreamRouter = (headers, stream) => {
      const path = headers.find((h) => h.name === ':path')!.value;
      if (!path.startsWith('/own')) return undefined;
      const taken: Taken = { stream, data: [], ended: false, cancelled: false };
      harness!.taken.set(path, taken);
      // A handler that answers while it is routed (a watch refused on a member without a leader).
      if (path.startsWith('/own/at-once')) stream.respond(Buffer.from('refused', 'latin1'));
      return { data: (payload) => void taken.data.push(Buffer.from(payload)), end: () => void (taken.ended = true), cancel: () => void (taken.cancelled = true) };
    };
    const server = createServer((socket) => {
      socket.on('error', () => {});
      new SplitConnection(socket, {
        route,
        inject: (node) => {
          harness!.node = node;
          node.on('data', (chunk: Buffer) => harness!.atNode.push(chunk));
          if (holdNodePreface !== true) node.write(frame(FrameType.Settings, 0, 0));
        },
        ...splitOptions,
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    harness = new Harness(server, (server.address() as AddressInfo).port);
    harness.send(PREFACE, frame(FrameType.Settings, 0, 0));
    await until('the front end hands the connection on', () => harness.node !== undefined);
    return harness;
  }

  send(...frames: Buffer[]): void {
    this.client.write(Buffer.concat(frames));
  }

  /** A request's FrameType.Headers on `streamId` for `path`. */
  headers(streamId: number, path: string, flags = END_HEADERS, authority = '127.0.0.1:2379', extra: HpackHeader[] = []): Buffer {
    return frame(FrameType.Headers, flags, streamId, this.encode(request(authority, path, extra)));
  }

  /** The frames Node's side has read (after the preface). */
  nodeFrames(): ParsedFrame[] {
    const bytes = Buffer.concat(this.atNode);
    expect(bytes.subarray(0, PREFACE.length)).toEqual(PREFACE);
    return parseFrames(bytes.subarray(PREFACE.length));
  }

  clientFrames(): ParsedFrame[] {
    return parseFrames(Buffer.concat(this.fromServer));
  }

  async clientGets(what: string, test: (frames: ParsedFrame[]) => boolean): Promise<ParsedFrame[]> {
    await until(what, () => test(this.clientFrames()));
    return this.clientFrames();
  }

  async nodeGets(what: string, test: (frames: ParsedFrame[]) => boolean): Promise<ParsedFrame[]> {
    await until(what, () => this.atNode.length > 0 && test(this.nodeFrames()));
    return this.nodeFrames();
  }

  async take(path: string): Promise<Taken> {
    await until(`the front end takes ${path}`, () => this.taken.has(path));
    return this.taken.get(path)!;
  }

  close(): void {
    this.client.destroy();
    this.server.close();
  }
}

const harnesses: Harness[] = [];
async function start(options: HarnessOptions = {}): Promise<Harness> {
  const harness = await Harness.start(options);
  harnesses.push(harness);
  return harness;
}
afterEach(() => {
  for (const h of harnesses.splice(0)) h.close();
});

const u32 = (value: number): Buffer => windowUpdate(0, value).subarray(9);
const kinds = (frames: ParsedFrame[]): [number, number, number][] => frames.map((f) => [f.type, f.flags, f.streamId]);
const literal = (text: string): Buffer => Buffer.from(text, 'latin1');

describe('SplitConnection', () => {
  it("passes other streams to Node: header blocks as literals with etcd's :authority fix, FrameType.Data, FrameType.Settings and FrameType.Ping ACKs as sent; PINGs answered itself", async () => {
    const h = await start();
    const ping = Buffer.from('12345678');
    h.send(h.headers(1, '/etcdserverpb.Watch/Watch', END_HEADERS, 'http://127.0.0.1:2379'), frame(FrameType.Data, 0, 1, Buffer.from([0, 0, 0, 0, 1, 7])), frame(FrameType.Ping, 0, 0, ping), frame(FrameType.Ping, ACK, 0, Buffer.from('node-own')));
    const frames = await h.nodeGets('the FrameType.Ping ACK', (f) => f.some((x) => x.type === FrameType.Ping));
    expect(kinds(frames)).toEqual([[FrameType.Settings, 0, 0], [FrameType.Headers, END_HEADERS, 1], [FrameType.Data, 0, 1], [FrameType.Ping, ACK, 0]]);
    const headers = headerDecoder()(frames[1]!.payload);
    expect(plain(headers)).toEqual(plain(request('127.0.0.1:2379', '/etcdserverpb.Watch/Watch')));
    // Literals: the value is there in the clear, not Huffman-coded or indexed.
    expect(frames[1]!.payload.includes(literal('/etcdserverpb.Watch/Watch'))).toBe(true);
    expect(frames[2]!.payload).toEqual(Buffer.from([0, 0, 0, 0, 1, 7]));
    expect(frames[3]!.payload).toEqual(Buffer.from('node-own'));
    const answered = await h.clientGets('the FrameType.Ping ACK', (f) => f.some((x) => x.type === FrameType.Ping));
    expect(answered.find((x) => x.type === FrameType.Ping)).toMatchObject({ flags: ACK, payload: ping });
  });

  it("tags the requests it passes to Node with the connection's tag, dropping one the client sent", async () => {
    const h = await start({ tag: { name: 'barge-tls-connection', value: '7' } });
    h.send(h.headers(1, '/node', END_HEADERS, '127.0.0.1:2379', [{ name: 'barge-tls-connection', value: '1' }]));
    const frames = await h.nodeGets('the HEADERS', (f) => f.some((x) => x.type === FrameType.Headers));
    const headers = headerDecoder()(frames.find((x) => x.type === FrameType.Headers)!.payload);
    expect(plain(headers)).toEqual([...plain(request('127.0.0.1:2379', '/node')), { name: 'barge-tls-connection', value: '7' }]);
  });

  it('serves a routed stream itself: nothing of it reaches Node, the response goes back as FrameType.Headers, FrameType.Data, trailers, and the FrameType.Data it took is given back', async () => {
    const h = await start();
    h.send(h.headers(1, '/own/a'), frame(FrameType.Data, 0, 1, Buffer.from('request')), frame(FrameType.Data, END_STREAM, 1, Buffer.from('!')), h.headers(3, '/node'));
    const taken = await h.take('/own/a');
    await until('the request ends', () => taken.ended);
    expect(Buffer.concat(taken.data).toString()).toBe('request!');
    // A stream still open gets its window back at once, and the connection what was taken so far; the
    // last DATA's octet goes back with the response.
    const increments = (f: ParsedFrame[]): number[][] => f.filter((x) => x.type === FrameType.WindowUpdate).map((x) => [x.streamId, x.payload.readUInt32BE(0)]);
    await h.clientGets('the WINDOW_UPDATEs', (f) => increments(f).length === 2);
    expect(increments(h.clientFrames())).toEqual([[0, 7], [1, 7]]);
    taken.stream.respond(literal('head'), Buffer.from('body'), literal('tail'));
    const frames = await h.clientGets('the response', (f) => f.some((x) => x.type === FrameType.Headers && (x.flags & END_STREAM) !== 0));
    expect(increments(frames)).toEqual([[0, 7], [1, 7], [0, 1]]);
    expect(kinds(frames.filter((x) => x.streamId === 1))).toEqual([
      [FrameType.WindowUpdate, 0, 1],
      [FrameType.Headers, END_HEADERS, 1],
      [FrameType.Data, 0, 1],
      [FrameType.Headers, END_HEADERS | END_STREAM, 1],
    ]);
    expect(frames.filter((x) => x.streamId === 1 && x.type !== FrameType.WindowUpdate).map((x) => x.payload.toString())).toEqual(['head', 'body', 'tail']);
    const atNode = await h.nodeGets('stream 3', (f) => f.some((x) => x.streamId === 3));
    expect(atNode.some((x) => x.streamId === 1)).toBe(false);
    // A response without a body ends the stream with its only header block.
    h.send(h.headers(5, '/own/b', END_HEADERS | END_STREAM));
    (await h.take('/own/b')).stream.respond(literal('status'));
    const only = await h.clientGets('the trailers-only response', (f) => f.some((x) => x.streamId === 5));
    expect(kinds(only.filter((x) => x.streamId === 5))).toEqual([[FrameType.Headers, END_HEADERS | END_STREAM, 5]]);
  });

  it("sends a large response within the client's windows and frame size: what is left waits for FrameType.WindowUpdate; Node gets the connection's less what the front end spent", async () => {
    const h = await start();
    // The client's stream window: 20,000 octets.
    h.send(frame(FrameType.Settings, 0, 0, Buffer.concat([Buffer.from([0, 4]), u32(20_000)])), h.headers(1, '/own/big', END_HEADERS | END_STREAM));
    const taken = await h.take('/own/big');
    const body = Buffer.alloc(100_000, 'x');
    taken.stream.respond(literal('head'), body, literal('tail'));
    const dataLengths = (f: ParsedFrame[]): number[] => f.filter((x) => x.type === FrameType.Data && x.streamId === 1).map((x) => x.payload.length);
    await h.clientGets('the first 20,000 octets', (f) => dataLengths(f).reduce((a, b) => a + b, 0) === 20_000);
    expect(dataLengths(h.clientFrames())).toEqual([16_384, 3616]);
    // More on the stream: now the connection's window (65,535 - 20,000 = 45,535) is what holds it back.
    h.send(windowUpdate(1, 100_000));
    await h.clientGets('the connection window spent', (f) => dataLengths(f).reduce((a, b) => a + b, 0) === 65_535);
    expect(h.clientFrames().some((x) => x.type === FrameType.Headers && (x.flags & END_STREAM) !== 0)).toBe(false);
    h.send(windowUpdate(0, 70_000));
    const frames = await h.clientGets('the trailers', (f) => f.some((x) => x.type === FrameType.Headers && (x.flags & END_STREAM) !== 0));
    expect(dataLengths(frames).reduce((a, b) => a + b, 0)).toBe(100_000);
    expect(dataLengths(frames).every((n) => n <= 16_384)).toBe(true);
    expect(Buffer.concat(frames.filter((x) => x.type === FrameType.Data).map((x) => x.payload))).toEqual(body);
    // Of the client's 70,000, the 65,535 the front end had spent stay here: Node gets 4,465.
    const atNode = await h.nodeGets('a WINDOW_UPDATE', (f) => f.some((x) => x.type === FrameType.WindowUpdate));
    expect(atNode.filter((x) => x.type === FrameType.WindowUpdate).map((x) => [x.streamId, x.payload.readUInt32BE(0)])).toEqual([[0, 4465]]);
  });

  it('streams a response: headers, DATA as the windows allow, a drain once nothing waits, trailers after the last DATA; a stream out of window holds no other back', async () => {
    const h = await start();
    // The client's stream window: 10,000 octets.
    h.send(frame(FrameType.Settings, 0, 0, Buffer.concat([Buffer.from([0, 4]), u32(10_000)])), h.headers(1, '/own/stream'), h.headers(3, '/own/other'));
    const stream = (await h.take('/own/stream')).stream;
    const other = (await h.take('/own/other')).stream;
    stream.sendHeaders(literal('head'));
    stream.sendData(Buffer.alloc(6000, 'a'));
    stream.sendData(Buffer.alloc(6000, 'b'));
    expect(stream.pendingBytes).toBe(2000);
    let drained = 0;
    stream.onceDrained(() => drained++);
    stream.end(literal('tail'));
    const onStream = (f: ParsedFrame[], id: number): ParsedFrame[] => f.filter((x) => x.streamId === id && x.type !== FrameType.WindowUpdate);
    await h.clientGets('10,000 octets', (f) => onStream(f, 1).filter((x) => x.type === FrameType.Data).reduce((n, x) => n + x.payload.length, 0) === 10_000);
    // Stream 1 is out of window; stream 3 still sends.
    other.sendHeaders(literal('head3'));
    other.sendData(Buffer.from('three'));
    await h.clientGets("stream 3's DATA", (f) => onStream(f, 3).some((x) => x.type === FrameType.Data));
    expect(drained).toBe(0);
    h.send(windowUpdate(1, 5000));
    const frames = await h.clientGets('the trailers', (f) => onStream(f, 1).some((x) => (x.flags & END_STREAM) !== 0));
    expect(kinds(onStream(frames, 1))).toEqual([
      [FrameType.Headers, END_HEADERS, 1],
      [FrameType.Data, 0, 1],
      [FrameType.Data, 0, 1],
      [FrameType.Data, 0, 1],
      [FrameType.Headers, END_HEADERS | END_STREAM, 1],
      // The client's side is still open.
      [FrameType.RstStream, 0, 1],
    ]);
    expect(Buffer.concat(onStream(frames, 1).filter((x) => x.type === FrameType.Data).map((x) => x.payload)).toString()).toBe('a'.repeat(6000) + 'b'.repeat(6000));
    expect(onStream(frames, 1).at(-2)!.payload.toString()).toBe('tail');
    expect(stream.pendingBytes).toBe(0);
    // The queue emptied with the trailers: the stream ended, its drain listener was not called.
    await until('a turn', () => true);
    expect(drained).toBe(0);
    // A listener on an open stream with nothing waiting runs at once (in a microtask).
    other.onceDrained(() => drained++);
    await until('the drain', () => drained === 1);
    // After the end, nothing more goes out on the stream.
    stream.sendData(Buffer.from('late'));
    other.end(literal('tail3'));
    const last = await h.clientGets("stream 3's trailers", (f) => onStream(f, 3).some((x) => (x.flags & END_STREAM) !== 0));
    expect(onStream(last, 1)).toHaveLength(6);
  });

  it("resets a stream it ended while the client's side is open (RST_STREAM NO_ERROR after the trailers, as grpc-go does), not one the client ended; an answer given while the stream is routed goes out", async () => {
    const h = await start();
    h.send(h.headers(1, '/own/open'), h.headers(3, '/own/ended', END_HEADERS | END_STREAM), h.headers(5, '/own/at-once'));
    (await h.take('/own/open')).stream.respond(literal('status'));
    (await h.take('/own/ended')).stream.respond(literal('status'));
    const reset = (f: ParsedFrame[], id: number): boolean => f.some((x) => x.streamId === id && x.type === FrameType.RstStream);
    const frames = await h.clientGets('the ends and resets', (f) => reset(f, 1) && reset(f, 5) && f.some((x) => x.streamId === 3 && (x.flags & END_STREAM) !== 0));
    const on = (id: number): ParsedFrame[] => frames.filter((x) => x.streamId === id);
    expect(kinds(on(1))).toEqual([[FrameType.Headers, END_HEADERS | END_STREAM, 1], [FrameType.RstStream, 0, 1]]);
    expect(on(1)[1]!.payload.readUInt32BE(0)).toBe(0);
    expect(kinds(on(3))).toEqual([[FrameType.Headers, END_HEADERS | END_STREAM, 3]]);
    expect(kinds(on(5))).toEqual([[FrameType.Headers, END_HEADERS | END_STREAM, 5], [FrameType.RstStream, 0, 5]]);
    expect(on(5)[0]!.payload.toString()).toBe('refused');
  });

  it("writes its frames between Node's, never inside one, and counts Node's FrameType.Data against the connection window", async () => {
    const h = await start();
    h.send(h.headers(1, '/node'), h.headers(3, '/own/x', END_HEADERS | END_STREAM));
    const taken = await h.take('/own/x');
    // Node's side: 60,000 octets of FrameType.Data on stream 1, its last frame cut in two writes.
    const nodeData = [16_384, 16_384, 16_384, 10_848].map((n) => Buffer.concat([frameHeader(n, FrameType.Data, 0, 1), Buffer.alloc(n, 'n')]));
    const all = Buffer.concat(nodeData);
    h.node!.write(all.subarray(0, all.length - 5000));
    await new Promise((resolve) => setImmediate(resolve));
    taken.stream.respond(literal('head'), Buffer.alloc(10_000, 'o'), literal('tail'));
    await new Promise((resolve) => setImmediate(resolve));
    h.node!.write(all.subarray(all.length - 5000));
    // 65,535 - 60,000: 5,535 octets of the front end's FrameType.Data go, the rest waits for the client.
    const frames = await h.clientGets('the front end\'s first DATA', (f) => f.some((x) => x.type === FrameType.Data && x.streamId === 3));
    expect(frames.filter((x) => x.type === FrameType.Data).map((x) => [x.streamId, x.payload.length])).toEqual([
      [1, 16_384],
      [1, 16_384],
      [1, 16_384],
      [1, 10_848],
      [3, 5535],
    ]);
    h.send(windowUpdate(0, 60_000), windowUpdate(3, 60_000));
    await h.clientGets('the rest', (f) => f.some((x) => x.streamId === 3 && (x.flags & END_STREAM) !== 0));
  });

  it('names in FrameType.GoAway the last stream the front end took when it is above the last stream Node took', async () => {
    const h = await start();
    h.send(h.headers(1, '/node'), h.headers(3, '/own/y', END_HEADERS | END_STREAM));
    await h.take('/own/y');
    h.node!.write(frame(FrameType.GoAway, 0, 0, Buffer.concat([u32(1), u32(0), literal('bye')])));
    const frames = await h.clientGets('the GOAWAY', (f) => f.some((x) => x.type === FrameType.GoAway));
    const goaway = frames.find((x) => x.type === FrameType.GoAway)!;
    expect([goaway.payload.readUInt32BE(0), goaway.payload.readUInt32BE(4), goaway.payload.subarray(8).toString()]).toEqual([3, 0, 'bye']);
  });

  it("FrameType.RstStream cancels the front end's stream and goes on to Node for Node's", async () => {
    const h = await start();
    h.send(h.headers(1, '/own/z', END_HEADERS | END_STREAM), h.headers(3, '/node'));
    const taken = await h.take('/own/z');
    h.send(frame(FrameType.RstStream, 0, 1, u32(8)), frame(FrameType.RstStream, 0, 3, u32(8)));
    await until('the cancel', () => taken.cancelled);
    const atNode = await h.nodeGets('the RST_STREAM', (f) => f.some((x) => x.type === FrameType.RstStream));
    expect(atNode.filter((x) => x.type === FrameType.RstStream).map((x) => x.streamId)).toEqual([3]);
    // A response after the cancel goes nowhere.
    taken.stream.respond(literal('late'));
    h.send(h.headers(5, '/own/after', END_HEADERS | END_STREAM));
    (await h.take('/own/after')).stream.respond(literal('ok'));
    const frames = await h.clientGets('stream 5', (f) => f.some((x) => x.streamId === 5));
    expect(frames.some((x) => x.streamId === 1)).toBe(false);
  });

  it("sends nothing of its own before Node's SETTINGS, a server's first frame: a client's DATA and PING sent at once are answered after it", async () => {
    const h = await start({ holdNodePreface: true });
    const ping = Buffer.from('at-once!');
    h.send(h.headers(1, '/own/early'), frame(FrameType.Data, 0, 1, Buffer.alloc(10_000, 'd')), frame(FrameType.Data, 0, 1, Buffer.alloc(10_000, 'd')), frame(FrameType.Ping, 0, 0, ping));
    const taken = await h.take('/own/early');
    await until('the DATA to reach the stream', () => Buffer.concat(taken.data).length === 20_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.clientFrames()).toEqual([]);
    h.node!.write(frame(FrameType.Settings, 0, 0));
    const frames = await h.clientGets('the PING ACK', (f) => f.some((x) => x.type === FrameType.Ping));
    expect(kinds(frames)[0]).toEqual([FrameType.Settings, 0, 0]);
    expect(frames.at(-1)).toMatchObject({ type: FrameType.Ping, flags: ACK, payload: ping });
    // Between them, the DATA given back, to the connection and to the stream.
    const given = (streamId: number): number => frames.filter((f) => f.type === FrameType.WindowUpdate && f.streamId === streamId).reduce((sum, f) => sum + f.payload.readUInt32BE(0), 0);
    expect([given(0), given(1)]).toEqual([20_000, 20_000]);
    expect(frames.length).toBe(2 + frames.filter((f) => f.type === FrameType.WindowUpdate).length);
  });

  it('refuses a stream past --max-concurrent-streams, counting its own and Node\'s', async () => {
    const h = await start({ maxConcurrentStreams: 2 });
    h.send(h.headers(1, '/node'), h.headers(3, '/own/1', END_HEADERS | END_STREAM), h.headers(5, '/own/2', END_HEADERS | END_STREAM));
    const frames = await h.clientGets('a RST_STREAM', (f) => f.some((x) => x.type === FrameType.RstStream));
    expect(frames.filter((x) => x.type === FrameType.RstStream).map((x) => [x.streamId, x.payload.readUInt32BE(0)])).toEqual([[5, 7]]);
    // The refused stream's handler was made, and is told it is gone (a deadline timer of its own stops).
    expect((await h.take('/own/2')).cancelled).toBe(true);
  });
});
