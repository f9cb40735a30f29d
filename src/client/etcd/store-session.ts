// gRPC calls to one etcd endpoint over a plain HTTP/2 session: unary calls (one POST of a length-prefixed
// protobuf message, answered by one message and a grpc-status trailer) and streams (Watch: messages each
// way until one side ends it). grpc-js's channel, call and filter layers around that had cost the apiserver
// about 200 µs of CPU per unary call, most of what it spent talking to its store. The session is opened on
// first use and again after it closes; a call or stream on a session that cannot connect fails
// UNAVAILABLE, so the caller can try another endpoint, as a grpc-js channel in TRANSIENT_FAILURE fails a
// call that does not wait for ready. While calls or streams are open the session is pinged (Keepalive);
// one whose ping goes unanswered is destroyed, which fails them UNAVAILABLE too.

import * as http2 from 'node:http2';
import { GrpcCode } from '../../etcd-errors.js';
import { endpointAddress, endpointTls, type ClientTls } from './channel.js';

/**
 * Pings while calls are open, closing a connection whose ping is not answered in time (grpc-go's keepalive
 * ClientParameters without PermitWithoutStream): a peer gone without a reset is otherwise found only by a
 * call's deadline, and a watch has none.
 */
export interface Keepalive {
  readonly timeMs: number;
  readonly timeoutMs: number;
}

/** A gRPC failure: its status code and the message as the server sent it (etcd's), or this layer's own. */
export class StoreError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

// Large LIST responses arrive in one window rather than in 64 KiB steps.
const STREAM_WINDOW = 4 * 1024 * 1024;
const SESSION_WINDOW = 16 * 1024 * 1024;

const { HTTP2_HEADER_METHOD, HTTP2_HEADER_PATH, HTTP2_HEADER_CONTENT_TYPE, HTTP2_HEADER_TE, HTTP2_HEADER_STATUS, NGHTTP2_CANCEL, NGHTTP2_NO_ERROR } = http2.constants;

