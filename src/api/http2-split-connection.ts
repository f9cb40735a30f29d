// One client HTTP/2 connection, shared between the front end and Node's HTTP/2 server (where grpc-js
// serves). Node's server costs about 28 µs of CPU per unary call before any handler runs (`npm run bench
// -- http2-floor`); reading and writing the frames here costs a few. So the front end reads every frame
// the client sends, decodes every header block, and serves the streams a router takes (unary calls, Watch
// and LeaseKeepAlive streams: lean-unary.ts, lean-duplex.ts) itself; every other stream's frames go on to
// Node's server, which sees a connection with gaps in its stream ids (HTTP/2 allows them).
//
// Sharing one connection means keeping HTTP/2's state right on both sides of it:
// - Header blocks going to Node are encoded again as literals (Node's decoder never sees the client's
//   dynamic table), with etcd's :authority fix (a Go client dialing "passthrough:///http://host:port"
//   sends `http://host:port`, which Node refuses).
// - Flow control: the client's connection window is spent by both. Its WINDOW_UPDATEs reach Node less
//   what the front end's own DATA used, so Node never believes in more window than there is; the front
//   end sends its own DATA only within what is left, and gives the client back (WINDOW_UPDATE) what
//   its streams received.
// - The front end's frames go out between Node's frames, never inside one or inside a header block
//   (http2-node-side.ts, which also keeps Node's side of the connection and its open streams).
// - PINGs are answered here, under etcd's ping policy on plain connections (see ping-strikes.ts); Node
//   sees only the ACKs of its own.
// - A GOAWAY from Node names as last stream the higher of its own and the front end's, so that a
//   client does not retry a call the front end took.

import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import { authContextOfSocket, type ClientAuthContext } from './client-identity.js';
import { ClientFrameReader, type ClientFrameSink } from './http2-client-reader.js';
import {
  ACK,
  DEFAULT_WINDOW,
  encodeLiterals,
  END_STREAM,
  frameHeader,
  FrameType,
  goAway,
  headerFrames,
  Http2ErrorCode,
  MAX_FRAME_SIZE,
  PADDED,
  pingAck,
  rstStream,
  SETTINGS_INITIAL_WINDOW_SIZE,
  SETTINGS_MAX_FRAME_SIZE,
  windowUpdate,
  type Header,
} from './http2-frames.js';
import { NodeSide } from './http2-node-side.js';
import { ServedStream, type OwnStreamConnection, type StreamRouter } from './http2-own-stream.js';
import { TOO_MANY_PINGS, type PingStrikes } from './ping-strikes.js';

export interface SplitOptions {
  readonly route?: StreamRouter;
  /** Hands Node's side of the connection to its HTTP/2 server. */
  readonly inject: (connection: Duplex) => void;
  /** etcd's ping policy, on plain connections. */
  readonly pingStrikes?: PingStrikes;
  /** The clock pings are timed by (ms). */
  readonly now?: () => number;
  /** A header added to every request passed to Node (any the client sent of that name dropped): its connection's tag. */
  readonly tag?: Header;
  /** --max-concurrent-streams: streams open at once, the front end's and Node's together. */
  readonly maxConcurrentStreams?: number;
}

/** Client DATA the front end received and has not given back yet, sent back at once past this much. */
const CREDIT_THRESHOLD = 16_384;

/**
 * An authority as Node accepts it: `host:port` for `scheme://host:port[/path...]`, else `value` itself.
 */
export function authorityOf(value: string): string {
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]+)/.exec(value);
  return match ? match[1]! : value;
}

export class SplitConnection implements ClientFrameSink, OwnStreamConnection {
  private readonly reader = new ClientFrameReader(this);
  private readonly node: NodeSide;
  private readonly own = new Map<number, ServedStream>();
  /** The highest stream id the client opened. */
  private lastStreamId = 0;
  private lastOwnStreamId = 0;
  private clientInitialWindow = DEFAULT_WINDOW;
  private clientMaxFrameSize = MAX_FRAME_SIZE;
  /** The client's connection window for what the server sends (Node's DATA and the front end's). */
  private connectionWindow = DEFAULT_WINDOW;
  /** Octets of the front end's DATA not yet taken out of the window updates passed to Node. */
  private nodeDebt = 0;
  /** Octets of client DATA the front end took and has not given back. */
  private credit = 0;
  /** Streams whose response waits for window. */
  private readonly blocked = new Set<ServedStream>();
  private auth: ClientAuthContext | undefined;

