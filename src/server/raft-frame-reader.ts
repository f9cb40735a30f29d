// Reading a raft frame (bargepb.RaftBatch) straight into the core's Messages.

import { EMPTY_BYTES, type Entry, type EntryType, type Message, type MessageType } from '../raft/index.js';
import {
  BATCH_CLUSTER_ID,
  BATCH_MESSAGE,
  ENTRY_DATA,
  ENTRY_INDEX,
  ENTRY_TERM,
  ENTRY_TYPE,
  MESSAGE_COMMIT,
  MESSAGE_CONTEXT,
  MESSAGE_ENTRY,
  MESSAGE_FROM,
  MESSAGE_INDEX,
  MESSAGE_LOG_TERM,
  MESSAGE_REJECT,
  MESSAGE_REJECT_HINT,
  MESSAGE_SNAPSHOT,
  MESSAGE_SNAPSHOT_DATA,
  MESSAGE_TERM,
  MESSAGE_TO,
  MESSAGE_TYPE,
  MESSAGE_TYPE_BYTES,
  RaftMessage,
  messageFromPb,
} from './raft-codec.js';

/**
 * A frame's messages, read field by field: protobufjs built an object per message and entry and a Long per
 * number, then each was converted again, on every member for every message. Unknown fields are skipped as
 * protobufjs skips them; the rare message with a snapshot goes through protobufjs whole. Throws on bytes
 * that are not a frame (the connection is then dropped).
 */
export function decodeRaftBatch(bytes: Uint8Array): { clusterId: bigint; messages: Message[] } {
  const r = new FieldReader(bytes, 0, bytes.length);
  let clusterId = 0n;
  const messages: Message[] = [];
  while (r.more()) {
    const tag = r.uint();
    if (tag === BATCH_CLUSTER_ID) clusterId = r.id();
    else if (tag === BATCH_MESSAGE) messages.push(readMessage(r, r.length()));
    else r.skip(tag);
  }
  return { clusterId, messages };
}

function readMessage(outer: FieldReader, length: number): Message {
  const start = outer.pos;
  const end = start + length;
  outer.pos = end;
  const r = new FieldReader(outer.bytes, start, end);
  let type = '';
  let to = 0n;
  let from = 0n;
  let term = 0;
  let logTerm = 0;
  let index = 0;
  const entries: Entry[] = [];
  let commit = 0;
  let reject = false;
  let rejectHint = 0;
  let context = EMPTY_BYTES;
  while (r.more()) {
    const tag = r.uint();
    switch (tag) {
      case MESSAGE_TYPE:
        type = r.text();
        break;
      case MESSAGE_TO:
        to = r.id();
        break;
      case MESSAGE_FROM:
        from = r.id();
        break;
      case MESSAGE_TERM:
        term = r.uint();
        break;
      case MESSAGE_LOG_TERM:
        logTerm = r.uint();
        break;
      case MESSAGE_INDEX:
        index = r.uint();
        break;
      case MESSAGE_ENTRY:
        entries.push(readEntry(r, r.length()));
        break;
      case MESSAGE_COMMIT:
        commit = r.uint();
        break;
      case MESSAGE_REJECT:
        reject = r.uint() !== 0;
        break;
      case MESSAGE_REJECT_HINT:
        rejectHint = r.uint();
        break;
      case MESSAGE_CONTEXT:
        context = r.bytesField();
        break;
      case MESSAGE_SNAPSHOT:
      case MESSAGE_SNAPSHOT_DATA:
        return messageFromPb(RaftMessage.decode(outer.bytes.subarray(start, end)));
      default:
        r.skip(tag);
    }
  }
  return { type: type as MessageType, to, from, term, logTerm, index, entries, commit, reject, rejectHint, context };
}

function readEntry(outer: FieldReader, length: number): Entry {
  const r = new FieldReader(outer.bytes, outer.pos, outer.pos + length);
  outer.pos += length;
  let term = 0;
  let index = 0;
  let type = 0;
  let data = EMPTY_BYTES;
  while (r.more()) {
    const tag = r.uint();
    if (tag === ENTRY_TERM) term = r.uint();
    else if (tag === ENTRY_INDEX) index = r.uint();
    // uint32, as protobufjs reads it.
    else if (tag === ENTRY_TYPE) type = r.uint() >>> 0;
    else if (tag === ENTRY_DATA) data = r.bytesField();
    else r.skip(tag);
  }
  return { term, index, type: type as EntryType, data };
}

/** Reads protobuf fields between two offsets of a buffer. */
class FieldReader {
  /** The last few 64-bit ids read and their bytes: a frame carries the same two or three over and over. */
  private static readonly ids: { bytes: Uint8Array; value: bigint }[] = [];

  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    private readonly end: number,
  ) {
    if (end > bytes.length) throw new RangeError('field runs past the end of the frame');
  }

  more(): boolean {
    return this.pos < this.end;
  }

  /** A varint that must fit a safe integer (terms, indexes, tags, lengths). */
  uint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new RangeError('varint runs past the end of its field');
      const b = this.bytes[this.pos++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (value > Number.MAX_SAFE_INTEGER) throw new RangeError('varint beyond a safe integer');
        return value;
      }
      scale *= 0x80;
    }
    throw new RangeError('varint too long');
  }

  /** A uint64 varint as a bigint (member and cluster ids). */
  id(): bigint {
    const start = this.pos;
    while (this.pos < this.end && this.bytes[this.pos]! >= 0x80) this.pos++;
    if (this.pos >= this.end || this.pos - start > 9) throw new RangeError('bad uint64 varint');
    this.pos++;
    const raw = this.bytes.subarray(start, this.pos);
    const ids = FieldReader.ids;
    for (const known of ids) if (sameBytes(known.bytes, raw)) return known.value;
    let value = 0n;
    for (let i = raw.length - 1; i >= 0; i--) value = (value << 7n) | BigInt(raw[i]! & 0x7f);
    value = BigInt.asUintN(64, value);
    if (ids.length >= 8) ids.shift();
    ids.push({ bytes: Uint8Array.from(raw), value });
    return value;
  }

  length(): number {
    const length = this.uint();
    if (length > this.end - this.pos) throw new RangeError('field runs past the end of its message');
    return length;
  }

  /** A bytes field: a view into the frame, as protobufjs gives it. */
  bytesField(): Uint8Array {
    const length = this.length();
    this.pos += length;
    return this.bytes.subarray(this.pos - length, this.pos);
  }

  text(): string {
    const length = this.length();
    const at = this.pos;
    this.pos += length;
    // A known type is matched by its bytes: no string decoded per message.
    for (const [type, bytes] of MESSAGE_TYPE_BYTES) {
      if (bytes.length === length && sameBytes(bytes, this.bytes.subarray(at, at + length))) return type;
    }
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + at, length).toString('utf8');
  }

  /** Skips a field this member does not know. */
  skip(tag: number): void {
    const wireType = tag & 7;
    if (wireType === 0) this.uint64Skip();
    else if (wireType === 1) this.advance(8);
    else if (wireType === 2) this.advance(this.length());
    else if (wireType === 5) this.advance(4);
    else throw new RangeError(`unsupported wire type ${wireType}`);
  }

  private uint64Skip(): void {
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new RangeError('varint runs past the end of its field');
      if (this.bytes[this.pos++]! < 0x80) return;
    }
    throw new RangeError('varint too long');
  }

  private advance(bytes: number): void {
    if (bytes > this.end - this.pos) throw new RangeError('field runs past the end of its message');
    this.pos += bytes;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
