// A gRPC client written frame by frame over a plain socket: it sends exactly the frames a test asks for
// (a request in pieces, two messages, none, a RST_STREAM) and records every frame the server sends back,
// header blocks decoded, so that two servers' answers to the same call can be compared frame by frame.

import type { ClientHttp2Session, ClientHttp2Stream } from 'node:http2';
import { connect, type Socket } from 'node:net';
import { ACK, encodeLiterals, END_HEADERS, END_STREAM, frameHeader, FrameType, pingAck, PREFACE } from '../../src/api/http2-frames.js';
import { headerDecoder } from './http2-frames.js';
import { until } from './wait.js';

export { END_STREAM, FrameType } from '../../src/api/http2-frames.js';

export interface Frame {
  readonly type: number;
  readonly flags: number;
  readonly streamId: number;
  readonly payload: Buffer;
  /** A HEADERS frame's decoded header list (with its CONTINUATIONs), in the order sent. */
  readonly headers?: [string, string][];
}

/** A gRPC message frame: the 5-byte prefix (compressed flag, length) and `message`. */
export function grpcMessage(message: Uint8Array, compressed = false): Buffer {
  const prefix = Buffer.alloc(5);
  prefix[0] = compressed ? 1 : 0;
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

/** A gRPC call on a session of Node's own HTTP/2 client: its request headers sent; its errors ignored unless the caller listens too. */
export function nodeGrpcCall(session: ClientHttp2Session, path: string): ClientHttp2Stream {
  const call = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' });
  call.on('error', () => {});
  return call;
}

export class RawGrpcConnection {
  readonly frames: Frame[] = [];
  private received = Buffer.alloc(0);
  private readonly decode = headerDecoder();
  private block: { frame: Omit<Frame, 'headers'>; parts: Buffer[] } | undefined;
  private pings = 0;

  private constructor(
    private readonly socket: Socket,
    private readonly authority: string,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {});
    socket.write(Buffer.concat([PREFACE, frameHeader(0, FrameType.Settings, 0, 0)]));
  }

  static async open(port: number): Promise<RawGrpcConnection> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawGrpcConnection(socket, `127.0.0.1:${port}`);
  }

  /** Sends a request's HEADERS on `streamId`: gRPC's usual fields, `extra` after them, overriding any of the same name. */
  headers(streamId: number, path: string, extra: Record<string, string> = {}, endStream = false): void {
    const fields: Record<string, string> = {
      ':method': 'POST',
      ':scheme': 'http',
      ':path': path,
      ':authority': this.authority,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...extra,
    };
    const block = encodeLiterals(Object.entries(fields).map(([name, value]) => ({ name, value })));
    this.socket.write(Buffer.concat([frameHeader(block.length, FrameType.Headers, END_HEADERS | (endStream ? END_STREAM : 0), streamId), block]));
  }

  data(streamId: number, payload: Buffer, endStream: boolean): void {
    this.socket.write(Buffer.concat([frameHeader(payload.length, FrameType.Data, endStream ? END_STREAM : 0, streamId), payload]));
  }

  /** Writes frames built by the test (a WINDOW_UPDATE, say). */
  send(...frames: Buffer[]): void {
    this.socket.write(Buffer.concat(frames));
  }

  rst(streamId: number, code: number): void {
    const payload = Buffer.alloc(4);
    payload.writeUInt32BE(code);
    this.socket.write(Buffer.concat([frameHeader(4, FrameType.RstStream, 0, streamId), payload]));
  }

  /** The frames the server sent on `streamId` so far. */
  streamFrames(streamId: number): Frame[] {
    return this.frames.filter((f) => f.streamId === streamId && (f.type === FrameType.Headers || f.type === FrameType.Data || f.type === FrameType.RstStream));
  }

  /**
   * Waits until the server ended `streamId` (END_STREAM or RST_STREAM), then for the answer to a PING
   * sent after that, so that a reset the server sends after its trailers is among the frames returned.
   */
  async answer(streamId: number, timeoutMs = 20_000): Promise<Frame[]> {
    const ended = (): boolean => this.streamFrames(streamId).some((f) => f.type === FrameType.RstStream || (f.flags & END_STREAM) !== 0);
    await until(`the end of stream ${streamId}`, ended, { timeoutMs });
    await this.ping(timeoutMs);
    return this.streamFrames(streamId);
  }

  /** Sends a PING and waits for its ACK. */
  async ping(timeoutMs = 20_000): Promise<void> {
    const payload = Buffer.alloc(8);
    payload.writeUInt32BE(++this.pings);
    this.socket.write(Buffer.concat([frameHeader(8, FrameType.Ping, 0, 0), payload]));
    await until('the PING to be answered', () => this.frames.some((f) => f.type === FrameType.Ping && (f.flags & ACK) !== 0 && f.payload.equals(payload)), { timeoutMs });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.received = Buffer.concat([this.received, chunk]);
    while (this.received.length >= 9) {
      const length = this.received.readUIntBE(0, 3);
      if (this.received.length < 9 + length) return;
      const frame = { type: this.received[3]!, flags: this.received[4]!, streamId: this.received.readUInt32BE(5) & 0x7fff_ffff, payload: this.received.subarray(9, 9 + length) };
      this.received = this.received.subarray(9 + length);
      this.onFrame(frame);
    }
  }

  private onFrame(frame: Omit<Frame, 'headers'>): void {
    if (frame.type === FrameType.Settings && (frame.flags & ACK) === 0) this.socket.write(frameHeader(0, FrameType.Settings, ACK, 0));
    if (frame.type === FrameType.Ping && (frame.flags & ACK) === 0) this.socket.write(pingAck(frame.payload));
    if (frame.type === FrameType.Headers) this.block = { frame, parts: [] };
    if (this.block && (frame.type === FrameType.Headers || frame.type === FrameType.Continuation)) {
      this.block.parts.push(frame.payload);
      if ((frame.flags & END_HEADERS) === 0) return;
      const headers = this.decode(Buffer.concat(this.block.parts)).map(({ name, value }): [string, string] => [name, value]);
      this.frames.push({ ...this.block.frame, headers });
      this.block = undefined;
      return;
    }
    this.frames.push(frame);
  }
}