  /** Takes `socket` (with an 'error' listener), whose bytes so far are `first`, if any. */
  constructor(
    private readonly socket: Socket,
    private readonly options: SplitOptions,
    first?: Buffer,
  ) {
    socket.setNoDelay(true);
    this.node = new NodeSide(socket, {
      spent: (length) => void (this.connectionWindow -= length),
      sent: () => options.pingStrikes?.sent(),
      goAwayLastStreamId: (nodes) => Math.max(nodes, this.lastOwnStreamId),
    });
    options.inject(this.node.stream);
    socket.on('end', () => this.node.push(null));
    socket.on('close', () => this.closed());
    if (first !== undefined) this.read(first);
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.resume();
  }

  private read(chunk: Buffer): void {
    try {
      this.reader.push(chunk);
    } catch {
      this.socket.destroy();
    }
  }

  authContext(): ClientAuthContext {
    this.auth ??= this.socket instanceof TLSSocket ? authContextOfSocket(this.socket) : {};
    return this.auth;
  }

  // The client's frames.

  preface(bytes: Buffer): void {
    this.node.push(bytes);
  }

  headers(streamId: number, headers: Header[], flags: number, priority: Buffer | undefined): void {
    const own = this.own.get(streamId);
    if (own !== undefined) {
      // Trailers from the client.
      if ((flags & END_STREAM) !== 0) this.clientEnd(own);
      return;
    }
    if (!this.node.has(streamId) && streamId > this.lastStreamId && streamId % 2 === 1) {
      this.lastStreamId = streamId;
      if (this.serve(streamId, headers, flags)) return;
      this.node.opened(streamId);
    }
    if ((flags & END_STREAM) !== 0) this.node.clientEnded(streamId);
    const tag = this.options.tag;
    const forwarded = (tag === undefined ? headers : headers.filter((h) => h.name !== tag.name)).map((h) => (h.name === ':authority' ? { ...h, value: authorityOf(h.value) } : h));
    if (tag !== undefined) forwarded.push(tag);
    this.node.push(Buffer.concat(headerFrames(streamId, flags, priority, encodeLiterals(forwarded))));
  }

  /** Serves a new stream if the router takes it. */
  private serve(streamId: number, headers: Header[], flags: number): boolean {
    const route = this.options.route;
    if (route === undefined) return false;
    const limit = this.options.maxConcurrentStreams;
    const full = limit !== undefined && this.own.size + this.node.openStreams >= limit;
    const stream = new ServedStream(streamId, this, this.clientInitialWindow);
    stream.clientEnded = (flags & END_STREAM) !== 0;
    // Registered while the router runs: a handler may answer at once (a watch that requires a leader, on
    // a member without one), and only a registered stream's frames go out.
    this.own.set(streamId, stream);
    const handler = route(headers, stream);
    if (handler === undefined) {
      this.own.delete(streamId);
      return false;
    }
    this.lastOwnStreamId = streamId;
    if (full) {
      // The handler may hold a deadline timer already.
      handler.cancel();
      if (this.own.get(streamId) === stream) {
        this.endStream(stream);
        this.send([rstStream(streamId, Http2ErrorCode.RefusedStream)]);
      }
      return true;
    }
    stream.handler = handler;
    if (stream.clientEnded) handler.end();
    return true;
  }

  private clientEnd(stream: ServedStream): void {
    stream.clientEnded = true;
    stream.handler!.end();
  }

