// Node's side of a client connection the front end shares with Node's HTTP/2 server (see
// http2-split-connection.ts): the stream Node is given in place of the socket, the socket's writes (Node's
// followed frame by frame, so that the front end's own frames go out only between them), and which of
// Node's streams are still open.

import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { END_STREAM, FrameType } from './http2-frames.js';
import { ServerOutputScanner, type ServerOutputWatcher } from './http2-server-output.js';

/** What the connection learns from Node's output. */
export interface NodeOutputEvents {
  /** Node sends `length` octets of DATA, out of the client's connection window. */
  spent(length: number): void;
  /** Node sends headers or data. */
  sent(): void;
  /** A GOAWAY from Node names `nodes` as its last stream: what to name instead. */
  goAwayLastStreamId(nodes: number): number;
}

const CLIENT_ENDED = 1;
const NODE_ENDED = 2;

export class NodeSide implements ServerOutputWatcher {
  /** What Node's server reads and writes as its connection. */
  readonly stream: Duplex;
  private readonly scanner = new ServerOutputScanner(this);
  /** Frames of the front end's that wait for Node's current frame to end, or for Node's first. */
  private deferred: Buffer[] = [];
  /**
   * Node's server preface (its SETTINGS) went out. A server's first frame must be SETTINGS (RFC 9113 §3.4):
   * a client that sends at once gets nothing of the front end's (a WINDOW_UPDATE for its DATA, a PING's
   * ACK) before it; Node's client calls anything else a protocol error.
   */
  private prefaceSent = false;
  private corked = false;
  /** Node's streams, until both sides ended them: which have (CLIENT_ENDED, NODE_ENDED). */
  private readonly streams = new Map<number, number>();

  constructor(
    private readonly socket: Socket,
    private readonly events: NodeOutputEvents,
  ) {
    const stream = new Duplex({
      read: () => void socket.resume(),
      write: (chunk: Buffer, _encoding, callback) => this.fromNode([chunk], callback),
      writev: (chunks, callback) => this.fromNode(chunks.map((c) => c.chunk as Buffer), callback),
      final: (callback) => void socket.end(callback),
      destroy: (err, callback) => {
        socket.destroy();
        callback(err);
      },
    });
    // grpc-js names a call's peer from these (getPeer()).
    this.stream = Object.assign(stream, { remoteAddress: socket.remoteAddress, remotePort: socket.remotePort, remoteFamily: socket.remoteFamily });
  }

  // Node's streams.

  get openStreams(): number {
    return this.streams.size;
  }

  has(streamId: number): boolean {
    return this.streams.has(streamId);
  }

  opened(streamId: number): void {
    this.streams.set(streamId, 0);
  }

  /** The client ended its side of `streamId`. */
  clientEnded(streamId: number): void {
    this.ended(streamId, CLIENT_ENDED);
  }

  /** `streamId` was reset; whether it was Node's and open. */
  reset(streamId: number): boolean {
    return this.streams.delete(streamId);
  }

  private ended(streamId: number, side: number): void {
    const ended = this.streams.get(streamId);
    if (ended === undefined) return;
    if ((ended | side) === (CLIENT_ENDED | NODE_ENDED)) this.streams.delete(streamId);
    else this.streams.set(streamId, ended | side);
  }

  // The bytes.

  /** Passes the client's `bytes` on to Node, holding the socket back while Node has not read what it got. */
  push(bytes: Buffer | null): void {
    if (!this.stream.push(bytes) && bytes !== null) this.socket.pause();
  }

  /** Writes the front end's `frames` once Node's output is between frames (and has begun). */
  write(frames: Buffer[]): void {
    if (!this.prefaceSent || !this.scanner.atBoundary) {
      this.deferred.push(...frames);
      return;
    }
    this.corkUntilTicksEnd();
    // One write each, gathered by the cork into one writev: a watch stream's DATA is not copied again
    // (a member fanning out 600,000 events spent a fifth less CPU without the concatenation).
    for (const frame of frames) this.socket.write(frame);
  }

  /**
   * Holds the socket's writes until the current callbacks are done: the responses one apply completes go
   * out in one write (a system call per response was a quarter of the front end's CPU).
   */
  private corkUntilTicksEnd(): void {
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    process.nextTick(() => {
      this.corked = false;
      this.socket.uncork();
    });
  }

  private fromNode(chunks: Buffer[], callback: (err?: Error | null) => void): void {
    const out: Buffer[] = [];
    for (const chunk of chunks) {
      out.push(this.scanner.scan(chunk));
      if (!this.scanner.atBoundary) continue;
      this.prefaceSent = true;
      if (this.deferred.length > 0) {
        out.push(...this.deferred);
        this.deferred = [];
      }
    }
    this.socket.write(out.length === 1 ? out[0]! : Buffer.concat(out), callback);
  }

  /** Node begins a frame: what it spends of the client's window, and which of its streams end. */
  nodeFrame(type: number, flags: number, streamId: number, length: number): void {
    if (type === FrameType.Data) this.events.spent(length);
    if (type === FrameType.Data || type === FrameType.Headers) {
      this.events.sent();
      if ((flags & END_STREAM) !== 0) this.ended(streamId, NODE_ENDED);
    } else if (type === FrameType.RstStream) {
      this.streams.delete(streamId);
    }
  }

  goAwayLastStreamId(nodes: number): number {
    return this.events.goAwayLastStreamId(nodes);
  }
}
