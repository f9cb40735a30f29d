// Go's gRPC client, dialing the target "passthrough:///http://host:port" as etcdctl does for
// `endpoint status|hashkv --cluster`, `defrag --cluster` and endpoints given with their scheme, sends
// every request with `:authority: http://host:port`. Go's HTTP/2 server takes it; Node's refuses any
// :authority holding a "/" (RST_STREAM PROTOCOL_ERROR, before a handler runs) and has no setting to
// allow it. So the client's side of each HTTP/2 connection passes through this rewriter first: it
// reads the frames and, in header blocks, turns `scheme://host:port[/...]` into `host:port`.
//
// Header blocks are HPACK-compressed against a dynamic table the client's encoder and the server's
// decoder keep in step. Once one block is rewritten, the server's decoder can no longer follow the
// client's table: from then on every block is decoded here (against the client's table) and encoded
// again as literals that never enter the server's dynamic table. A connection whose first header block
// carries a proper :authority is never rewritten (a gRPC client uses one authority for all its calls),
// and its bytes pass through untouched, without being parsed further.

import hpack, { type Decompressor } from 'hpack.js';
import { errorText } from '../etcd-errors.js';

/** The client connection preface (RFC 9113 §3.4). */
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
export const FRAME_HEADER_LENGTH = 9;

export const enum FrameType {
  Data = 0x0,
  Headers = 0x1,
  Priority = 0x2,
  Settings = 0x4,
  PushPromise = 0x5,
  Ping = 0x6,
  WindowUpdate = 0x8,
  Continuation = 0x9,
}
export const END_STREAM = 0x1;
export const ACK = 0x1;
export const END_HEADERS = 0x4;
const PADDED = 0x8;
const PRIORITY = 0x20;

/** The server's SETTINGS_MAX_FRAME_SIZE and SETTINGS_HEADER_TABLE_SIZE: HTTP/2's defaults, which Node keeps. */
export const MAX_FRAME_SIZE = 16_384;
export const HEADER_TABLE_SIZE = 4096;
/** Bounds on one header block (HEADERS and its CONTINUATIONs), far above any real request's: compressed, */
const MAX_HEADER_BLOCK = 256 * 1024;
/** and decoded, as HPACK counts a header list's size (name, value and 32 octets a field), since a few octets referring to a large table entry again and again would decode to gigabytes. */
const MAX_HEADER_LIST = 1 << 20;

/** A SETTINGS frame that changes nothing: a server connection preface, for a front end that sends it itself. */
export const EMPTY_SETTINGS_FRAME = Buffer.from([0, 0, 0, FrameType.Settings, 0, 0, 0, 0, 0]);

/** The answer to a PING whose payload is `payload` (8 octets). */
export function pingAck(payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0, 0, 8, FrameType.Ping, ACK, 0, 0, 0, 0]), payload]);
}

/** The client's bytes break HTTP/2 framing or HPACK: the connection can only be closed. */
export class Http2StreamError extends Error {}

/**
 * The authority in `value`: `host:port` for `scheme://host:port[/path...]`, else `value` itself (an
 * authority that is already one, or something with nothing before "://" to take).
 */
export function authorityOf(value: string): string {
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]+)/.exec(value);
  return match ? match[1]! : value;
}

interface Header {
  readonly name: string;
  readonly value: string;
  readonly neverIndex?: boolean;
}

/** A header block still arriving: its HEADERS frame and the CONTINUATIONs seen so far. */
interface PendingBlock {
  readonly streamId: number;
  /** END_STREAM and PRIORITY of the HEADERS frame. */
  readonly flags: number;
  /** The HEADERS frame's stream dependency and weight (5 octets), when its PRIORITY flag is set. */
  priority: Buffer | undefined;
  readonly fragments: Buffer[];
  size: number;
  /** The frames as received, for a block passed on unchanged. */
  readonly raw: Buffer[];
}

