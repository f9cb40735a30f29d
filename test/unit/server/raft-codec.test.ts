import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EntryType, MessageType, type Message } from '../../../src/raft/index.js';
import { uint64 } from '../../../src/wire/convert.js';
import protobuf from 'protobufjs';
import { messageFromPb, messageToPb } from '../../../src/server/raft-codec.js';
import { decodeRaftBatch } from '../../../src/server/raft-frame-reader.js';
import { encodeRaftBatch, encodeRaftFrame } from '../../../src/server/raft-frame-writer.js';
import { messageType } from '../../../src/wire/proto.js';

const RaftBatch = messageType('bargepb.RaftBatch');
const id = fc.bigInt(0n, (1n << 64n) - 1n);
const count = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 ** 40 }));
const bytes = fc.uint8Array({ maxLength: 40 });
const entry = fc.record({ term: count, index: count, type: fc.constantFrom(EntryType.Normal, EntryType.ConfChange), data: bytes });
const snapshot = fc.record({
  metadata: fc.record({ confState: fc.record({ voters: fc.array(id, { maxLength: 3 }), learners: fc.array(id, { maxLength: 2 }) }), index: count, term: count }),
  data: bytes,
});
const message: fc.Arbitrary<Message> = fc
  .record({
    type: fc.constantFrom(...Object.values(MessageType)),
    to: id,
    from: id,
    term: count,
    logTerm: count,
    index: count,
    entries: fc.array(entry, { maxLength: 4 }),
    commit: count,
    reject: fc.boolean(),
    rejectHint: count,
    context: bytes,
    snapshot: fc.option(snapshot, { nil: undefined }),
  })
  .map(({ snapshot: snap, ...rest }) => (snap ? { ...rest, snapshot: snap } : rest));

/** Comparable form: bytes as number arrays (Buffer or Uint8Array alike), ids as strings. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Uint8Array) return [...value];
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

describe('raft frames', () => {
  it('decode to the messages encoded, and as protobufjs decodes them, from its encoding and from ours', () => {
    fc.assert(
      fc.property(id, fc.array(message, { maxLength: 5 }), (clusterId, messages) => {
        const ours = encodeRaftBatch(clusterId, messages);
        const theirs = RaftBatch.encode({ cluster_id: uint64(clusterId), messages: messages.map(messageToPb) }).finish();
        const reference = RaftBatch.decode(ours).messages.map(messageFromPb).map(plain);
        expect(RaftBatch.decode(theirs).messages.map(messageFromPb).map(plain)).toEqual(reference);
        for (const frame of [ours, theirs]) {
          const decoded = decodeRaftBatch(frame);
          expect(decoded.clusterId).toBe(clusterId);
          expect(decoded.messages.map(plain)).toEqual(reference);
        }
        expect(reference).toEqual(messages.map(plain));
        // The frame on the wire: the batch after its length, in one buffer.
        const frame = encodeRaftFrame(clusterId, messages);
        expect(frame.readUInt32BE(0)).toBe(frame.length - 4);
        expect([...frame.subarray(4)]).toEqual([...ours]);
      }),
      { numRuns: 500 },
    );
  });

  it('skip fields they do not know (a newer member\'s), of every wire type, as protobufjs does', () => {
    const m: Message = { type: MessageType.AppResp, to: 2n, from: 1n, term: 4, logTerm: 0, index: 9, entries: [], commit: 0, reject: false, rejectHint: 0, context: new Uint8Array(0) };
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 0).uint64(uint64(77n));
    w.uint32((9 << 3) | 2).bytes(Uint8Array.of(1, 2, 3));
    w.uint32((2 << 3) | 2).fork();
    w.uint32((20 << 3) | 0).uint64(uint64((1n << 64n) - 1n));
    w.uint32((21 << 3) | 1).fixed64(5);
    w.uint32((22 << 3) | 5).fixed32(6);
    w.uint32((1 << 3) | 2).string(m.type);
    w.uint32((2 << 3) | 0).uint64(uint64(m.to));
    w.uint32((3 << 3) | 0).uint64(uint64(m.from));
    w.uint32((4 << 3) | 0).uint64(4);
    w.uint32((6 << 3) | 0).uint64(9);
    w.ldelim();
    const decoded = decodeRaftBatch(w.finish());
    expect(decoded.clusterId).toBe(77n);
    expect(decoded.messages.map(plain)).toEqual([plain(m)]);
  });

  it('read a type they do not know as its text, and known types by their bytes, whatever their length', () => {
    const types = ['MsgFuture', 'MsgApp2', 'Msg', '', MessageType.App, MessageType.AppResp];
    for (const type of types) {
      const w = protobuf.Writer.create();
      w.uint32((2 << 3) | 2).fork();
      w.uint32((1 << 3) | 2).string(type);
      w.ldelim();
      expect(decodeRaftBatch(w.finish()).messages[0]?.type).toBe(type);
    }
  });

  it('refuse a frame cut short or with a field running past its end, rather than read past it', () => {
    const frame = encodeRaftBatch(5n, [{ type: MessageType.App, to: 2n, from: 1n, term: 3, logTerm: 3, index: 6, entries: [{ term: 3, index: 7, type: EntryType.Normal, data: Uint8Array.of(1, 2, 3) }], commit: 5, reject: false, rejectHint: 0, context: new Uint8Array(0) }]);
    // The first two bytes are the cluster id, a whole frame of no messages; any cut after the message's tag is not.
    expect(decodeRaftBatch(frame.subarray(0, 2))).toEqual({ clusterId: 5n, messages: [] });
    for (let cut = 3; cut < frame.length; cut++) expect(() => decodeRaftBatch(frame.subarray(0, cut)), `cut at ${cut}`).toThrow(RangeError);
    expect(() => decodeRaftBatch(Uint8Array.of(0x12, 0x7f, 0x00))).toThrow(RangeError);
    expect(() => decodeRaftBatch(Uint8Array.of(0x0b))).toThrow(RangeError);
  });

  it('decode an entry shared by the frames for several peers the same in each', () => {
    const shared = { term: 3, index: 7, type: EntryType.Normal, data: Uint8Array.of(1, 2, 3) };
    const to = (peer: bigint): Message => ({ type: MessageType.App, to: peer, from: 1n, term: 3, logTerm: 3, index: 6, entries: [shared], commit: 5, reject: false, rejectHint: 0, context: new Uint8Array(0) });
    const a = decodeRaftBatch(encodeRaftBatch(9n, [to(2n)])).messages[0]!;
    const b = decodeRaftBatch(encodeRaftBatch(9n, [to(3n)])).messages[0]!;
    expect(plain(a.entries[0]!)).toEqual(plain(shared));
    expect(plain(b.entries[0]!)).toEqual(plain(shared));
    expect(b.to).toBe(3n);
  });
});
