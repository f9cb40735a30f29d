// Binary records for durable raft state. Layout of every record:
//   version (u8) | kind (u8) | payload | CRC-32 of everything before it (u32, big-endian)
// Numbers in payloads are unsigned LEB128 varints: small indexes and terms take one or two bytes.
// Decoding checks the CRC first, so a torn or flipped value is reported, never misread.

import { assertSafeIndex } from '../raft/types.js';
import type { ConfState, Entry, EntryType, HardState, NodeId, SnapshotMetadata } from '../raft/types.js';
import { pushUint64Varint, pushVarint, VarintReader, varintLength, writeVarint } from '../shared/varint.js';
import { crc32 } from './crc32.js';
import { CorruptLogError } from './errors.js';

export const CODEC_VERSION = 1;

export enum RecordKind {
  Entry = 1,
  HardState = 2,
  ConfState = 3,
  SnapshotMetadata = 4,
  LogBounds = 5,
  /** First record of a WAL segment: the running checksum the segment continues from. */
  SegmentStart = 6,
}

/**
 * Where the log on disk starts and ends: entries (compactedIndex, lastIndex] are live; compactedIndex and
 * compactedTerm stand for the entry the log was last compacted (or snapshot-installed) at.
 */
export interface LogBounds {
  readonly compactedIndex: number;
  readonly compactedTerm: number;
  readonly lastIndex: number;
}

const HEADER_BYTES = 2;
const CRC_BYTES = 4;
const UINT64_MAX = (1n << 64n) - 1n;

class RecordWriter {
  private readonly bytes: number[] = [];
  private readonly blobs: { at: number; data: Uint8Array }[] = [];

  constructor(kind: RecordKind) {
    this.bytes.push(CODEC_VERSION, kind);
  }

  uint(value: number): void {
    assertSafeIndex('encoded number', value);
    pushVarint(this.bytes, value);
  }

  uint64(value: bigint): void {
    if (value < 0n || value > UINT64_MAX) throw new RangeError(`node id out of uint64 range: ${value}`);
    pushUint64Varint(this.bytes, value);
  }

  blob(data: Uint8Array): void {
    this.uint(data.length);
    this.blobs.push({ at: this.bytes.length, data });
  }

  finish(): Uint8Array {
    const blobBytes = this.blobs.reduce((sum, b) => sum + b.data.length, 0);
    const out = new Uint8Array(this.bytes.length + blobBytes + CRC_BYTES);
    let src = 0;
    let dst = 0;
    for (const { at, data } of this.blobs) {
      out.set(this.bytes.slice(src, at), dst);
      dst += at - src;
      out.set(data, dst);
      dst += data.length;
      src = at;
    }
    out.set(this.bytes.slice(src), dst);
    dst += this.bytes.length - src;
    new DataView(out.buffer).setUint32(dst, crc32(out.subarray(0, dst)));
    return out;
  }
}

class RecordReader {
  private readonly fields: VarintReader;

  constructor(bytes: Uint8Array, kind: RecordKind) {
    if (bytes.length < HEADER_BYTES + CRC_BYTES) throw new CorruptLogError(`${RecordKind[kind]} record is truncated`);
    const end = bytes.length - CRC_BYTES;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(end) !== crc32(bytes.subarray(0, end))) {
      throw new CorruptLogError(`${RecordKind[kind]} record fails its checksum`);
    }
    if (bytes[0] !== CODEC_VERSION) throw new CorruptLogError(`unsupported record version ${bytes[0]}`);
    if (bytes[1] !== kind) throw new CorruptLogError(`expected a ${RecordKind[kind]} record, found kind ${bytes[1]}`);
    this.fields = new VarintReader(bytes, HEADER_BYTES, end);
  }

  /** The varint reader's RangeError is a corrupt record here, named after the field it was reading. */
  private read<T>(name: string, read: () => T): T {
    try {
      return read();
    } catch (err) {
      if (err instanceof RangeError) throw new CorruptLogError(`${name}: ${err.message}`, { cause: err });
      throw err;
    }
  }

  uint(name: string): number {
    const value = this.read(name, () => this.fields.uint());
    try {
      assertSafeIndex(name, value);
    } catch (err) {
      throw new CorruptLogError(`${name} ${value} is not a safe integer`, { cause: err });
    }
    return value;
  }

  uint64(name: string): bigint {
    const value = this.read(name, () => this.fields.wideUint());
    if (value > UINT64_MAX) throw new CorruptLogError(`${name} exceeds uint64`);
    return value;
  }

  blob(name: string): Uint8Array {
    const length = this.uint(`${name} length`);
    const { bytes, pos, end } = this.fields;
    if (length > end - pos) throw new CorruptLogError(`${name} runs past the end of the record`);
    // A plain Uint8Array view even when the record came in a Buffer, so callers see one type.
    const data = new Uint8Array(bytes.buffer, bytes.byteOffset + pos, length);
    this.fields.pos += length;
    return data;
  }

  done(): void {
    const { pos, end } = this.fields;
    if (pos !== end) throw new CorruptLogError(`${end - pos} unexpected trailing bytes`);
  }
}

