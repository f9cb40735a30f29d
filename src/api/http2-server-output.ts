// What Node's HTTP/2 server writes on a connection the front end shares with it (see
// http2-split-connection.ts), followed frame by frame without being copied: where each frame starts (the
// front end's own frames may only go in between, never inside one or inside a header block), which
// frames carry DATA (they spend the client's connection window the two share), which end a stream, and
// the GOAWAY, whose last stream id must also cover the streams the front end took.

import { END_HEADERS, END_STREAM, FRAME_HEADER_LENGTH, FrameType } from './http2-frames.js';

export interface ServerOutputWatcher {
  /** A frame starts: its header's fields (of the flags, END_STREAM and END_HEADERS). */
  nodeFrame(type: number, flags: number, streamId: number, length: number): void;
  /** A GOAWAY's last stream id: what to send instead. */
  goAwayLastStreamId(nodes: number): number;
}

export class ServerOutputScanner {
  /** Octets of the current frame's payload still to come. */
  private payloadLeft = 0;
  /** A frame header cut by the end of a write, as far as it came. */
  private readonly header = Buffer.alloc(FRAME_HEADER_LENGTH);
  private headerFill = 0;
  /** The payload about to come is a GOAWAY's: its first 4 octets are the last stream id. */
  private goAwayNext = false;
  /** Inside a header block whose CONTINUATIONs are still to come. */
  private inBlock = false;

  constructor(private readonly watcher: ServerOutputWatcher) {}

  /** Between two frames, and not inside a header block: another frame may go out here. */
  get atBoundary(): boolean {
    return this.payloadLeft === 0 && this.headerFill === 0 && !this.inBlock;
  }

  /** Follows `chunk`, the next bytes Node writes; returns them (a patched copy where a GOAWAY is). */
  scan(chunk: Buffer): Buffer {
    let out = chunk;
    let offset = 0;
    while (offset < chunk.length) {
      if (this.payloadLeft > 0) {
        const n = Math.min(this.payloadLeft, chunk.length - offset);
        if (this.goAwayNext) {
          this.goAwayNext = false;
          out = this.patchGoAway(out, chunk, offset);
        }
        this.payloadLeft -= n;
        offset += n;
        continue;
      }
      const n = Math.min(FRAME_HEADER_LENGTH - this.headerFill, chunk.length - offset);
      chunk.copy(this.header, this.headerFill, offset, offset + n);
      this.headerFill += n;
      offset += n;
      if (this.headerFill < FRAME_HEADER_LENGTH) break;
      this.headerFill = 0;
      this.startFrame();
    }
    return out;
  }

  private startFrame(): void {
    const length = this.header.readUIntBE(0, 3);
    const type = this.header[3]!;
    const flags = this.header[4]!;
    const streamId = this.header.readUInt32BE(5) & 0x7fff_ffff;
    this.payloadLeft = length;
    if (type === FrameType.Headers || type === FrameType.PushPromise || type === FrameType.Continuation) this.inBlock = (flags & END_HEADERS) === 0;
    if (type === FrameType.GoAway && length >= 4) this.goAwayNext = true;
    this.watcher.nodeFrame(type, flags & (END_STREAM | END_HEADERS), streamId, length);
  }

  /** `chunk`, or a copy of it with the GOAWAY's last stream id at `offset` replaced. */
  private patchGoAway(out: Buffer, chunk: Buffer, offset: number): Buffer {
    // nghttp2 writes a GOAWAY in one piece; one cut by the end of a write would go out as it is.
    if (chunk.length - offset < 4) return out;
    const id = this.watcher.goAwayLastStreamId(chunk.readUInt32BE(offset) & 0x7fff_ffff);
    const patched = out === chunk ? Buffer.from(chunk) : out;
    patched.writeUInt32BE(id & 0x7fff_ffff, offset);
    return patched;
  }
}
