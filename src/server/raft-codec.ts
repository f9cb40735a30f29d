// Raft messages on the wire between members, as bargepb.RaftBatch frames.

import protobuf from 'protobufjs';
import { EMPTY_BYTES, MessageType, type Entry, type EntryType, type Message } from '../raft/index.js';
import { toNumber, toUint64, uint64 } from '../wire/convert.js';
import type * as pb from '../wire/messages.js';
import { messageType } from '../wire/proto.js';

const RaftMessage = messageType('bargepb.RaftMessage');

function entryToPb(e: Entry): pb.EntryInit {
  return { term: e.term, index: e.index, type: e.type, data: e.data };
}

function entryFromPb(e: pb.Entry): Entry {
  return { term: toNumber(e.term), index: toNumber(e.index), type: e.type as EntryType, data: e.data };
}

/** The message as a protobufjs object (exported for tests, which check the hand encoding against it). */
export function messageToPb(m: Message): pb.RaftMessageInit {
  return {
    type: m.type,
    to: uint64(m.to),
    from: uint64(m.from),
    term: m.term,
    log_term: m.logTerm,
    index: m.index,
    entries: m.entries.map(entryToPb),
    commit: m.commit,
    reject: m.reject,
    reject_hint: m.rejectHint,
    context: m.context,
    snapshot: m.snapshot
      ? {
          conf_state: {
            voters: m.snapshot.metadata.confState.voters.map(uint64),
            learners: m.snapshot.metadata.confState.learners.map(uint64),
          },
          index: m.snapshot.metadata.index,
          term: m.snapshot.metadata.term,
        }
      : undefined,
    snapshot_data: m.snapshot?.data,
  };
}

/** The message a protobufjs-decoded RaftMessage stands for (exported for tests, as the reference decoding). */
export function messageFromPb(p: pb.RaftMessage): Message {
  const snapshot = p.snapshot
    ? {
        metadata: {
          confState: {
            voters: (p.snapshot.conf_state?.voters ?? []).map((id) => toUint64(id)),
            learners: (p.snapshot.conf_state?.learners ?? []).map((id) => toUint64(id)),
          },
          index: toNumber(p.snapshot.index),
          term: toNumber(p.snapshot.term),
        },
        data: p.snapshot_data,
      }
    : undefined;
  return {
    type: p.type as MessageType,
    to: toUint64(p.to),
    from: toUint64(p.from),
    term: toNumber(p.term),
    logTerm: toNumber(p.log_term),
    index: toNumber(p.index),
    entries: p.entries.map(entryFromPb),
    commit: toNumber(p.commit),
    reject: p.reject,
    rejectHint: toNumber(p.reject_hint),
    context: p.context,
    ...(snapshot ? { snapshot } : {}),
  };
}

// Wire tags of bargepb.RaftBatch, RaftMessage and Entry: (field number << 3) | wire type (0 varint, 2 bytes).
const BATCH_CLUSTER_ID = (1 << 3) | 0;
const BATCH_MESSAGE = (2 << 3) | 2;
const MESSAGE_TYPE = (1 << 3) | 2;
const MESSAGE_TO = (2 << 3) | 0;
const MESSAGE_FROM = (3 << 3) | 0;
const MESSAGE_TERM = (4 << 3) | 0;
const MESSAGE_LOG_TERM = (5 << 3) | 0;
const MESSAGE_INDEX = (6 << 3) | 0;
const MESSAGE_ENTRY = (7 << 3) | 2;
const MESSAGE_COMMIT = (8 << 3) | 0;
const MESSAGE_REJECT = (9 << 3) | 0;
const MESSAGE_REJECT_HINT = (10 << 3) | 0;
const MESSAGE_CONTEXT = (11 << 3) | 2;
const MESSAGE_SNAPSHOT = (12 << 3) | 2;
const MESSAGE_SNAPSHOT_DATA = (13 << 3) | 2;
const ENTRY_TERM = (1 << 3) | 0;
const ENTRY_INDEX = (2 << 3) | 0;
const ENTRY_TYPE = (3 << 3) | 0;
const ENTRY_DATA = (4 << 3) | 2;

/** Log entries never change, and a leader sends the same ones to every follower: each is encoded once. */
const encodedEntries = new WeakMap<Entry, Uint8Array>();

function encodedEntry(e: Entry): Uint8Array {
  let bytes = encodedEntries.get(e);
  if (bytes === undefined) {
    const w = protobuf.Writer.create();
    if (e.term !== 0) w.uint32(ENTRY_TERM).uint64(e.term);
    if (e.index !== 0) w.uint32(ENTRY_INDEX).uint64(e.index);
    if (e.type !== 0) w.uint32(ENTRY_TYPE).uint32(e.type);
    if (e.data.length > 0) w.uint32(ENTRY_DATA).bytes(e.data);
    bytes = w.finish();
    encodedEntries.set(e, bytes);
  }
  return bytes;
}

/**
 * A frame of messages for one peer. Messages without a snapshot are written field by field around the
 * cached entries (zero fields left out, which decode as zero); the rare snapshot message goes through
 * protobufjs whole.
 */
export function encodeRaftBatch(clusterId: bigint, messages: readonly Message[]): Uint8Array {
  const w = protobuf.Writer.create();
  w.uint32(BATCH_CLUSTER_ID).uint64(uint64(clusterId));
  for (const m of messages) {
    if (m.snapshot) {
      w.uint32(BATCH_MESSAGE).bytes(RaftMessage.encode(messageToPb(m)).finish());
      continue;
    }
    w.uint32(BATCH_MESSAGE).fork();
    w.uint32(MESSAGE_TYPE).string(m.type);
    w.uint32(MESSAGE_TO).uint64(uint64(m.to));
    w.uint32(MESSAGE_FROM).uint64(uint64(m.from));
    if (m.term !== 0) w.uint32(MESSAGE_TERM).uint64(m.term);
    if (m.logTerm !== 0) w.uint32(MESSAGE_LOG_TERM).uint64(m.logTerm);
    if (m.index !== 0) w.uint32(MESSAGE_INDEX).uint64(m.index);
    for (const e of m.entries) w.uint32(MESSAGE_ENTRY).bytes(encodedEntry(e));
    if (m.commit !== 0) w.uint32(MESSAGE_COMMIT).uint64(m.commit);
    if (m.reject) w.uint32(MESSAGE_REJECT).bool(true);
    if (m.rejectHint !== 0) w.uint32(MESSAGE_REJECT_HINT).uint64(m.rejectHint);
    if (m.context.length > 0) w.uint32(MESSAGE_CONTEXT).bytes(m.context);
    w.ldelim();
  }
  return w.finish();
}

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

/** Message types by their UTF-8 bytes' length and first distinguishing bytes: no string decoded per message. */
const TYPE_NAMES: readonly { readonly bytes: Buffer; readonly type: MessageType }[] = Object.values(MessageType).map((type) => ({ bytes: Buffer.from(type), type }));

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
    for (const { bytes, type } of TYPE_NAMES) {
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