/**
 * An entry's record, written into one buffer sized first (the layout RecordWriter gives it): every member
 * writes one per entry, and RecordWriter's arrays, slices and buffer of its own made most of what a put
 * allocated in the log.
 */
export function encodeEntry(entry: Entry): Uint8Array {
  const { term, index, type, data } = entry;
  assertSafeIndex('encoded number', term);
  assertSafeIndex('encoded number', index);
  const length = HEADER_BYTES + varintLength(term) + varintLength(index) + varintLength(type) + varintLength(data.length) + data.length;
  const out = Buffer.allocUnsafe(length + CRC_BYTES);
  out[0] = CODEC_VERSION;
  out[1] = RecordKind.Entry;
  let at = writeVarint(out, HEADER_BYTES, term);
  at = writeVarint(out, at, index);
  at = writeVarint(out, at, type);
  at = writeVarint(out, at, data.length);
  out.set(data, at);
  out.writeUInt32BE(crc32(out.subarray(0, length)), length);
  return out;
}

export function decodeEntry(bytes: Uint8Array): Entry {
  const r = new RecordReader(bytes, RecordKind.Entry);
  const term = r.uint('term');
  const index = r.uint('index');
  const type = r.uint('entry type');
  if (type !== 0 && type !== 1) throw new CorruptLogError(`unknown entry type ${type}`);
  const data = r.blob('entry data');
  r.done();
  return { term, index, type: type as EntryType, data };
}

export function encodeHardState(hs: HardState): Uint8Array {
  const w = new RecordWriter(RecordKind.HardState);
  w.uint(hs.term);
  w.uint64(hs.vote);
  w.uint(hs.commit);
  return w.finish();
}

export function decodeHardState(bytes: Uint8Array): HardState {
  const r = new RecordReader(bytes, RecordKind.HardState);
  const hs = { term: r.uint('term'), vote: r.uint64('vote'), commit: r.uint('commit') };
  r.done();
  return hs;
}

function writeConfState(w: RecordWriter, cs: ConfState): void {
  for (const ids of [cs.voters, cs.learners]) {
    w.uint(ids.length);
    for (const id of ids) w.uint64(id);
  }
}

function readConfState(r: RecordReader): ConfState {
  const readIds = (name: string): NodeId[] => {
    const count = r.uint(`${name} count`);
    const ids: NodeId[] = [];
    for (let i = 0; i < count; i++) ids.push(r.uint64(name));
    return ids;
  };
  const voters = readIds('voter');
  const learners = readIds('learner');
  return { voters, learners };
}

export function encodeConfState(cs: ConfState): Uint8Array {
  const w = new RecordWriter(RecordKind.ConfState);
  writeConfState(w, cs);
  return w.finish();
}

export function decodeConfState(bytes: Uint8Array): ConfState {
  const r = new RecordReader(bytes, RecordKind.ConfState);
  const cs = readConfState(r);
  r.done();
  return cs;
}

export function encodeSnapshotMetadata(meta: SnapshotMetadata): Uint8Array {
  const w = new RecordWriter(RecordKind.SnapshotMetadata);
  w.uint(meta.index);
  w.uint(meta.term);
  writeConfState(w, meta.confState);
  return w.finish();
}

export function decodeSnapshotMetadata(bytes: Uint8Array): SnapshotMetadata {
  const r = new RecordReader(bytes, RecordKind.SnapshotMetadata);
  const index = r.uint('snapshot index');
  const term = r.uint('snapshot term');
  const confState = readConfState(r);
  r.done();
  return { index, term, confState };
}

export function encodeLogBounds(bounds: LogBounds): Uint8Array {
  const w = new RecordWriter(RecordKind.LogBounds);
  w.uint(bounds.compactedIndex);
  w.uint(bounds.compactedTerm);
  w.uint(bounds.lastIndex);
  return w.finish();
}

export function decodeLogBounds(bytes: Uint8Array): LogBounds {
  const r = new RecordReader(bytes, RecordKind.LogBounds);
  const bounds = {
    compactedIndex: r.uint('compacted index'),
    compactedTerm: r.uint('compacted term'),
    lastIndex: r.uint('last index'),
  };
  r.done();
  return bounds;
}

/** The kind of a record, read before decoding it; decoding checks it again. */
export function recordKindOf(bytes: Uint8Array): RecordKind | undefined {
  const kind = bytes[1];
  return kind !== undefined && kind in RecordKind ? (kind as RecordKind) : undefined;
}

export function encodeSegmentStart(previousCrc: number): Uint8Array {
  const w = new RecordWriter(RecordKind.SegmentStart);
  w.uint(previousCrc);
  return w.finish();
}

export function decodeSegmentStart(bytes: Uint8Array): number {
  const r = new RecordReader(bytes, RecordKind.SegmentStart);
  const previousCrc = r.uint('previous checksum');
  r.done();
  return previousCrc;
}

/** Whether bytes form a whole record of a known kind with a matching checksum (without decoding it). */
export function isIntactRecord(bytes: Uint8Array): boolean {
  if (bytes.length < HEADER_BYTES + CRC_BYTES || bytes[0] !== CODEC_VERSION || recordKindOf(bytes) === undefined) return false;
  const end = bytes.length - CRC_BYTES;
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(end) === crc32(bytes.subarray(0, end));
}