/** The frame being read: its header, and how much of its payload is still to come. */
interface CurrentFrame {
  readonly type: number;
  readonly flags: number;
  readonly streamId: number;
  readonly length: number;
  left: number;
  /** What the frame is kept for (its payload gathered), if not passed on as it comes. */
  readonly held: 'block' | 'ping' | undefined;
  readonly payload: Buffer[];
}

export interface RewriterOptions {
  /**
   * Remove the client's first SETTINGS ACK: the one answering an EMPTY_SETTINGS_FRAME the front end
   * sent before the server had a say (the server would take an ACK it never asked for as an error).
   */
  readonly dropSettingsAck?: boolean;
}

/**
 * Reads the client's half of an HTTP/2 connection (from its first byte, the preface) and gives back the
 * bytes to pass to the server: the same bytes, except header blocks once rewriting is on and the SETTINGS
 * ACK asked to be dropped. Frames other than HEADERS and CONTINUATION go on as slices of the input,
 * not copies. Throws Http2StreamError on a malformed stream; the connection must then be closed.
 */
export class Http2AuthorityRewriter {
  /**
   * undecided until the first header block has been read; then rewrite (that block's :authority had a
   * scheme: every block is decoded and encoded again) or verbatim (all is passed on as it is).
   */
  mode: 'undecided' | 'verbatim' | 'rewrite' = 'undecided';
  /** The SETTINGS ACK to drop has not been seen yet. */
  ackPending: boolean;
  /** Before the first header block, a frame came that the server should see at once (a GOAWAY, say). */
  needsServer = false;
  /**
   * While set, the client's PINGs are taken out of the stream and their payloads left in `pings`, for a
   * front end that answers them itself before the server is there.
   */
  holdPings = false;
  readonly pings: Buffer[] = [];

  private prefaceLeft = PREFACE.length;
  private readonly headerBytes = Buffer.alloc(FRAME_HEADER_LENGTH);
  private headerFill = 0;
  private frame: CurrentFrame | undefined;
  private block: PendingBlock | undefined;
  private decoder: Decompressor | undefined;
  private decodeError: unknown;

  constructor(options: RewriterOptions = {}) {
    this.ackPending = options.dropSettingsAck === true;
  }

  /** Nothing is left to change: the rest of the connection can go to the server as it comes. */
  get passthrough(): boolean {
    return this.mode === 'verbatim' && !this.ackPending;
  }

  /** The bytes to pass on for `chunk`, the next bytes from the client (possibly none yet). */
  push(chunk: Buffer): Buffer[] {
    if (this.passthrough) return [chunk];
    const out: Buffer[] = [];
    let offset = 0;
    if (this.prefaceLeft > 0) {
      const n = Math.min(this.prefaceLeft, chunk.length);
      const at = PREFACE.length - this.prefaceLeft;
      if (!chunk.subarray(0, n).equals(PREFACE.subarray(at, at + n))) throw new Http2StreamError('not an HTTP/2 connection preface');
      out.push(chunk.subarray(0, n));
      this.prefaceLeft -= n;
      offset = n;
    }
    while (offset < chunk.length) {
      if (this.passthrough) {
        // Only ever at a frame boundary: the rest goes on as it is.
        out.push(chunk.subarray(offset));
        break;
      }
      if (this.frame === undefined) {
        const header = this.readFrameHeader(chunk, offset);
        offset += header.consumed;
        if (header.bytes === undefined) break;
        this.startFrame(header.bytes, out);
      } else {
        const frame = this.frame;
        const n = Math.min(frame.left, chunk.length - offset);
        const piece = chunk.subarray(offset, offset + n);
        if (frame.held !== undefined) frame.payload.push(piece);
        else out.push(piece);
        frame.left -= n;
        offset += n;
      }
      if (this.frame !== undefined && this.frame.left === 0) this.endFrame(out);
    }
    return out;
  }

