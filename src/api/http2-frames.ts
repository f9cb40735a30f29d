// HTTP/2's framing (RFC 9113) as the client port's front end reads and writes it: frame types and
// flags, frame headers, header blocks of HPACK literals, and the frames the front end answers itself.

/** The client connection preface (RFC 9113 §3.4). */
export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
export const FRAME_HEADER_LENGTH = 9;

export const enum FrameType {
  Data = 0x0,
  Headers = 0x1,
  Priority = 0x2,
  RstStream = 0x3,
  Settings = 0x4,
  PushPromise = 0x5,
  Ping = 0x6,
  GoAway = 0x7,
  WindowUpdate = 0x8,
  Continuation = 0x9,
}
export const END_STREAM = 0x1;
export const ACK = 0x1;
export const END_HEADERS = 0x4;
export const PADDED = 0x8;
export const PRIORITY = 0x20;

/** SETTINGS identifiers the front end reads from the client. */
export const SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
export const SETTINGS_MAX_FRAME_SIZE = 0x5;

/** Error codes of RST_STREAM and GOAWAY. */
export const enum Http2ErrorCode {
  NoError = 0x0,
  ProtocolError = 0x1,
  FlowControlError = 0x3,
  RefusedStream = 0x7,
  EnhanceYourCalm = 0xb,
}

/** The server's SETTINGS_MAX_FRAME_SIZE and SETTINGS_HEADER_TABLE_SIZE: HTTP/2's defaults, which Node keeps. */
export const MAX_FRAME_SIZE = 16_384;
export const HEADER_TABLE_SIZE = 4096;
/** SETTINGS_INITIAL_WINDOW_SIZE and the connection's window until a peer says otherwise. */
export const DEFAULT_WINDOW = 65_535;

/** A SETTINGS frame that changes nothing. */
export const EMPTY_SETTINGS_FRAME = Buffer.from([0, 0, 0, FrameType.Settings, 0, 0, 0, 0, 0]);

/** The client's bytes break HTTP/2 framing or HPACK: the connection can only be closed. */
export class Http2StreamError extends Error {}

export interface Header {
  readonly name: string;
  readonly value: string;
  readonly neverIndex?: boolean;
}

export function frameHeader(length: number, type: number, flags: number, streamId: number): Buffer {
  const header = Buffer.allocUnsafe(FRAME_HEADER_LENGTH);
  writeFrameHeader(header, length, type, flags, streamId);
  return header;
}

function writeFrameHeader(target: Buffer, length: number, type: number, flags: number, streamId: number): void {
  target.writeUIntBE(length, 0, 3);
  target[3] = type;
  target[4] = flags;
  target.writeUInt32BE(streamId & 0x7fff_ffff, 5);
}

/** The answer to a PING whose payload is `payload` (8 octets). */
export function pingAck(payload: Buffer): Buffer {
  return Buffer.concat([frameHeader(8, FrameType.Ping, ACK, 0), payload]);
}

/** A WINDOW_UPDATE frame giving `increment` octets more on `streamId` (0: the connection). */
export function windowUpdate(streamId: number, increment: number): Buffer {
  const frame = frameHeader(4, FrameType.WindowUpdate, 0, streamId);
  return Buffer.concat([frame, uint32(increment)]);
}

/** A RST_STREAM frame ending `streamId` with `code`. */
export function rstStream(streamId: number, code: number): Buffer {
  return Buffer.concat([frameHeader(4, FrameType.RstStream, 0, streamId), uint32(code)]);
}

/** A GOAWAY frame: the last stream the server took, an error code, debug data. */
export function goAway(lastStreamId: number, code: number, debug: Buffer): Buffer {
  return Buffer.concat([frameHeader(8 + debug.length, FrameType.GoAway, 0, 0), uint32(lastStreamId & 0x7fff_ffff), uint32(code), debug]);
}

function uint32(value: number): Buffer {
  const bytes = Buffer.allocUnsafe(4);
  bytes.writeUInt32BE(value);
  return bytes;
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
 * frames for what does not fit in `maxFrameSize`; the last frame has END_HEADERS.
 */
export function headerFrames(streamId: number, flags: number, priority: Buffer | undefined, block: Buffer, maxFrameSize = MAX_FRAME_SIZE): Buffer[] {
  if ((priority === undefined || (flags & PRIORITY) === 0) && block.length <= maxFrameSize) {
    // The usual case, in one buffer: a HEADERS frame with the whole block.
    const frame = Buffer.allocUnsafe(FRAME_HEADER_LENGTH + block.length);
    writeFrameHeader(frame, block.length, FrameType.Headers, (flags & END_STREAM) | END_HEADERS, streamId);
    block.copy(frame, FRAME_HEADER_LENGTH);
    return [frame];
  }
  const frames: Buffer[] = [];
  const prefix = priority !== undefined && (flags & PRIORITY) !== 0 ? priority : Buffer.alloc(0);
  let offset = Math.min(block.length, maxFrameSize - prefix.length);
  const frameFlags = (flags & (END_STREAM | PRIORITY)) | (offset === block.length ? END_HEADERS : 0);
  frames.push(frameHeader(prefix.length + offset, FrameType.Headers, frameFlags, streamId), prefix, block.subarray(0, offset));
  while (offset < block.length) {
    const n = Math.min(block.length - offset, maxFrameSize);
    const last = offset + n === block.length;
    frames.push(frameHeader(n, FrameType.Continuation, last ? END_HEADERS : 0, streamId), block.subarray(offset, offset + n));
    offset += n;
  }
  return frames;
}
