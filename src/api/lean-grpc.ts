// What the gRPC calls the client port's front end serves itself share (lean-unary.ts, lean-duplex.ts): which
// streams they take, the request's headers as grpc-js reads them, its length-prefixed messages, and the
// header blocks grpc-js would send. A stream they would answer differently from grpc-js goes to grpc-js
// instead, before anything was read from it: a content-type that is not gRPC's, a compressed request
// (grpc-encoding other than identity), a grpc-timeout grpc-js cannot read.
//
// One difference, etcd's: a request message over --max-request-bytes plus 512 KiB is refused as etcd's
// gRPC server (grpc-go) refuses it, RESOURCE_EXHAUSTED once its length is read, where grpc-js (told no
// limit) would read it whole.

import { GrpcCode } from '../etcd-errors.js';
import { encodeLiterals, type Header } from './http2-frames.js';
import type { OwnStream, OwnStreamHandler, StreamRouter } from './http2-own-stream.js';

/** What etcd adds to --max-request-bytes for its gRPC server's largest request message (grpcOverheadBytes). */
export const GRPC_OVERHEAD_BYTES = 512 * 1024;

/** Starts serving one call of a method, given its request headers and its timeout (ms, Infinity for none). */
export type LeanStart = (stream: OwnStream, headers: readonly Header[], timeoutMs: number) => OwnStreamHandler;

/** The router that serves the methods of `starts` (by :path) and leaves every other stream to Node's server. */
export function leanRouter(starts: ReadonlyMap<string, LeanStart>): StreamRouter {
  return (headers, stream) => {
    const fields = requestFields(headers);
    const start = starts.get(fields.path ?? '');
    const timeoutMs = start === undefined ? undefined : leanTimeout(fields);
    if (start === undefined || timeoutMs === undefined) return undefined;
    return start(stream, headers, timeoutMs);
  };
}

/** grpc-js's reading of grpc-timeout (not anchored: "1Sx" is a second) and its units in milliseconds. */
const DEADLINE_REGEX = /(\d{1,8})\s*([HMSmun])/;
const DEADLINE_UNIT_MS: Readonly<Record<string, number>> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 };

/** The request headers the router looks at (each one's first value). */
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
 * The call's timeout in milliseconds (Infinity without one) when the front end answers it as grpc-js
 * would; undefined when grpc-js should (see the top of this file).
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
export class HeaderMetadata {
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

const MESSAGE_HEADER_LENGTH = 5;

/**
 * A request's gRPC messages (a zero or one byte, a big-endian length, the message) out of its DATA
 * payloads, cut anywhere.
 */
export class GrpcMessageReader {
  /** The bytes not yet taken as a message, and how many there are. */
  private pieces: Buffer[] = [];
  private buffered = 0;
  /** How many of them the next step needs: a message's 5-byte header, or the whole message once that was read. */
  private needed = MESSAGE_HEADER_LENGTH;

  constructor(
    private readonly maxMessageBytes: number,
    /** Takes one message; false to read no further. */
    private readonly onMessage: (message: Buffer) => boolean,
    private readonly onTooLarge: (status: { code: GrpcCode; details: string }) => void,
  ) {}

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.pieces.push(chunk);
    this.buffered += chunk.length;
    // Pieces are joined only once they hold what is needed next: no copy for a message in one chunk, one
    // for a large one in many.
    while (this.buffered >= this.needed) {
      const bytes = this.pieces.length === 1 ? this.pieces[0]! : Buffer.concat(this.pieces);
      // The compressed flag is not looked at: with identity encoding grpc-js reads either as is.
      const length = bytes.readUInt32BE(1);
      if (length > this.maxMessageBytes) {
        this.onTooLarge({ code: GrpcCode.ResourceExhausted, details: `grpc: received message larger than max (${length} vs. ${this.maxMessageBytes})` });
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
}

// The header blocks grpc-js sends through Node's server, in its order; Node adds the date last.
const RESPONSE_HEADERS = encodeLiterals([
  { name: ':status', value: '200' },
  { name: 'content-type', value: 'application/grpc+proto' },
  { name: 'grpc-accept-encoding', value: 'identity,deflate,gzip' },
  { name: 'grpc-encoding', value: 'identity' },
]);
export const OK_TRAILERS = statusTrailers(GrpcCode.Ok, 'OK');

/** The date header as Node's server sends it, encoded; made again once a second. */
let dateBlock: { second: number; block: Buffer } = { second: -1, block: Buffer.alloc(0) };

function dateHeader(): Buffer {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (dateBlock.second !== second) dateBlock = { second, block: encodeLiterals([{ name: 'date', value: new Date(now).toUTCString() }]) };
  return dateBlock.block;
}

/** The response's header block, sent before its first message. */
export function responseHeaders(): Buffer {
  return Buffer.concat([RESPONSE_HEADERS, dateHeader()]);
}

/**
 * grpc-message as etcd's grpc-go writes it: printable ASCII but '%' as it is, every other byte of the
 * UTF-8 text percent-encoded (grpc-js encodes spaces and more; a client decodes either alike).
 */
export function encodeGrpcMessage(details: string): string {
  if (/^[\x20-\x24\x26-\x7e]*$/.test(details)) return details;
  let out = '';
  for (const byte of Buffer.from(details, 'utf8')) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The trailers that end a response whose headers went out. */
export function statusTrailers(code: GrpcCode, details: string): Buffer {
  return encodeLiterals([
    { name: 'grpc-status', value: String(code) },
    { name: 'grpc-message', value: encodeGrpcMessage(details) },
  ]);
}

/** A "trailers-only" response: the status in the only header block, which ends the stream. */
export function trailersOnly(code: GrpcCode, details: string): Buffer {
  const block = encodeLiterals([
    { name: ':status', value: '200' },
    { name: 'grpc-status', value: String(code) },
    { name: 'grpc-message', value: encodeGrpcMessage(details) },
    { name: 'content-type', value: 'application/grpc+proto' },
  ]);
  return Buffer.concat([block, dateHeader()]);
}
