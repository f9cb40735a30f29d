import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EntryType, MessageType, type Message } from '../../../src/raft/index.js';
import { uint64 } from '../../../src/wire/convert.js';
import { decodeRaftBatch, encodeRaftBatch, messageToPb } from '../../../src/server/raft-codec.js';
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
  it('decode to the messages encoded, and to what protobufjs’s own encoding of them decodes to', () => {
    fc.assert(
      fc.property(id, fc.array(message, { maxLength: 5 }), (clusterId, messages) => {
        const mine = decodeRaftBatch(encodeRaftBatch(clusterId, messages));
        const reference = decodeRaftBatch(RaftBatch.encode({ cluster_id: uint64(clusterId), messages: messages.map(messageToPb) }).finish());
        expect(mine.clusterId).toBe(clusterId);
        expect(mine.messages.map(plain)).toEqual(reference.messages.map(plain));
        expect(mine.messages.map(plain)).toEqual(messages.map(plain));
      }),
      { numRuns: 500 },
    );
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
