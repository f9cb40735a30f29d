// A lean unary gRPC client straight over node:http2, for the load generator's request loops. grpc-js's
// client stack (interceptors, resolving and load-balancing calls, a captured stack and a timer per call)
// costs several times more CPU per request than the HTTP/2 exchange itself, and on a small machine that
// made the generator the bottleneck. One gRPC unary call is one HTTP/2 stream: a POST whose body is one
// length-prefixed message, answered by one message and a grpc-status trailer (or, on error, by a
// trailers-only response). Deadlines are sent as grpc-timeout and enforced by a sweep, not a timer per call.

import * as http2 from 'node:http2';
import { connect } from 'node:net';
import { serviceDefinition } from '../../src/wire/proto.js';
import type { Message } from './grpc.js';

type Codec = { serialize: (value: object) => Buffer; deserialize: (bytes: Buffer) => Message; path: string };
const codecs = new Map<string, Codec>();

function codec(service: string, method: string): Codec {
  const id = `${service}/${method}`;
  let found = codecs.get(id);
  if (!found) {
    const definition = serviceDefinition(`etcdserverpb.${service}`)[method];
    if (!definition) throw new Error(`no method etcdserverpb.${service}.${method}`);
    found = {
      serialize: definition.requestSerialize as Codec['serialize'],
      deserialize: definition.responseDeserialize as Codec['deserialize'],
      path: definition.path,
    };
    codecs.set(id, found);
  }
  return found;
}

/** A gRPC error as grpc-js shapes one (code, details), so that errors count alike whichever client failed. */
export class CallError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
  ) {
    super(`${code} ${details}`);
  }
}

const UNAVAILABLE = 14;
const DEADLINE_EXCEEDED = 4;
const INTERNAL = 13;

interface Pending {
  stream: http2.ClientHttp2Stream;
  deadline: number;
  fail: (err: CallError) => void;
}

export class UnaryClient {
  private session?: http2.ClientHttp2Session;
  private readonly pending = new Set<Pending>();
  private readonly sweeper: NodeJS.Timeout;

  private readonly host: string;
  private readonly port: number;

  constructor(readonly endpoint: string) {
    const at = endpoint.lastIndexOf(':');
    this.host = endpoint.slice(0, at).replace(/^\[|\]$/g, '');
    this.port = Number(endpoint.slice(at + 1));
    this.sweeper = setInterval(() => this.sweep(), 50);
    this.sweeper.unref();
  }

  private connect(): http2.ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const session = http2.connect(`http://${this.endpoint}`, {
      settings: { enablePush: false },
      createConnection: () => connect({ host: this.host, port: this.port, noDelay: true }),
    });
    session.on('error', () => undefined); // each stream reports its own failure
    session.on('close', () => {
      if (this.session === session) this.session = undefined;
    });
    this.session = session;
    return session;
  }

  /** Opens the HTTP/2 connection now (rather than on the first call). */
  ready(timeoutMs: number): Promise<void> {
    const session = this.connect();
    if (session.connecting === false) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`could not connect to ${this.endpoint}`)), timeoutMs);
      session.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      session.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`could not connect to ${this.endpoint}: ${err.message}`));
      });
    });
  }

  call(service: string, method: string, request: object, timeoutMs: number): Promise<Message> {
    const { serialize, deserialize, path } = codec(service, method);
    const body = serialize(request);
    const frame = Buffer.allocUnsafe(5 + body.length);
    frame[0] = 0;
    frame.writeUInt32BE(body.length, 1);
    body.copy(frame, 5);
    return new Promise<Message>((resolve, reject) => {
      let stream: http2.ClientHttp2Stream;
      try {
        stream = this.connect().request({
          ':method': 'POST',
          ':path': path,
          'content-type': 'application/grpc',
          te: 'trailers',
          'grpc-timeout': `${timeoutMs}m`,
        });
      } catch (err) {
        reject(new CallError(UNAVAILABLE, err instanceof Error ? err.message : String(err)));
        return;
      }
      const chunks: Buffer[] = [];
      let status: number | undefined;
      let details = '';
      let settled = false;
      const entry: Pending = {
        stream,
        deadline: Date.now() + timeoutMs,
        fail: (err) => settle(err),
      };
      const settle = (err?: CallError, response?: Message): void => {
        if (settled) return;
        settled = true;
        this.pending.delete(entry);
        if (err) reject(err);
        else resolve(response!);
      };
      const readStatus = (headers: http2.IncomingHttpHeaders): void => {
        const code = headers['grpc-status'];
        if (code !== undefined) {
          status = Number(code);
          const message = headers['grpc-message'];
          details = typeof message === 'string' ? decodeURIComponent(message) : '';
        }
      };
      this.pending.add(entry);
      stream.on('response', readStatus);
      stream.on('trailers', readStatus);
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (err) => settle(new CallError(UNAVAILABLE, err.message)));
      stream.on('close', () => {
        if (status === undefined) return settle(new CallError(stream.rstCode === http2.constants.NGHTTP2_CANCEL ? DEADLINE_EXCEEDED : UNAVAILABLE, `stream closed without a status (code ${stream.rstCode})`));
        if (status !== 0) return settle(new CallError(status, details));
        const data = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        if (data.length < 5 || data[0] !== 0) return settle(new CallError(INTERNAL, 'malformed response message'));
        try {
          settle(undefined, deserialize(data.subarray(5, 5 + data.readUInt32BE(1))));
        } catch (err) {
          settle(new CallError(INTERNAL, err instanceof Error ? err.message : String(err)));
        }
      });
      stream.end(frame);
    });
  }

  private sweep(): void {
    const now = Date.now();
    for (const entry of this.pending) {
      if (entry.deadline > now) continue;
      entry.fail(new CallError(DEADLINE_EXCEEDED, 'Deadline exceeded'));
      entry.stream.close(http2.constants.NGHTTP2_CANCEL);
    }
  }

  close(): void {
    clearInterval(this.sweeper);
    this.session?.close();
    this.session = undefined;
  }
}
