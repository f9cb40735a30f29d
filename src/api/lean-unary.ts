// Every service's unary calls served by the client port's front end itself (see
// http2-split-connection.ts), ahead of Node's HTTP/2 server and grpc-js: the request's 5-byte gRPC frame
// parsed here, the same handler called, the encoded response and the grpc-status trailers written back.
// Node's server costs about 28 µs of CPU per call; grpc-js made, per call, an intercepting call, a stream decoder, a metadata object
// from every header, a read queue and a dozen listeners and promises; about a tenth of a member's CPU per
// read. What goes out is what grpc-js sends for the same call: the same headers in the same order (as HPACK
// literals), one DATA frame, the same trailers; a failure as a "trailers-only" response. The same with the
// errors grpc-js makes itself: a deadline (grpc-timeout) passed, no request message, a second one, one
// that does not decode, a response that does not encode, a handler that throws. Which streams it takes,
// and etcd's limit on a request's size: lean-grpc.ts.

import { GrpcCode } from '../etcd-errors.js';
import type { ClientAuthContext } from './client-identity.js';
import { toServiceError } from './grpc-service.js';
import type { Header } from './http2-frames.js';
import type { OwnStream, OwnStreamHandler } from './http2-own-stream.js';
import { GrpcMessageReader, HeaderMetadata, OK_TRAILERS, responseHeaders, trailersOnly, type LeanStart } from './lean-grpc.js';
import type { Unary, UnaryCall } from './unary-call.js';
import { framed } from './watch-output.js';

/** How one method's messages are read and written; its handler is looked up by `name` on every call. */
export interface LeanMethod {
  /** "package.Service/Method", the key of the handler table. */
  readonly name: string;
  readonly decode: (bytes: Buffer) => unknown;
  readonly encode: (response: never) => Buffer;
}

/**
 * How the front end starts a call of each of the `methods` (by :path): `handlers` answer it, a request
 * message over `maxMessageBytes` is refused.
 */
export function unaryStarts(methods: ReadonlyMap<string, LeanMethod>, handlers: ReadonlyMap<string, Unary>, maxMessageBytes: number): Map<string, LeanStart> {
  return new Map(
    [...methods].map(([path, method]): [string, LeanStart] => [path, (stream, headers, timeoutMs) => new LeanCall(stream, headers, method, handlers, maxMessageBytes, timeoutMs)]),
  );
}

class LeanCall implements UnaryCall, OwnStreamHandler {
  request: unknown = undefined;
  readonly deadline: number | undefined;
  private received = false;
  private readonly reader: GrpcMessageReader;
  private answered = false;
  private cancelled = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: OwnStream,
    private readonly headers: readonly Header[],
    private readonly method: LeanMethod,
    private readonly handlers: ReadonlyMap<string, Unary>,
    maxMessageBytes: number,
    timeoutMs: number,
  ) {
    this.reader = new GrpcMessageReader(maxMessageBytes, (message) => this.onMessage(message), (status) => this.fail(status.code, status.details));
    if (timeoutMs !== Infinity) {
      this.deadline = performance.now() + timeoutMs;
      this.timer = setTimeout(() => this.fail(GrpcCode.DeadlineExceeded, 'Deadline exceeded'), timeoutMs);
    }
  }

  get metadata(): HeaderMetadata {
    return new HeaderMetadata(this.headers);
  }

  getAuthContext(): ClientAuthContext {
    return this.stream.authContext();
  }

  data(chunk: Buffer): void {
    if (!this.answered) this.reader.push(chunk);
  }

  /** Takes one request message; false once the call has failed. */
  private onMessage(message: Buffer): boolean {
    if (this.received) {
      this.fail(GrpcCode.Unimplemented, `Received a second request message for server streaming method /${this.method.name}`);
      return false;
    }
    this.received = true;
    try {
      this.request = this.method.decode(message);
    } catch {
      this.fail(GrpcCode.Internal, 'Error deserializing request');
      return false;
    }
    return true;
  }

  end(): void {
    if (this.answered) return;
    if (!this.received) {
      this.fail(GrpcCode.Unimplemented, `Received no request message for server streaming method /${this.method.name}`);
      return;
    }
    let response: Promise<unknown>;
    try {
      response = this.handlers.get(this.method.name)!(this);
    } catch {
      this.fail(GrpcCode.Unknown, 'Unknown error');
      return;
    }
    response.then(
      (value) => this.succeed(value),
      (err: unknown) => {
        const status = toServiceError(err);
        this.fail(status.code as number, status.details!);
      },
    );
  }

  get ended(): boolean {
    return this.answered || this.cancelled;
  }

  cancel(): void {
    this.cancelled = true;
    clearTimeout(this.timer);
  }

  private succeed(response: unknown): void {
    if (this.finish()) return;
    let body: Buffer;
    try {
      body = this.method.encode(response as never);
    } catch {
      this.answer(GrpcCode.Internal, 'Error serializing response');
      return;
    }
    this.stream.respond(responseHeaders(), framed([body]), OK_TRAILERS);
  }

  private fail(code: GrpcCode, details: string): void {
    if (!this.finish()) this.answer(code, details);
  }

  /** Marks the call answered; true when it was already, or when the client cancelled it. */
  private finish(): boolean {
    clearTimeout(this.timer);
    if (this.answered) return true;
    this.answered = true;
    return this.cancelled;
  }

  /** A "trailers-only" response: the status in the only header block, which ends the stream. */
  private answer(code: GrpcCode, details: string): void {
    this.stream.respond(trailersOnly(code, details));
  }
}