  /** The next frame header: from `chunk` itself when whole there, else gathered across chunks. */
  private readFrameHeader(chunk: Buffer, offset: number): { consumed: number; bytes: Buffer | undefined } {
    if (this.headerFill === 0 && chunk.length - offset >= FRAME_HEADER_LENGTH) {
      return { consumed: FRAME_HEADER_LENGTH, bytes: chunk.subarray(offset, offset + FRAME_HEADER_LENGTH) };
    }
    const n = Math.min(FRAME_HEADER_LENGTH - this.headerFill, chunk.length - offset);
    chunk.copy(this.headerBytes, this.headerFill, offset, offset + n);
    this.headerFill += n;
    if (this.headerFill < FRAME_HEADER_LENGTH) return { consumed: n, bytes: undefined };
    this.headerFill = 0;
    return { consumed: n, bytes: Buffer.from(this.headerBytes) };
  }

  /** Header frames are held until their block is whole, while blocks are still being read. */
  private isHeaderFrame(type: number): boolean {
    return this.mode !== 'verbatim' && (type === FrameType.Headers || type === FrameType.Continuation);
  }

  private startFrame(header: Buffer, out: Buffer[]): void {
    const length = header.readUIntBE(0, 3);
    const type = header[3]!;
    const flags = header[4]!;
    const streamId = header.readUInt32BE(5) & 0x7fff_ffff;
    if (this.block !== undefined && (type !== FrameType.Continuation || streamId !== this.block.streamId)) {
      throw new Http2StreamError('a header block was interrupted by another frame');
    }
    const ping = this.holdPings && type === FrameType.Ping && (flags & ACK) === 0 && length === 8 && streamId === 0;
    const held = this.isHeaderFrame(type) ? 'block' : ping ? 'ping' : undefined;
    this.frame = { type, flags, streamId, length, left: length, held, payload: [] };
    if (held === 'ping') return;
    if (held === 'block') {
      if (length > MAX_FRAME_SIZE) throw new Http2StreamError('header frame larger than the maximum frame size');
      if (type === FrameType.Continuation && this.block === undefined) throw new Http2StreamError('CONTINUATION without a header block');
      if (type === FrameType.Headers) {
        this.block = { streamId, flags: flags & (END_STREAM | PRIORITY), priority: undefined, fragments: [], size: 0, raw: [] };
      }
      this.block!.raw.push(header);
    } else if (type === FrameType.Settings && (flags & ACK) !== 0 && this.ackPending) {
      if (length !== 0) throw new Http2StreamError('SETTINGS ACK with a payload');
      this.ackPending = false;
    } else {
      if (type === FrameType.PushPromise && this.mode !== 'verbatim') throw new Http2StreamError('PUSH_PROMISE from a client');
      if (this.mode === 'undecided' && type !== FrameType.Settings && type !== FrameType.WindowUpdate && type !== FrameType.Priority) {
        this.needsServer = true;
      }
      out.push(header);
    }
  }

  private endFrame(out: Buffer[]): void {
    const frame = this.frame!;
    this.frame = undefined;
    if (frame.held === undefined) return;
    const payload = frame.payload.length === 1 ? frame.payload[0]! : Buffer.concat(frame.payload);
    if (frame.held === 'ping') {
      this.pings.push(payload);
      return;
    }
    const block = this.block!;
    block.raw.push(payload);
    let fragment = payload;
    if (frame.type === FrameType.Headers) {
      let start = 0;
      let end = payload.length;
      if (frame.flags & PADDED) {
        if (payload.length < 1) throw new Http2StreamError('HEADERS frame too short for its padding');
        end -= payload[0]!;
        start = 1;
      }
      if (frame.flags & PRIORITY) {
        block.priority = payload.subarray(start, start + 5);
        start += 5;
      }
      if (end < start) throw new Http2StreamError('HEADERS padding exceeds the frame');
      fragment = payload.subarray(start, end);
    }
    block.fragments.push(fragment);
    block.size += fragment.length;
    if (block.size > MAX_HEADER_BLOCK) throw new Http2StreamError('header block too large');
    if ((frame.flags & END_HEADERS) === 0) return;
    this.block = undefined;
    this.endBlock(block, out);
  }

