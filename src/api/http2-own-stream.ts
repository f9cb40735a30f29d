// A stream the client port's front end serves itself (see http2-split-connection.ts), as its server sees
// it and as the connection keeps it: the response's DATA waiting for the client's windows, and the
// trailers that end it once that DATA is out.

import type { ClientAuthContext } from './client-identity.js';
import type { Header } from './http2-frames.js';

/** A stream the front end serves, as its server sees it. */
export interface OwnStream {
  /**
   * Sends a whole response: the header block `headers`, then `body` as DATA (as the client's windows
   * allow), then the block `trailers`; without a body, `headers` alone ends the stream ("trailers only").
   */
  respond(headers: Buffer, body?: Buffer, trailers?: Buffer): void;
  /** Sends the response's header block, the stream left open (a streaming response). */
  sendHeaders(headers: Buffer): void;
  /** Sends `data` as DATA after what was sent before, as the client's windows allow. */
  sendData(data: Buffer): void;
  /** Ends the stream with the header block `trailers` once the DATA before it is out. */
  end(trailers: Buffer): void;
  /** Octets of DATA waiting for the client's windows. */
  readonly pendingBytes: number;
  /** Calls `listener` once, soon after no DATA is waiting any more. */
  onceDrained(listener: () => void): void;
  /** The client certificate verified on the connection, as grpc-js gives it. */
  authContext(): ClientAuthContext;
}

/** What the front end does with the client's side of a stream it serves. */
export interface OwnStreamHandler {
  /** Payload of a DATA frame, padding removed. */
  data(payload: Buffer): void;
  /** The client's side ended. */
  end(): void;
  /** The stream is gone before its response ended: reset by the client, or the connection closed. */
  cancel(): void;
}

/** From a new stream's request headers: its handler if the front end serves it, undefined for Node's server. */
export type StreamRouter = (headers: readonly Header[], stream: OwnStream) => OwnStreamHandler | undefined;

/** What a served stream asks of its connection; the connection checks that the stream is still open. */
export interface OwnStreamConnection {
  respond(stream: ServedStream, headers: Buffer, body?: Buffer, trailers?: Buffer): void;
  sendHeaders(stream: ServedStream, headers: Buffer): void;
  sendData(stream: ServedStream, data: Buffer): void;
  end(stream: ServedStream, trailers: Buffer): void;
  authContext(): ClientAuthContext;
}

export class ServedStream implements OwnStream {
  handler: OwnStreamHandler | undefined;
  /** Octets the client lets this stream send. */
  window: number;
  /** Response DATA waiting for window, oldest first, and how many octets it holds. */
  private readonly queue: Buffer[] = [];
  private queued = 0;
  /** The block that ends the stream once the queue is empty. */
  trailers: Buffer | undefined;
  /** Whether the client ended its side (END_STREAM). */
  clientEnded = false;
  private drained: (() => void) | undefined;

  constructor(
    readonly id: number,
    private readonly connection: OwnStreamConnection,
    window: number,
  ) {
    this.window = window;
  }

  respond(headers: Buffer, body?: Buffer, trailers?: Buffer): void {
    this.connection.respond(this, headers, body, trailers);
  }

  sendHeaders(headers: Buffer): void {
    this.connection.sendHeaders(this, headers);
  }

  sendData(data: Buffer): void {
    this.connection.sendData(this, data);
  }

  end(trailers: Buffer): void {
    this.connection.end(this, trailers);
  }

  get pendingBytes(): number {
    return this.queued;
  }

  onceDrained(listener: () => void): void {
    this.drained = listener;
    if (this.queued === 0) this.wasDrained();
  }

  authContext(): ClientAuthContext {
    return this.connection.authContext();
  }

  /** Adds `data` to what waits to go. */
  enqueue(data: Buffer): void {
    if (data.length === 0) return;
    this.queue.push(data);
    this.queued += data.length;
  }

  /** Takes up to `max` (> 0) octets from the front of the queue: one frame's payload. */
  take(max: number): Buffer {
    const head = this.queue[0]!;
    let piece = head;
    if (head.length <= max) this.queue.shift();
    else {
      piece = head.subarray(0, max);
      this.queue[0] = head.subarray(max);
    }
    this.queued -= piece.length;
    return piece;
  }

  /** The queue is empty: a listener waiting for that runs once the current frames are written. */
  wasDrained(): void {
    const listener = this.drained;
    if (listener === undefined) return;
    this.drained = undefined;
    queueMicrotask(listener);
  }
}
