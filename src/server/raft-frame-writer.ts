// Writing raft frames: a frame is a bargepb.RaftBatch of the messages for one peer, after its length
// (u32, big-endian). The frame is sized first, then written into one buffer with its length in front, so
// it leaves in one socket write: protobufjs's writer allocated an operation per field, a Long per number
// and the whole message again on finish(), and the length went in a buffer of its own.

import type { Entry, Message } from '../raft/index.js';
import { pushUint64Varint } from '../shared/varint.js';
import { BufferWriter, varintSize } from '../wire/buffer-writer.js';
import { MESSAGE_TYPE_BYTES, messageToPb, RaftMessage, Tag } from './raft-codec.js';

/** Bytes of a frame's length prefix. */
export const FRAME_LENGTH_BYTES = 4;

/** Every tag here is below 128: one byte. */
const TAG_BYTES = 1;

/** A uint64 id's varint bytes; a member sends to the same two or three ids all the time. */
const idBytes = new Map<bigint, Uint8Array>();

function idVarint(id: bigint): Uint8Array {
  let bytes = idBytes.get(id);
  if (bytes === undefined) {
    const out: number[] = [];
    pushUint64Varint(out, BigInt.asUintN(64, id));
    bytes = Uint8Array.from(out);
    if (idBytes.size >= 64) idBytes.clear();
    idBytes.set(id, bytes);
  }
  return bytes;
}

const numberFieldSize = (value: number): number => (value === 0 ? 0 : TAG_BYTES + varintSize(value));
const bytesFieldSize = (length: number): number => TAG_BYTES + varintSize(length) + length;

function entrySize(e: Entry): number {
  return numberFieldSize(e.term) + numberFieldSize(e.index) + numberFieldSize(e.type) + (e.data.length > 0 ? bytesFieldSize(e.data.length) : 0);
}

function typeBytes(m: Message): Uint8Array {
  return MESSAGE_TYPE_BYTES.get(m.type) ?? Buffer.from(m.type);
}

/** A message's bytes (zero fields left out, which decode as zero); one with a snapshot, already encoded. */
function messageSize(m: Message): number {
  let size = bytesFieldSize(typeBytes(m).length) + TAG_BYTES + idVarint(m.to).length + TAG_BYTES + idVarint(m.from).length;
  size += numberFieldSize(m.term) + numberFieldSize(m.logTerm) + numberFieldSize(m.index);
  for (const e of m.entries) size += bytesFieldSize(entrySize(e));
  size += numberFieldSize(m.commit) + (m.reject ? TAG_BYTES + 1 : 0) + numberFieldSize(m.rejectHint);
  if (m.context.length > 0) size += bytesFieldSize(m.context.length);
  return size;
}

class FrameWriter extends BufferWriter {
  number(tag: number, value: number): void {
    if (value === 0) return;
    this.varint(tag);
    this.varint(value);
  }

  bytes(tag: number, bytes: Uint8Array): void {
    this.varint(tag);
    this.varint(bytes.length);
    this.raw(bytes);
  }

  message(m: Message, size: number): void {
    this.varint(Tag.BATCH_MESSAGE);
    this.varint(size);
    this.bytes(Tag.MESSAGE_TYPE, typeBytes(m));
    this.varint(Tag.MESSAGE_TO);
    this.raw(idVarint(m.to));
    this.varint(Tag.MESSAGE_FROM);
    this.raw(idVarint(m.from));
    this.number(Tag.MESSAGE_TERM, m.term);
    this.number(Tag.MESSAGE_LOG_TERM, m.logTerm);
    this.number(Tag.MESSAGE_INDEX, m.index);
    for (const e of m.entries) {
      this.varint(Tag.MESSAGE_ENTRY);
      this.varint(entrySize(e));
      this.number(Tag.ENTRY_TERM, e.term);
      this.number(Tag.ENTRY_INDEX, e.index);
      this.number(Tag.ENTRY_TYPE, e.type);
      if (e.data.length > 0) this.bytes(Tag.ENTRY_DATA, e.data);
    }
    this.number(Tag.MESSAGE_COMMIT, m.commit);
    if (m.reject) this.number(Tag.MESSAGE_REJECT, 1);
    this.number(Tag.MESSAGE_REJECT_HINT, m.rejectHint);
    if (m.context.length > 0) this.bytes(Tag.MESSAGE_CONTEXT, m.context);
  }
}

/** The frame for `messages`: its length, then the RaftBatch. */
export function encodeRaftFrame(clusterId: bigint, messages: readonly Message[]): Buffer {
  const cluster = idVarint(clusterId);
  let size = TAG_BYTES + cluster.length;
  // A snapshot message is rare and has nested fields: protobufjs encodes it whole.
  const parts: (number | Uint8Array)[] = messages.map((m) => (m.snapshot ? RaftMessage.encode(messageToPb(m)).finish() : messageSize(m)));
  for (const part of parts) size += bytesFieldSize(typeof part === 'number' ? part : part.length);
  const w = new FrameWriter(Buffer.allocUnsafe(FRAME_LENGTH_BYTES + size));
  w.buf.writeUInt32BE(size, 0);
  w.pos = FRAME_LENGTH_BYTES;
  w.varint(Tag.BATCH_CLUSTER_ID);
  w.raw(cluster);
  messages.forEach((m, i) => {
    const part = parts[i]!;
    if (typeof part === 'number') w.message(m, part);
    else w.bytes(Tag.BATCH_MESSAGE, part);
  });
  return w.buf;
}

/** The RaftBatch alone, without the frame's length. */
export function encodeRaftBatch(clusterId: bigint, messages: readonly Message[]): Uint8Array {
  return encodeRaftFrame(clusterId, messages).subarray(FRAME_LENGTH_BYTES);
}