  frame(type: number, flags: number, streamId: number, payload: Buffer, frame: Buffer): void {
    switch (type) {
      case FrameType.Data:
        this.onData(flags, streamId, payload, frame);
        return;
      case FrameType.RstStream: {
        const own = this.own.get(streamId);
        if (own !== undefined) {
          this.endStream(own);
          own.handler!.cancel();
        } else if (this.node.reset(streamId) || streamId > this.lastStreamId) {
          this.node.push(frame);
        }
        return;
      }
      case FrameType.Settings:
        if ((flags & ACK) === 0) this.onSettings(payload);
        this.node.push(frame);
        return;
      case FrameType.Ping:
        if ((flags & ACK) !== 0) this.node.push(frame);
        else this.onPing(payload);
        return;
      case FrameType.WindowUpdate:
        this.onWindowUpdate(streamId, payload, frame);
        return;
      case FrameType.Priority:
        if (this.node.has(streamId) || streamId > this.lastStreamId) this.node.push(frame);
        return;
      case FrameType.GoAway:
        this.node.push(frame);
        return;
      default:
      // Frames of extensions Node does not know: ignored, as RFC 9113 §4.1 has it.
    }
  }

  private onData(flags: number, streamId: number, payload: Buffer, frame: Buffer): void {
    if (this.node.has(streamId)) {
      this.node.push(frame);
      if ((flags & END_STREAM) !== 0) this.node.clientEnded(streamId);
      return;
    }
    this.credit += payload.length;
    const own = this.own.get(streamId);
    if (own !== undefined) {
      let data = payload;
      if ((flags & PADDED) !== 0 && payload.length > 0) data = payload.subarray(1, Math.max(1, payload.length - payload[0]!));
      // Ended before the handler sees the data: an answer it gives at once (a request that does not
      // decode) needs no reset.
      const ending = (flags & END_STREAM) !== 0;
      if (ending) own.clientEnded = true;
      own.handler!.data(data);
      if (ending) own.handler!.end();
      else if (payload.length > 0 && this.own.has(streamId)) this.send([windowUpdate(streamId, payload.length)]);
    }
    if (this.credit >= CREDIT_THRESHOLD) this.send([]);
  }

  private onSettings(payload: Buffer): void {
    for (let at = 0; at + 6 <= payload.length; at += 6) {
      const id = payload.readUInt16BE(at);
      const value = payload.readUInt32BE(at + 2);
      if (id === SETTINGS_INITIAL_WINDOW_SIZE) {
        const delta = value - this.clientInitialWindow;
        this.clientInitialWindow = value;
        for (const stream of this.own.values()) stream.window += delta;
      } else if (id === SETTINGS_MAX_FRAME_SIZE) {
        this.clientMaxFrameSize = value;
      }
    }
    this.unblock();
  }

  private onPing(payload: Buffer): void {
    this.send([pingAck(payload)]);
    const strikes = this.options.pingStrikes;
    if (strikes === undefined || !strikes.ping((this.options.now ?? Date.now)(), this.own.size + this.node.openStreams)) return;
    this.send([goAway(this.lastStreamId, Http2ErrorCode.EnhanceYourCalm, TOO_MANY_PINGS)]);
    this.socket.end();
    this.node.stream.destroy();
  }

  private onWindowUpdate(streamId: number, payload: Buffer, frame: Buffer): void {
    const increment = payload.length === 4 ? payload.readUInt32BE(0) & 0x7fff_ffff : 0;
    if (streamId === 0) {
      this.connectionWindow += increment;
      const paid = Math.min(increment, this.nodeDebt);
      this.nodeDebt -= paid;
      if (paid === 0) this.node.push(frame);
      else if (increment > paid) this.node.push(windowUpdate(0, increment - paid));
      this.unblock();
      return;
    }
    const own = this.own.get(streamId);
    if (own !== undefined) {
      own.window += increment;
      this.unblock();
    } else if (this.node.has(streamId)) {
      this.node.push(frame);
    }
  }

  // The front end's own frames.

