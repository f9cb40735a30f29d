// The KV service's unary calls served by the client port's front end itself (see
// http2-split-connection.ts), ahead of Node's HTTP/2 server and grpc-js: the request's 5-byte gRPC frame
// parsed here, the same handler called, the encoded response and the grpc-status trailers written back.
// Node's server costs about 28 µs of CPU per call; grpc-js made, per call, an intercepting call, a stream decoder, a metadata object
// from every header, a read queue and a dozen listeners and promises; about a tenth of a member's CPU per
// read. What goes out is what grpc-js sends for the same call: the same headers in the same order (as HPACK
// literals), one DATA frame, the same trailers; a failure as a "trailers-only" response. The same with the
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

import { GrpcCode } from '../etcd-errors.js';
import type { ClientAuthContext } from './client-identity.js';
import { toServiceError } from './grpc-service.js';
import { encodeLiterals, type Header } from './http2-frames.js';
import type { OwnStream, OwnStreamHandler, StreamRouter } from './http2-split-connection.js';
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
 * The router that serves the `methods` (by :path) from `handlers`, refusing a request message over
 * `maxMessageBytes`, and leaves every other stream to Node's server (grpc-js).
 */
export function leanRouter(methods: ReadonlyMap<string, LeanMethod>, handlers: ReadonlyMap<string, Unary>, maxMessageBytes: number): StreamRouter {
  return (headers, stream) => {
    const fields = requestFields(headers);
    const method = methods.get(fields.path ?? '');
    const timeoutMs = method === undefined ? undefined : leanTimeout(fields);
    if (method === undefined || timeoutMs === undefined) return undefined;
    return new LeanCall(stream, headers, method, handlers, maxMessageBytes, timeoutMs);
  };
}

/** The request headers this path looks at (each one's first value). */
interface RequestFields {
  path?: string;
  contentType?: string;
  encoding?: string;
  timeout?: string;
}

function requestFields(headers: readonly Header[]): RequestFields {
  const fields: RequestFields = {};
  for (const { name, value } of headers) {
    if (name === ':path') fields.path ??= value;
    else if (name === 'content-type') fields.contentType ??= value;
    else if (name === 'grpc-encoding') fields.encoding ??= value;
    else if (name === 'grpc-timeout') fields.timeout ??= value;
  }
  return fields;
}

/**
 * The call's timeout in milliseconds (Infinity without one) when this path answers it as grpc-js would;
 * undefined when grpc-js should (see the top of this file).
 */
function leanTimeout(fields: RequestFields): number | undefined {
  const contentType = fields.contentType;
  if (contentType === undefined || !contentType.startsWith('application/grpc')) return undefined;
  const encoding = fields.encoding;
  if (encoding !== undefined && encoding !== 'identity') return undefined;
  const timeout = fields.timeout;
  if (timeout === undefined) return Infinity;
  const match = DEADLINE_REGEX.exec(timeout);
  if (match === null) return undefined;
  // grpc-js's arithmetic, including its truncation to 32 bits.
  return (Number(match[1]) * DEADLINE_UNIT_MS[match[2]!]!) | 0;
}

/** grpc-js's call metadata, read from the request's headers when a handler asks (the auth token). */
class HeaderMetadata {
  constructor(private readonly headers: readonly Header[]) {}

  get(key: string): (string | Buffer)[] {
    if (key.startsWith(':') || HIDDEN_HEADERS.has(key)) return [];
    const values = this.headers.filter((h) => h.name === key).map((h) => h.value);
    if (key.endsWith('-bin')) return values.map((v) => Buffer.from(v, 'base64'));
    // grpc-js drops (and logs) a value it deems illegal.
    return values.filter((v) => LEGAL_VALUE.test(v));
  }
}

/** Headers grpc-js takes out of the metadata it gives handlers. */
const HIDDEN_HEADERS = new Set(['grpc-timeout', 'grpc-encoding', 'grpc-accept-encoding', 'accept-encoding', 'te', 'content-type']);
const LEGAL_VALUE = /^[ -~]*$/;

// The header blocks grpc-js sends through Node's server, in its order; Node adds the date last.
const RESPONSE_HEADERS = encodeLiterals([
  { name: ':status', value: '200' },
  { name: 'content-type', value: 'application/grpc+proto' },
  { name: 'grpc-accept-encoding', value: 'identity,deflate,gzip' },
  { name: 'grpc-encoding', value: 'identity' },
]);
const OK_TRAILERS = encodeLiterals([
  { name: 'grpc-status', value: '0' },
  { name: 'grpc-message', value: 'OK' },
]);

/** The date header as Node's server sends it, encoded; made again once a second. */
let dateBlock: { second: number; block: Buffer } = { second: -1, block: Buffer.alloc(0) };

function dateHeader(): Buffer {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (dateBlock.second !== second) dateBlock = { second, block: encodeLiterals([{ name: 'date', value: new Date(now).toUTCString() }]) };
  return dateBlock.block;
}

class LeanCall implements UnaryCall, OwnStreamHandler {
  request: unknown = undefined;
  private received = false;
  /** The request's bytes not yet taken as a message, and how many there are. */
  private pieces: Buffer[] = [];
  private buffered = 0;
  /** How many of them the next step needs: a message's 5-byte header, or the whole message once that was read. */
  private needed = MESSAGE_HEADER_LENGTH;
  private answered = false;
  private cancelled = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: OwnStream,
    private readonly headers: readonly Header[],
    private readonly method: LeanMethod,
    private readonly handlers: ReadonlyMap<string, Unary>,
    private readonly maxMessageBytes: number,
    timeoutMs: number,
  ) {
    if (timeoutMs !== Infinity) this.timer = setTimeout(() => this.fail(GrpcCode.DeadlineExceeded, 'Deadline exceeded'), timeoutMs);
  }

  get metadata(): HeaderMetadata {
    return new HeaderMetadata(this.headers);
  }

  getAuthContext(): ClientAuthContext {
    return this.stream.authContext();
  }

  data(chunk: Buffer): void {
    if (this.answered || chunk.length === 0) return;
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
    this.stream.respond(Buffer.concat([RESPONSE_HEADERS, dateHeader()]), framed([body]), OK_TRAILERS);
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
    const block = encodeLiterals([
      { name: ':status', value: '200' },
      { name: 'grpc-status', value: String(code) },
      { name: 'grpc-message', value: encodeURI(details) },
      { name: 'content-type', value: 'application/grpc+proto' },
    ]);
    this.stream.respond(Buffer.concat([block, dateHeader()]));
  }
}
