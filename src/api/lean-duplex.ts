// etcd's Watch streams served by the client port's front end itself (see http2-split-connection.ts), ahead
// of Node's HTTP/2 server and grpc-js: the same stream logic (watch-service.ts) over the front end's
// frames. A stream's responses of one turn of the event loop leave as one run of DATA frames, held back
// by the client's windows only; the watchers wait once a megabyte is held (STREAM_BUFFER_LIMIT_BYTES), as
// they wait for Node's stream buffer over grpc-js.
//
// What goes out is what grpc-js sends for the same stream: its response headers before the first
// response, the grpc-status trailers after the last; a status before any response as a "trailers-only"
// response. The same with the errors grpc-js makes itself: a request that does not decode (INTERNAL), a
// deadline passed. As with grpc-js, a stream's end (its status sent, or the client gone) is reported to
// the stream logic as 'cancelled'.

import { GrpcCode } from '../etcd-errors.js';
import type * as pb from '../wire/messages.js';
import { messageType } from '../wire/proto.js';
import type { EtcdServer } from '../server/etcd-server.js';
import type { ClientAuthContext } from './client-identity.js';
import type { Header } from './http2-frames.js';
import type { OwnStream, OwnStreamHandler } from './http2-own-stream.js';
import { GrpcMessageReader, HeaderMetadata, responseHeaders, statusTrailers, trailersOnly, type LeanStart } from './lean-grpc.js';
import { serveWatch, type WatchCall } from './watch-service.js';
import { framed, STREAM_BUFFER_LIMIT_BYTES, type EncodedResponse, type WatchOutput } from './watch-output.js';

const WATCH_PATH = '/etcdserverpb.Watch/Watch';
const WatchRequest = messageType('etcdserverpb.WatchRequest');

/** How the front end starts a Watch stream, by its :path. */
export function watchStart(server: EtcdServer, maxMessageBytes: number): [string, LeanStart] {
  return [
    WATCH_PATH,
    (stream, headers, timeoutMs) => {
      const call = new FrontEndWatchCall(stream, headers, maxMessageBytes, timeoutMs);
      serveWatch(server, call, call);
      return call.handler;
    },
  ];
}

type Listener = () => void;

class FrontEndWatchCall implements WatchCall, WatchOutput {
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
  private readonly listeners = { data: [] as ((request: pb.WatchRequest) => void)[], end: [] as Listener[], error: [] as Listener[], cancelled: [] as Listener[] };
  private readonly reader: GrpcMessageReader;
  private headersSent = false;
  /** The status went out, or the stream is gone: nothing more is sent or read. */
  private finished = false;
  private cancelReported = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: OwnStream,
    headers: readonly Header[],
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

  write(response: Uint8Array): boolean {
    return this.send([response]);
  }

  once(_event: 'drain', listener: Listener): void {
    this.onceDrain(listener);
  }

  on(event: 'data', listener: (request: pb.WatchRequest) => void): void;
  on(event: 'end' | 'error' | 'cancelled', listener: Listener): void;
  on(event: 'data' | 'end' | 'error' | 'cancelled', listener: Listener | ((request: pb.WatchRequest) => void)): void {
    (this.listeners[event] as unknown[]).push(listener);
  }

  /** Ends the stream with an OK status. */
  end(): void {
    this.finish(GrpcCode.Ok, 'OK');
  }

  /** Ends the stream with the error's status (as grpc-js does for an 'error' emitted on its call). */
  emit(_event: 'error', error: { code: number; details: string }): boolean {
    this.finish(error.code, error.details);
    for (const listener of this.listeners.error) listener();
    return true;
  }

  private onMessage(message: Buffer): boolean {
    let request: pb.WatchRequest;
    try {
      request = WatchRequest.decode(message) as unknown as pb.WatchRequest;
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