  respond(stream: ServedStream, headers: Buffer, body?: Buffer, trailers?: Buffer): void {
    if (!this.isOpen(stream)) return;
    if (body === undefined) {
      this.endStream(stream);
      this.send(this.lastFrames(stream, headers));
      return;
    }
    const out = headerFrames(stream.id, 0, undefined, headers, this.clientMaxFrameSize);
    stream.enqueue(body);
    stream.trailers = trailers ?? Buffer.alloc(0);
    this.sendQueued(stream, out);
    this.send(out);
  }

  sendHeaders(stream: ServedStream, headers: Buffer): void {
    if (this.isOpen(stream)) this.send(headerFrames(stream.id, 0, undefined, headers, this.clientMaxFrameSize));
  }

  sendData(stream: ServedStream, data: Buffer): void {
    if (!this.isOpen(stream)) return;
    stream.enqueue(data);
    this.flush(stream);
  }

  end(stream: ServedStream, trailers: Buffer): void {
    if (!this.isOpen(stream) || stream.trailers !== undefined) return;
    stream.trailers = trailers;
    this.flush(stream);
  }

  /** Sends what the stream queued, as the windows allow; a stream waiting for window keeps its place until it comes. */
  private flush(stream: ServedStream): void {
    if (this.blocked.has(stream)) return;
    const out: Buffer[] = [];
    this.sendQueued(stream, out);
    this.send(out);
  }

  /** Whether `stream` is still the front end's and its response has not ended. */
  private isOpen(stream: ServedStream): boolean {
    if (this.own.get(stream.id) !== stream) return false;
    this.options.pingStrikes?.sent();
    return true;
  }

  /**
   * Adds to `out` as much of the stream's queued DATA as the windows allow, then its trailers once all of
   * it is out.
   */
  private sendQueued(stream: ServedStream, out: Buffer[]): void {
    while (stream.pendingBytes > 0) {
      const n = Math.min(stream.window, this.connectionWindow, this.clientMaxFrameSize);
      if (n <= 0) {
        this.blocked.add(stream);
        return;
      }
      const piece = stream.take(n);
      out.push(frameHeader(piece.length, FrameType.Data, 0, stream.id), piece);
      stream.window -= piece.length;
      this.connectionWindow -= piece.length;
      this.nodeDebt += piece.length;
    }
    this.blocked.delete(stream);
    if (stream.trailers !== undefined) {
      out.push(...this.lastFrames(stream, stream.trailers));
      this.endStream(stream);
    } else {
      stream.wasDrained();
    }
  }

  /**
   * The header block that ends the response; then, while the client's side is still open (a watch the
   * server ended), RST_STREAM NO_ERROR, as grpc-go sends after its trailers (RFC 9113 §8.1): a client
   * that waits for both sides to close before it reports the call's end (Node's HTTP/2 client does)
   * would otherwise wait for ever.
   */
  private lastFrames(stream: ServedStream, block: Buffer): Buffer[] {
    const frames = headerFrames(stream.id, END_STREAM, undefined, block, this.clientMaxFrameSize);
    if (!stream.clientEnded) frames.push(rstStream(stream.id, Http2ErrorCode.NoError));
    return frames;
  }

  /** Sends what window updates made room for. */
  private unblock(): void {
    if (this.blocked.size === 0) return;
    const out: Buffer[] = [];
    for (const stream of [...this.blocked]) {
      if (this.connectionWindow <= 0) break;
      this.sendQueued(stream, out);
    }
    if (out.length > 0) this.send(out);
  }

  private endStream(stream: ServedStream): void {
    this.own.delete(stream.id);
    this.blocked.delete(stream);
  }

  /** Writes `frames` (and the connection credit owed) once Node's output is between frames. */
  private send(frames: Buffer[]): void {
    if (this.credit > 0) {
      frames.unshift(windowUpdate(0, this.credit));
      this.credit = 0;
    }
    if (frames.length > 0) this.node.write(frames);
  }

  private closed(): void {
    this.node.stream.destroy();
    const streams = [...this.own.values()];
    this.own.clear();
    this.blocked.clear();
    for (const stream of streams) stream.handler!.cancel();
  }
}