  private endBlock(block: PendingBlock, out: Buffer[]): void {
    const headers = this.decode(block.fragments.length === 1 ? block.fragments[0]! : Buffer.concat(block.fragments));
    if (this.mode === 'undecided') {
      const authority = headers.find((h) => h.name === ':authority');
      this.mode = authority !== undefined && authorityOf(authority.value) !== authority.value ? 'rewrite' : 'verbatim';
      if (this.mode === 'verbatim') {
        // The server decodes this block itself, so its table follows the client's from the start.
        this.decoder = undefined;
        out.push(...block.raw);
        return;
      }
    }
    const rewritten = headers.map((h) => (h.name === ':authority' ? { ...h, value: authorityOf(h.value) } : h));
    out.push(...headerFrames(block.streamId, block.flags, block.priority, encodeLiterals(rewritten)));
  }

  /** Decodes one whole header block against the client's dynamic table. */
  private decode(block: Buffer): Header[] {
    if (this.decoder === undefined) {
      this.decoder = hpack.decompressor.create({ table: { maxSize: HEADER_TABLE_SIZE } });
      this.decoder.on('error', (err: unknown) => {
        this.decodeError = err;
      });
    }
    this.decoder.write(block);
    this.decoder.execute();
    const headers: Header[] = [];
    let size = 0;
    for (let header = this.decoder.read(); header !== null; header = this.decoder.read()) {
      size += header.name.length + header.value.length + 32;
      if (size > MAX_HEADER_LIST) throw new Http2StreamError('header list too large');
      headers.push(header);
    }
    if (this.decodeError !== undefined) {
      throw new Http2StreamError(`malformed header block: ${errorText(this.decodeError)}`);
    }
    return headers;
  }
}

/**
 * A header block of literals without indexing, names included, strings without Huffman coding: it
 * leaves the decoder's dynamic table as it was, so every block stands alone.
 */
export function encodeLiterals(headers: readonly Header[]): Buffer {
  const parts: number[] = [];
  const string = (text: string): void => {
    encodeInteger(parts, 0x00, 7, text.length);
    for (let i = 0; i < text.length; i++) parts.push(text.charCodeAt(i) & 0xff);
  };
  for (const header of headers) {
    // 0000 0000: literal without indexing, new name; 0001 0000: never indexed, new name.
    parts.push(header.neverIndex ? 0x10 : 0x00);
    string(header.name);
    string(header.value);
  }
  return Buffer.from(parts);
}

/** HPACK's integer with an N-bit prefix (RFC 7541 §5.1), the prefix's other bits set to `high`. */
function encodeInteger(out: number[], high: number, prefixBits: number, value: number): void {
  const max = (1 << prefixBits) - 1;
  if (value < max) {
    out.push(high | value);
    return;
  }
  out.push(high | max);
  let rest = value - max;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
}

/**
 * A HEADERS frame (no padding; END_STREAM and PRIORITY as given) carrying `block`, and CONTINUATION
 * frames for what does not fit in MAX_FRAME_SIZE; the last frame has END_HEADERS.
 */
export function headerFrames(streamId: number, flags: number, priority: Buffer | undefined, block: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  const prefix = priority !== undefined && (flags & PRIORITY) !== 0 ? priority : Buffer.alloc(0);
  let offset = Math.min(block.length, MAX_FRAME_SIZE - prefix.length);
  const frameFlags = (flags & (END_STREAM | PRIORITY)) | (offset === block.length ? END_HEADERS : 0);
  frames.push(frameHeader(prefix.length + offset, FrameType.Headers, frameFlags, streamId), prefix, block.subarray(0, offset));
  while (offset < block.length) {
    const n = Math.min(block.length - offset, MAX_FRAME_SIZE);
    const last = offset + n === block.length;
    frames.push(frameHeader(n, FrameType.Continuation, last ? END_HEADERS : 0, streamId), block.subarray(offset, offset + n));
    offset += n;
  }
  return frames;
}

export function frameHeader(length: number, type: number, flags: number, streamId: number): Buffer {
  const header = Buffer.alloc(FRAME_HEADER_LENGTH);
  header.writeUIntBE(length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(streamId & 0x7fff_ffff, 5);
  return header;
}
