// The KV service's unary calls served straight from Node's HTTP/2 streams, ahead of grpc-js: the request's
// 5-byte gRPC frame parsed here, the same handler called, the encoded response and the grpc-status
// trailers written back. grpc-js made, per call, an intercepting call, a stream decoder, a metadata object
// from every header, a read queue and a dozen listeners and promises; about a tenth of a member's CPU per
// read. What goes out is what grpc-js sends for the same call, byte for byte: the same headers in the same
// order, one DATA frame, the same trailers; a failure as a "trailers-only" response. The same with the
// errors grpc-js makes itself: a deadline (grpc-timeout) passed, no request message, a second one, one
// that does not decode, a response that does not encode, a handler that throws.
//
// One difference, etcd's: a request message over --max-request-bytes plus 512 KiB is refused as etcd's
// gRPC server (grpc-go) refuses it, RESOURCE_EXHAUSTED once its length is read, where grpc-js (told no
// limit) would read it whole and leave the refusal to the proposal ("request is too large").
//
// A stream this path would answer differently from grpc-js goes to grpc-js instead, before anything was
// read from it: a content-type that is not gRPC's, a compressed request (grpc-encoding other than
// identity), a grpc-timeout grpc-js cannot read. So do every other method, streams and service.

import type { Http2Server, IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import { TLSSocket } from 'node:tls';
import { GrpcCode } from '../etcd-errors.js';
import { authContextOfSocket, type ClientAuthContext } from './client-identity.js';
import { toServiceError } from './grpc-service.js';
import type { Unary, UnaryCall } from './unary-call.js';
import { framed } from './watch-output.js';

/** How one method's messages are read and written; its handler is looked up by `name` on every call. */
export interface LeanMethod {
  /** "package.Service/Method", the key of the handler table. */
  readonly name: string;
  readonly decode: (bytes: Buffer) => unknown;
  readonly encode: (response: never) => Buffer;
}

/** grpc-js's reading of grpc-timeout (not anchored: "1Sx" is a second) and its units in milliseconds. */
const DEADLINE_REGEX = /(\d{1,8})\s*([HMSmun])/;
const DEADLINE_UNIT_MS: Readonly<Record<string, number>> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 };

const MESSAGE_HEADER_LENGTH = 5;

/** What etcd adds to --max-request-bytes for its gRPC server's largest request message (grpcOverheadBytes). */
export const GRPC_OVERHEAD_BYTES = 512 * 1024;

/**
 * Serves the `methods` (by :path) of every stream `server` takes from now on from `handlers`, refusing a
 * request message over `maxMessageBytes`; any other stream goes to the listeners `server` had for it
 * (grpc-js's), as before.
 */
export function serveUnaryAhead(server: Http2Server, methods: ReadonlyMap<string, LeanMethod>, handlers: ReadonlyMap<string, Unary>, maxMessageBytes: number): void {
  const others = server.listeners('stream') as ((...args: unknown[]) => void)[];
  server.removeAllListeners('stream');
  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, ...rest: unknown[]) => {
    const method = methods.get(headers[':path'] ?? '');
    const timeoutMs = method === undefined ? undefined : leanTimeout(headers);
    if (method !== undefined && timeoutMs !== undefined) {
      new LeanCall(stream, headers, method, handlers, maxMessageBytes).start(timeoutMs);
      return;
    }
    for (const listener of others) listener.call(server, stream, headers, ...rest);
  });
}

/**
 * The call's timeout in milliseconds (Infinity without one) when this path answers it as grpc-js would;
 * undefined when grpc-js should (see the top of this file).
 */
function leanTimeout(headers: IncomingHttpHeaders): number | undefined {
  const contentType = headers['content-type'];
  if (typeof contentType !== 'string' || !contentType.startsWith('application/grpc')) return undefined;
  const encoding = headers['grpc-encoding'];
  if (encoding !== undefined && encoding !== 'identity') return undefined;
  const timeout = headers['grpc-timeout'];
  if (timeout === undefined) return Infinity;
  const match = typeof timeout === 'string' ? DEADLINE_REGEX.exec(timeout) : null;
  if (match === null) return undefined;
  // grpc-js's arithmetic, including its truncation to 32 bits.
  return (Number(match[1]) * DEADLINE_UNIT_MS[match[2]!]!) | 0;
}

/** grpc-js's call metadata, read from the request's headers when a handler asks (the auth token). */
class HeaderMetadata {
  constructor(private readonly headers: IncomingHttpHeaders) {}

