// Protobuf written by hand, for the messages sent many times a second (raft frames, the KV responses):
// the message is sized first, then written field by field into one buffer of that size, where
// protobufjs's writer allocated an operation object per field and copied the whole message again.

/** Bytes of `value` (a safe non-negative integer) as a varint. */
export function varintSize(value: number): number {
  let size = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) size++;
  return size;
}

/** A cursor over a buffer sized for what is written into it. */
export class BufferWriter {
  pos = 0;

  constructor(readonly buf: Buffer) {}

  /** A safe non-negative integer as a varint. */
  varint(value: number): void {
    let rest = value;
    while (rest >= 0x80) {
      this.buf[this.pos++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.buf[this.pos++] = rest;
  }

  raw(bytes: Uint8Array): void {
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }
}
