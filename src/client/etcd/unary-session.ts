// Unary gRPC calls to one etcd endpoint over a plain HTTP/2 session. A call is one POST of a
// length-prefixed protobuf message answered by one message and a grpc-status trailer; grpc-js's channel,
// call and filter layers around that cost the apiserver about 200 µs of CPU per call, most of what it spent
// talking to its store. Streams (Watch) stay on grpc-js. The session is opened on first use and again after
// it closes; a call on a session that cannot connect fails UNAVAILABLE, so the caller can try another
// endpoint, as a grpc-js channel in TRANSIENT_FAILURE fails a call that does not wait for ready. While
// calls are in flight the session is pinged (Keepalive); one whose ping goes unanswered is destroyed, which
// fails its calls UNAVAILABLE too.

import * as http2 from 'node:http2';
import { GrpcCode } from '../../etcd-errors.js';
import { endpointAddress, endpointTls, type ClientTls, type Keepalive } from './channel.js';

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

const { HTTP2_HEADER_METHOD, HTTP2_HEADER_PATH, HTTP2_HEADER_CONTENT_TYPE, HTTP2_HEADER_TE, HTTP2_HEADER_STATUS, NGHTTP2_CANCEL } = http2.constants;

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

export class UnarySession {
  private session: http2.ClientHttp2Session | undefined;
  /** Calls in flight per session (one that is closing may still finish some). */
  private readonly active = new WeakMap<http2.ClientHttp2Session, number>();
  /** Each session's ping timer, running while it has calls in flight. */
  private readonly pingTimers = new WeakMap<http2.ClientHttp2Session, NodeJS.Timeout>();
  private readonly authority: string;
  private readonly options: http2.SecureClientSessionOptions;

  constructor(
    endpoint: string,
    tls: ClientTls | undefined,
    private readonly keepalive?: Keepalive,
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
      const session = this.open();
      let stream: http2.ClientHttp2Stream;
      try {
        stream = session.request({
          [HTTP2_HEADER_METHOD]: 'POST',
          [HTTP2_HEADER_PATH]: path,
          [HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
          [HTTP2_HEADER_TE]: 'trailers',
          'grpc-timeout': `${Math.max(1, Math.ceil(timeoutMs))}m`,
        });
      } catch (err) {
        // A session already closing refuses new streams: the next call opens a fresh one.
        this.forget(session);
        reject(new StoreError(GrpcCode.Unavailable, (err as Error).message));
        return;
      }
      this.hold(session);
      const chunks: Buffer[] = [];
      let status: number | undefined;
      let message = '';
      let failure: StoreError | undefined;
      const timer = setTimeout(() => {
        failure = new StoreError(GrpcCode.DeadlineExceeded, 'Deadline exceeded');
        stream.close(NGHTTP2_CANCEL);
      }, timeoutMs);
      stream.on('response', (headers) => {
        const httpStatus = Number(headers[HTTP2_HEADER_STATUS]);
        if (httpStatus !== 200) failure ??= new StoreError(GrpcCode.Unknown, `unexpected HTTP status ${httpStatus}`);
        // A trailers-only response carries the status in its headers.
        status = statusOf(headers) ?? status;
        if (status !== undefined) message = decodeMessage(headers['grpc-message']);
      });
      stream.on('trailers', (trailers) => {
        status = statusOf(trailers) ?? status;
        message = decodeMessage(trailers['grpc-message']);
      });
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (err: Error) => {
        // Not told apart by reset code: Node reports a refused connection as a reset with INTERNAL_ERROR and
        // one lost mid-call as CANCEL, the codes a server's own reset would carry.
        failure ??= new StoreError(GrpcCode.Unavailable, err.message);
      });
      stream.on('close', () => {
        clearTimeout(timer);
        this.release(session);
        if (failure) return reject(failure);
        if (status === undefined) return reject(new StoreError(GrpcCode.Unavailable, `stream closed with code ${stream.rstCode ?? 0} and no status`));
        if (status !== 0) return reject(new StoreError(status, message));
        const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        if (body.length < 5 || body[0] !== 0 || body.readUInt32BE(1) !== body.length - 5) {
          return reject(new StoreError(GrpcCode.Internal, 'malformed or compressed response message'));
        }
        resolve(body.subarray(5));
      });
      const frame = Buffer.allocUnsafe(5 + request.length);
      frame[0] = 0;
      frame.writeUInt32BE(request.length, 1);
      frame.set(request, 5);
      stream.end(frame);
    });
  }

  close(): void {
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

  /** Calls in flight keep the process alive, as grpc-js's do, and the session pinged; an idle session neither. */
  private hold(session: http2.ClientHttp2Session): void {
    const calls = this.active.get(session) ?? 0;
    if (calls === 0) {
      session.ref();
      if (this.keepalive) this.pingTimers.set(session, setInterval(() => this.ping(session), this.keepalive.timeMs).unref());
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
    if (session.destroyed || !this.keepalive) return;
    const unanswered = setTimeout(() => session.destroy(new Error('keepalive ping not answered')), this.keepalive.timeoutMs).unref();
    const sent = session.ping((err) => {
      clearTimeout(unanswered);
      if (err && !session.destroyed) session.destroy(err);
    });
    // Not sent: a ping is still outstanding, and its own timer decides.
    if (!sent) clearTimeout(unanswered);
  }
}