  get(key: string): (string | Buffer)[] {
    if (key.startsWith(':') || HIDDEN_HEADERS.has(key)) return [];
    const value = this.headers[key];
    if (value === undefined) return [];
    const values = Array.isArray(value) ? value : [value];
    if (key.endsWith('-bin')) return values.map((v) => Buffer.from(v, 'base64'));
    // grpc-js drops (and logs) a value it deems illegal.
    return values.filter((v) => LEGAL_VALUE.test(v));
  }
}

/** Headers grpc-js takes out of the metadata it gives handlers. */
const HIDDEN_HEADERS = new Set(['grpc-timeout', 'grpc-encoding', 'grpc-accept-encoding', 'accept-encoding', 'te', 'content-type']);
const LEGAL_VALUE = /^[ -~]*$/;

class LeanCall implements UnaryCall {
  request: unknown = undefined;
  private received = false;
  /** The request's bytes not yet taken as a message, and how many there are. */
  private pieces: Buffer[] = [];
  private buffered = 0;
  /** How many of them the next step needs: a message's 5-byte header, or the whole message once that was read. */
  private needed = MESSAGE_HEADER_LENGTH;
  private answered = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: ServerHttp2Stream,
    private readonly headers: IncomingHttpHeaders,
    private readonly method: LeanMethod,
    private readonly handlers: ReadonlyMap<string, Unary>,
    private readonly maxMessageBytes: number,
  ) {}

  get metadata(): HeaderMetadata {
    return new HeaderMetadata(this.headers);
  }

  getAuthContext(): ClientAuthContext {
    const socket = this.stream.session?.socket;
    return socket instanceof TLSSocket ? authContextOfSocket(socket) : {};
  }

  start(timeoutMs: number): void {
    const stream = this.stream;
    // Errors come with a 'close' too, and a closed stream is answered no more (see finish()).
    stream.on('error', ignore);
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.on('end', () => this.onEnd());
    if (timeoutMs !== Infinity) this.timer = setTimeout(() => this.fail(GrpcCode.DeadlineExceeded, 'Deadline exceeded'), timeoutMs);
  }

  private onData(chunk: Buffer): void {
    if (this.answered) return;
    this.pieces.push(chunk);
    this.buffered += chunk.length;
    // Pieces are joined only once they hold what is needed next: no copy for a request in one chunk, one
    // for a large one in many.
    while (this.buffered >= this.needed) {
      const bytes = this.pieces.length === 1 ? this.pieces[0]! : Buffer.concat(this.pieces);
      // The compressed flag is not looked at: with identity encoding grpc-js reads either as is.
      const length = bytes.readUInt32BE(1);
      if (length > this.maxMessageBytes) {
        this.fail(GrpcCode.ResourceExhausted, `grpc: received message larger than max (${length} vs. ${this.maxMessageBytes})`);
        return;
      }
      const end = MESSAGE_HEADER_LENGTH + length;
      if (this.pieces.length > 1) this.pieces = [bytes];
      if (bytes.length < end) {
        this.needed = end;
        return;
      }
      if (!this.onMessage(bytes.subarray(MESSAGE_HEADER_LENGTH, end))) return;
      this.pieces = end < bytes.length ? [bytes.subarray(end)] : [];
      this.buffered = bytes.length - end;
      this.needed = MESSAGE_HEADER_LENGTH;
    }
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

  private onEnd(): void {
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

  private succeed(response: unknown): void {
    if (this.finish()) return;
    let body: Buffer;
    try {
      body = this.method.encode(response as never);
    } catch {
      this.answer(GrpcCode.Internal, 'Error serializing response');
      return;
    }
    const frame = framed([body]);
    const stream = this.stream;
    stream.respond(
      { ':status': 200, 'content-type': 'application/grpc+proto', 'grpc-accept-encoding': 'identity,deflate,gzip', 'grpc-encoding': 'identity' },
      { waitForTrailers: true },
    );
    stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': GrpcCode.Ok, 'grpc-message': 'OK' }));
    // grpc-js writes the message, then ends the stream once it is written: the same frames go out.
    stream.end(frame);
  }

  private fail(code: GrpcCode, details: string): void {
    if (!this.finish()) this.answer(code, details);
  }

  /** Marks the call answered; true when it was already, or when its stream is gone (the client cancelled). */
  private finish(): boolean {
    clearTimeout(this.timer);
    if (this.answered) return true;
    this.answered = true;
    return this.stream.destroyed || this.stream.closed;
  }

  /** A "trailers-only" response: the status in the only header block, which ends the stream. */
  private answer(code: GrpcCode, details: string): void {
    this.stream.respond({ 'grpc-status': code, 'grpc-message': encodeURI(details), ':status': 200, 'content-type': 'application/grpc+proto' }, { endStream: true });
  }
}

function ignore(): void {}
