// Bidirectional streams (Watch, LeaseKeepAlive) served by the client port's front end itself (see
// http2-split-connection.ts), ahead of Node's HTTP/2 server and grpc-js: the same handlers (watch-service.ts,
// lease-service.ts) over the front end's frames. What a stream sends in one turn of the event loop leaves as
// one run of DATA frames, held back by the client's windows only; its writer waits once 128 KiB are held
// (STREAM_BUFFER_LIMIT_BYTES), as it waits for Node's stream buffer over grpc-js.
//
// What goes out is what grpc-js sends for the same stream: its response headers before the first
// response, the grpc-status trailers after the last; a status before any response as a "trailers-only"
// response. The same with the errors grpc-js makes itself: a request that does not decode (INTERNAL), a
// deadline passed. As with grpc-js, a stream's end (its status sent, or the client gone) is reported to
// the handler as 'cancelled'.

import type * as grpc from '@grpc/grpc-js';
import { GrpcCode } from '../etcd-errors.js';
import type { ClientAuthContext } from './client-identity.js';
import type { DuplexCall } from './duplex-call.js';
import type { Header } from './http2-frames.js';
import type { OwnStream, OwnStreamHandler } from './http2-own-stream.js';
import { GrpcMessageReader, HeaderMetadata, responseHeaders, statusTrailers, trailersOnly, type LeanStart } from './lean-grpc.js';
import { framed, STREAM_BUFFER_LIMIT_BYTES, type EncodedResponse, type WatchOutput } from './watch-output.js';

/** How one method's messages are read and written. */
export interface DuplexMethod<Request, Response> {
  readonly decode: (bytes: Buffer) => Request;
  readonly encode: (response: Response) => Buffer;
}

/** A method's messages as its grpc-js definition reads and writes them. */
export function duplexMethod<Request, Response>(definition: grpc.MethodDefinition<Request, Response>): DuplexMethod<Request, Response> {
  return { decode: definition.requestDeserialize, encode: definition.responseSerialize };
}

/** How the front end starts a stream of `method`: `handler` serves it (with `maxMessageBytes` the largest request). */
export function duplexStart<Request, Response>(method: DuplexMethod<Request, Response>, maxMessageBytes: number, handler: (call: FrontEndDuplexCall<Request, Response>) => void): LeanStart {
  return (stream, headers, timeoutMs) => {
    const call = new FrontEndDuplexCall(stream, headers, method, maxMessageBytes, timeoutMs);
    handler(call);
    return call.handler;
  };
}

type Listener = () => void;

/** A stream as its handler sees it; also a watch stream's output, all of a turn's responses in one send(). */
export class FrontEndDuplexCall<Request, Response> implements DuplexCall<Request, Response>, WatchOutput {
  readonly metadata: HeaderMetadata;
  /** The client's side of the stream, as the front end reports it. */
  readonly handler: OwnStreamHandler = {
    data: (payload) => {
      if (!this.finished) this.reader.push(payload);
    },
    end: () => {
      if (!this.finished) for (const listener of this.listeners.end) listener();
    },
    cancel: () => this.gone(),
  };
  private readonly listeners = { data: [] as ((request: Request) => void)[], end: [] as Listener[], error: [] as Listener[], cancelled: [] as Listener[] };
  private readonly reader: GrpcMessageReader;
  private headersSent = false;
  /** The status went out, or the stream is gone: nothing more is sent or read. */
  private finished = false;
  private cancelReported = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: OwnStream,
    headers: readonly Header[],
    private readonly method: DuplexMethod<Request, Response>,
    maxMessageBytes: number,
    timeoutMs: number,
  ) {
    this.metadata = new HeaderMetadata(headers);
    this.reader = new GrpcMessageReader(maxMessageBytes, (message) => this.onMessage(message), (status) => this.finish(status.code, status.details));
    if (timeoutMs !== Infinity) this.timer = setTimeout(() => this.finish(GrpcCode.DeadlineExceeded, 'Deadline exceeded'), timeoutMs);
  }

  getAuthContext(): ClientAuthContext {
    return this.stream.authContext();
  }

  // The stream's output (WatchOutput).

  send(responses: readonly EncodedResponse[]): boolean {
    if (this.finished) return true;
    if (!this.headersSent) {
      this.headersSent = true;
      this.stream.sendHeaders(responseHeaders());
    }
    this.stream.sendData(framed(responses));
    return this.stream.pendingBytes < STREAM_BUFFER_LIMIT_BYTES;
  }

  onceDrain(listener: Listener): void {
    this.stream.onceDrained(listener);
  }

  // The call, as the stream logic sees it (WatchCall).

  write(response: Response): boolean {
    let bytes: Buffer;
    try {
      bytes = this.method.encode(response);
    } catch {
      // As grpc-js: the stream ends with the status.
      this.finish(GrpcCode.Internal, 'Error serializing response');
      return true;
    }
    return this.send([bytes]);
  }

  once(_event: 'drain', listener: Listener): void {
    this.onceDrain(listener);
  }

  on(event: 'data', listener: (request: Request) => void): void;
  on(event: 'end' | 'error' | 'cancelled', listener: Listener): void;
  on(event: 'data' | 'end' | 'error' | 'cancelled', listener: Listener | ((request: Request) => void)): void {
    (this.listeners[event] as unknown[]).push(listener);
  }

  /** Ends the stream with an OK status. */
  end(): void {
    this.finish(GrpcCode.Ok, 'OK');
  }

  /** Ends the stream with the error's status (as grpc-js does for an 'error' emitted on its call). */
  emit(_event: 'error', error: { code?: number; details?: string }): boolean {
    // grpc-js's serverErrorToStatus, for the errors handlers emit.
    this.finish(error.code ?? GrpcCode.Unknown, error.details ?? 'Unknown Error');
    for (const listener of this.listeners.error) listener();
    return true;
  }

  private onMessage(message: Buffer): boolean {
    let request: Request;
    try {
      request = this.method.decode(message);
    } catch {
      this.finish(GrpcCode.Internal, 'Error deserializing request');
      return false;
    }
    for (const listener of this.listeners.data) listener(request);
    return !this.finished;
  }

  /** Sends the status after what was sent, then reports the stream gone. */
  private finish(code: GrpcCode, details: string): void {
    if (this.finished) return;
    if (this.headersSent) this.stream.end(statusTrailers(code, details));
    else this.stream.respond(trailersOnly(code, details));
    this.gone();
  }

  private gone(): void {
    this.finished = true;
    clearTimeout(this.timer);
    if (this.cancelReported) return;
    this.cancelReported = true;
    process.nextTick(() => {
      for (const listener of this.listeners.cancelled) listener();
    });
  }
}
