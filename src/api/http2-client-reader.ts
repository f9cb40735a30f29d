// The client's half of an HTTP/2 connection, read frame by frame: the preface checked, each frame
// gathered whole (a frame is at most MAX_FRAME_SIZE octets, the size the server announces), header
// blocks (HEADERS and its CONTINUATIONs) put together and decoded against the client's HPACK dynamic
// table (hpack-decoder.ts). What to do with each frame is the caller's (see http2-split-connection.ts).

import { HpackDecoder } from './hpack-decoder.js';
import {
  END_HEADERS,
  END_STREAM,
  FRAME_HEADER_LENGTH,
  FrameType,
  HEADER_TABLE_SIZE,
  Http2StreamError,
  MAX_FRAME_SIZE,
  PADDED,
  PREFACE,
  PRIORITY,
  type Header,
} from './http2-frames.js';

/** Bounds on one header block, far above any real request's: compressed, */
const MAX_HEADER_BLOCK = 256 * 1024;
/** and decoded, as HPACK counts a header list's size (name, value and 32 octets a field), since a few octets referring to a large table entry again and again would decode to gigabytes. */
const MAX_HEADER_LIST = 1 << 20;

export interface ClientFrameSink {
  /** The connection preface, once whole. */
  preface(bytes: Buffer): void;
  /** A whole header block: its decoded fields, the HEADERS frame's END_STREAM and PRIORITY flags and priority fields. */
  headers(streamId: number, headers: Header[], flags: number, priority: Buffer | undefined): void;
  /** Any other frame, whole: `frame` is its header and payload, `payload` a view of the latter. */
  frame(type: number, flags: number, streamId: number, payload: Buffer, frame: Buffer): void;
}

/** A header block still arriving: its HEADERS frame and the CONTINUATIONs seen so far. */
interface PendingBlock {
  readonly streamId: number;
  readonly flags: number;
  readonly priority: Buffer | undefined;
  readonly fragments: Buffer[];
  size: number;
}

/** Throws Http2StreamError on a malformed stream; the connection must then be closed. */
export class ClientFrameReader {
  private prefaceLeft = PREFACE.length;
  /** Bytes of a frame not yet whole. */
  private partial: Buffer | undefined;
  private block: PendingBlock | undefined;
  private readonly decoder = new HpackDecoder(HEADER_TABLE_SIZE);

  constructor(private readonly sink: ClientFrameSink) {}

  push(chunk: Buffer): void {
    let bytes = chunk;
    if (this.prefaceLeft > 0) {
      const n = Math.min(this.prefaceLeft, bytes.length);
      const at = PREFACE.length - this.prefaceLeft;
      if (!bytes.subarray(0, n).equals(PREFACE.subarray(at, at + n))) throw new Http2StreamError('not an HTTP/2 connection preface');
      this.prefaceLeft -= n;
      if (this.prefaceLeft === 0) this.sink.preface(PREFACE);
      bytes = bytes.subarray(n);
    }
    if (this.partial !== undefined) {
      bytes = Buffer.concat([this.partial, bytes]);
      this.partial = undefined;
    }
    let offset = 0;
    while (bytes.length - offset >= FRAME_HEADER_LENGTH) {
      const length = bytes.readUIntBE(offset, 3);
      if (length > MAX_FRAME_SIZE) throw new Http2StreamError('frame larger than the maximum frame size');
      const end = offset + FRAME_HEADER_LENGTH + length;
      if (end > bytes.length) break;
      const type = bytes[offset + 3]!;
      const flags = bytes[offset + 4]!;
      const streamId = bytes.readUInt32BE(offset + 5) & 0x7fff_ffff;
      this.onFrame(type, flags, streamId, bytes.subarray(offset + FRAME_HEADER_LENGTH, end), bytes.subarray(offset, end));
      offset = end;
    }
    // A copy: the socket's chunk is not kept alive by a few bytes of it.
    if (offset < bytes.length) this.partial = Buffer.from(bytes.subarray(offset));
  }

  private onFrame(type: number, flags: number, streamId: number, payload: Buffer, frame: Buffer): void {
    if (this.block !== undefined && (type !== FrameType.Continuation || streamId !== this.block.streamId)) {
      throw new Http2StreamError('a header block was interrupted by another frame');
    }
    if (type === FrameType.Headers) {
      this.startBlock(flags, streamId, payload);
    } else if (type === FrameType.Continuation) {
      if (this.block === undefined) throw new Http2StreamError('CONTINUATION without a header block');
      this.addFragment(payload, flags);
    } else if (type === FrameType.PushPromise) {
      throw new Http2StreamError('PUSH_PROMISE from a client');
    } else {
      this.sink.frame(type, flags, streamId, payload, frame);
    }
  }

  private startBlock(flags: number, streamId: number, payload: Buffer): void {
    let start = 0;
    let end = payload.length;
    if (flags & PADDED) {
      if (payload.length < 1) throw new Http2StreamError('HEADERS frame too short for its padding');
      end -= payload[0]!;
      start = 1;
    }
    let priority: Buffer | undefined;
    if (flags & PRIORITY) {
      priority = Buffer.from(payload.subarray(start, start + 5));
      start += 5;
    }
    if (end < start) throw new Http2StreamError('HEADERS padding exceeds the frame');
    this.block = { streamId, flags: flags & (END_STREAM | PRIORITY), priority, fragments: [], size: 0 };
    this.addFragment(payload.subarray(start, end), flags);
  }

  private addFragment(fragment: Buffer, flags: number): void {
    const block = this.block!;
    block.size += fragment.length;
    if (block.size > MAX_HEADER_BLOCK) throw new Http2StreamError('header block too large');
    if ((flags & END_HEADERS) === 0) {
      // Held past this frame: a copy, as the chunk it is in goes.
      block.fragments.push(Buffer.from(fragment));
      return;
    }
    block.fragments.push(fragment);
    this.block = undefined;
    const headers = this.decoder.decode(block.fragments.length === 1 ? block.fragments[0]! : Buffer.concat(block.fragments), MAX_HEADER_LIST);
    this.sink.headers(block.streamId, headers, block.flags, block.priority);
  }
}