/** grpc-message is percent-encoded (gRPC's HTTP/2 mapping). */
function decodeMessage(raw: string | string[] | undefined): string {
  const text = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function statusOf(headers: http2.IncomingHttpHeaders): number | undefined {
  const raw = headers['grpc-status'];
  return raw === undefined ? undefined : Number(Array.isArray(raw) ? raw[0] : raw);
}

/** What a stream's owner is told: each response message, then once how the stream ended. */
export interface StreamHandlers {
  onMessage(message: Buffer): void;
  /** Undefined: the server ended the stream with status OK. Not called after cancel(). */
  onEnd(failure: StoreError | undefined): void;
}

/** A request stream: messages written as they come, until cancel(). */
export interface RequestStream {
  write(message: Uint8Array): void;
  cancel(): void;
}

/** A message as gRPC frames it: not compressed, its length big-endian, then its bytes. */
function framed(message: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(5 + message.length);
  frame[0] = 0;
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

/** How an exchange ended: the transport's failure, else the server's status. */
interface Outcome {
  failure?: StoreError;
  status?: number;
  message: string;
}

function failureOf(outcome: Outcome, rstCode: number | undefined): StoreError | undefined {
  if (outcome.failure) return outcome.failure;
  if (outcome.status === undefined) return new StoreError(GrpcCode.Unavailable, `stream closed with code ${rstCode ?? 0} and no status`);
  return outcome.status === 0 ? undefined : new StoreError(outcome.status, outcome.message);
}

export class StoreSession {
  private session: http2.ClientHttp2Session | undefined;
  /** Calls and streams open per session (one that is closing may still finish some). */
  private readonly active = new WeakMap<http2.ClientHttp2Session, number>();
  /** Each session's ping timer, running while it has calls or streams open. */
  private readonly pingTimers = new WeakMap<http2.ClientHttp2Session, NodeJS.Timeout>();
  /** Streams open, cancelled by close(): a graceful close of the session would wait for them forever. */
  private readonly streams = new Set<RequestStream>();
  private readonly authority: string;
  private readonly options: http2.SecureClientSessionOptions;

  constructor(
    endpoint: string,
    tls: ClientTls | undefined,
    private readonly keepalive: Keepalive,
  ) {
    const effective = endpointTls(endpoint, tls);
    this.authority = `${effective ? 'https' : 'http'}://${endpointAddress(endpoint)}`;
    this.options = {
      settings: { initialWindowSize: STREAM_WINDOW },
      ...(effective
        ? {
            ...(effective.ca ? { ca: effective.ca } : {}),
            ...(effective.cert ? { cert: effective.cert } : {}),
            ...(effective.key ? { key: effective.key } : {}),
            rejectUnauthorized: !effective.skipVerify,
          }
        : {}),
    };
  }

  /** Sends `request` (an encoded message) to `path`; resolves with the encoded response message. */
  call(path: string, request: Uint8Array, timeoutMs: number): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let timer: NodeJS.Timeout | undefined;
      const stream = this.exchange(path, { 'grpc-timeout': `${Math.max(1, Math.ceil(timeoutMs))}m` }, (chunk) => chunks.push(chunk), (failure) => {
        clearTimeout(timer);
        if (failure) return reject(failure);
        const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        if (body.length < 5 || body[0] !== 0 || body.readUInt32BE(1) !== body.length - 5) {
          return reject(new StoreError(GrpcCode.Internal, 'malformed or compressed response message'));
        }
        resolve(body.subarray(5));
      });
      if (!stream) return;
      timer = setTimeout(() => stream.fail(new StoreError(GrpcCode.DeadlineExceeded, 'Deadline exceeded')), timeoutMs);
      stream.http2.end(framed(request));
    });
  }

  /** Opens a stream to `path` (a bidirectional method: Watch) with the given request metadata. */
  stream(path: string, metadata: Readonly<Record<string, string>>, handlers: StreamHandlers): RequestStream {
    let pending: Buffer | undefined;
    let cancelled = false;
    const exchange = this.exchange(path, metadata, (chunk) => {
      // Messages may arrive split over chunks, or several in one.
      const bytes = pending ? Buffer.concat([pending, chunk]) : chunk;
      let at = 0;
      while (!cancelled && bytes.length - at >= 5) {
        if (bytes[at] !== 0) return exchange?.fail(new StoreError(GrpcCode.Internal, 'compressed response message'));
        const length = bytes.readUInt32BE(at + 1);
        if (bytes.length - at - 5 < length) break;
        handlers.onMessage(bytes.subarray(at + 5, at + 5 + length));
        at += 5 + length;
      }
      pending = at < bytes.length ? bytes.subarray(at) : undefined;
    }, (failure) => {
      this.streams.delete(opened);
      if (!cancelled) handlers.onEnd(failure);
    });
    const opened: RequestStream = {
      write: (message) => {
        const http2Stream = exchange?.http2;
        if (http2Stream && !http2Stream.closed && !http2Stream.destroyed) http2Stream.write(framed(message));
      },
      cancel: () => {
        cancelled = true;
        this.streams.delete(opened);
        exchange?.http2.close(NGHTTP2_CANCEL);
      },
    };
    if (exchange) this.streams.add(opened);
    return opened;
  }

  /**
   * Opens an HTTP/2 stream for one gRPC call and follows it to its end: `onData` gets the response body
   * as it arrives, `onEnd` how it ended, once. Undefined (after `onEnd`, in a microtask) when the session
   * refused the stream.
   */
  private exchange(
    path: string,
    metadata: Readonly<Record<string, string>>,
    onData: (chunk: Buffer) => void,
    onEnd: (failure: StoreError | undefined) => void,
  ): { readonly http2: http2.ClientHttp2Stream; fail(failure: StoreError): void } | undefined {
    const session = this.open();
    let stream: http2.ClientHttp2Stream;
    try {
      stream = session.request({
        [HTTP2_HEADER_METHOD]: 'POST',
        [HTTP2_HEADER_PATH]: path,
        [HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
        [HTTP2_HEADER_TE]: 'trailers',
        ...metadata,
      });
    } catch (err) {
      // A session already closing refuses new streams: the next call opens a fresh one.
      this.forget(session);
      queueMicrotask(() => onEnd(new StoreError(GrpcCode.Unavailable, (err as Error).message)));
      return undefined;
    }
    this.hold(session);
    const outcome: Outcome = { message: '' };
    stream.on('response', (headers) => {
      const httpStatus = Number(headers[HTTP2_HEADER_STATUS]);
      if (httpStatus !== 200) outcome.failure ??= new StoreError(GrpcCode.Unknown, `unexpected HTTP status ${httpStatus}`);
      // A trailers-only response carries the status in its headers.
      outcome.status = statusOf(headers) ?? outcome.status;
      if (outcome.status !== undefined) outcome.message = decodeMessage(headers['grpc-message']);
    });
    stream.on('trailers', (trailers) => {
      outcome.status = statusOf(trailers) ?? outcome.status;
      outcome.message = decodeMessage(trailers['grpc-message']);
    });
    stream.on('data', onData);
    // The server ended its side, with its status: the call is over. A stream whose own side is still open
    // (a watch) would stay half-closed, 'close' never coming, unless the server also resets it (etcd's
    // grpc-go does; a server that does not would leave the watch silent).
    stream.on('end', () => {
      if (!stream.writableEnded) stream.close(NGHTTP2_NO_ERROR);
    });
    stream.on('error', (err: Error) => {
      // Not told apart by reset code: Node reports a refused connection as a reset with INTERNAL_ERROR and
      // one lost mid-call as CANCEL, the codes a server's own reset would carry.
      outcome.failure ??= new StoreError(GrpcCode.Unavailable, err.message);
    });
    stream.on('close', () => {
      this.release(session);
      onEnd(failureOf(outcome, stream.rstCode));
    });
    return {
      http2: stream,
      fail: (failure) => {
        outcome.failure ??= failure;
        stream.close(NGHTTP2_CANCEL);
      },
    };
  }

  close(): void {
    for (const stream of this.streams) stream.cancel();
    this.session?.close();
    this.session = undefined;
  }

  private open(): http2.ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const session = http2.connect(this.authority, this.options);
    session.on('connect', () => session.setLocalWindowSize(SESSION_WINDOW));
    // Errors reach the calls through their streams; a session that failed or was told to go away is
    // not used for new calls.
    session.on('error', () => this.forget(session));
    session.on('goaway', () => this.forget(session));
    session.on('close', () => this.forget(session));
    session.unref();
    this.session = session;
    return session;
  }

  private forget(session: http2.ClientHttp2Session): void {
    if (this.session === session) this.session = undefined;
  }

  /** Open calls and streams keep the process alive, as grpc-js's do, and the session pinged; an idle session neither. */
  private hold(session: http2.ClientHttp2Session): void {
    const calls = this.active.get(session) ?? 0;
    if (calls === 0) {
      session.ref();
      this.pingTimers.set(session, setInterval(() => this.ping(session), this.keepalive.timeMs).unref());
    }
    this.active.set(session, calls + 1);
  }

  private release(session: http2.ClientHttp2Session): void {
    const calls = (this.active.get(session) ?? 1) - 1;
    if (calls === 0) {
      session.unref();
      clearInterval(this.pingTimers.get(session));
    }
    this.active.set(session, calls);
  }

  private ping(session: http2.ClientHttp2Session): void {
    if (session.destroyed) return;
    const unanswered = setTimeout(() => session.destroy(new Error('keepalive ping not answered')), this.keepalive.timeoutMs).unref();
    const sent = session.ping((err) => {
      clearTimeout(unanswered);
      if (err && !session.destroyed) session.destroy(err);
    });
    // Not sent: a ping is still outstanding, and its own timer decides.
    if (!sent) clearTimeout(unanswered);
  }
}
