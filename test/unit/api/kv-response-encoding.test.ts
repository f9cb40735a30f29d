// The KV responses encoded by hand must be byte for byte what protobufjs encodes from the same message
// objects (every client decodes them), whatever shape each 64-bit field comes in (a number, a Long, a
// decimal string), with zero values, empty bytes, and txns nested in txns.

import fc from 'fast-check';
import Long from 'long';
import { describe, expect, it } from 'vitest';
import { encodeDeleteRangeResponse, encodePutResponse, encodeRangeResponse, encodeTxnResponse } from '../../../src/api/kv-response-encoding.js';
import type * as pb from '../../../src/wire/messages.js';
import { messageType } from '../../../src/wire/proto.js';

const RangeType = messageType('etcdserverpb.RangeResponse');
const PutType = messageType('etcdserverpb.PutResponse');
const DeleteRangeType = messageType('etcdserverpb.DeleteRangeResponse');
const TxnType = messageType('etcdserverpb.TxnResponse');

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const signed64 = fc.bigInt(-(1n << 63n), (1n << 63n) - 1n);
/** A 64-bit field as any caller may hand it over: mostly plain numbers (revisions), also Longs and strings. */
const int64: fc.Arbitrary<pb.Int64Init | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant(0),
  fc.integer({ min: 0, max: 300 }),
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  fc.integer({ min: -(2 ** 40), max: -1 }),
  signed64.map((v) => Long.fromString(v.toString())),
  signed64.map((v) => Long.fromString(BigInt.asUintN(64, v).toString(), true)),
  signed64.map((v) => v.toString()),
);
const bytes = fc.oneof(fc.constant(undefined), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)));
const header: fc.Arbitrary<pb.ResponseHeaderInit | undefined> = fc.option(
  fc.record({ cluster_id: int64, member_id: int64, revision: int64, raft_term: int64 }, { requiredKeys: [] }),
  { nil: undefined },
);
const keyValue: fc.Arbitrary<pb.KeyValueInit> = fc.record(
  { key: bytes, create_revision: int64, mod_revision: int64, version: int64, value: bytes, lease: int64 },
  { requiredKeys: [] },
);
const kvs = fc.array(keyValue, { maxLength: 4 });
const range: fc.Arbitrary<pb.RangeResponseInit> = fc.record({ header, kvs, more: fc.boolean(), count: int64 }, { requiredKeys: [] });
const put: fc.Arbitrary<pb.PutResponseInit> = fc.record({ header, prev_kv: fc.option(keyValue, { nil: undefined }) }, { requiredKeys: [] });
const deleteRange: fc.Arbitrary<pb.DeleteRangeResponseInit> = fc.record({ header, deleted: int64, prev_kvs: kvs }, { requiredKeys: [] });
const { txn } = fc.letrec<{ txn: pb.TxnResponseInit; op: pb.ResponseOpInit }>((tie) => ({
  txn: fc.record({ header, succeeded: fc.boolean(), responses: fc.array(tie('op'), { maxLength: 3 }) }, { requiredKeys: [] }),
  op: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    range.map((r) => ({ response_range: r })),
    put.map((r) => ({ response_put: r })),
    deleteRange.map((r) => ({ response_delete_range: r })),
    tie('txn').map((r) => ({ response_txn: r as pb.TxnResponseInit })),
  ),
}));

describe('KV responses encoded by hand', () => {
  it('are the bytes protobufjs writes, for Range, Put, DeleteRange and (nested) Txn', () => {
    fc.assert(
      fc.property(range, put, deleteRange, txn, (r, p, d, t) => {
        expect(hex(encodeRangeResponse(r))).toBe(hex(RangeType.encode(r).finish()));
        expect(hex(encodePutResponse(p))).toBe(hex(PutType.encode(p).finish()));
        expect(hex(encodeDeleteRangeResponse(d))).toBe(hex(DeleteRangeType.encode(d).finish()));
        expect(hex(encodeTxnResponse(t))).toBe(hex(TxnType.encode(t).finish()));
      }),
      { numRuns: 1000 },
    );
  });

  it('decode back to what was encoded: a read of one key as the server answers it', () => {
    const kv = { key: Buffer.from('/registry/pods/default/p'), create_revision: 5, mod_revision: 9, version: 3, value: Buffer.alloc(300, 7), lease: Long.fromString('7587886546416296200') };
    const header = { cluster_id: Long.fromString('14841639068965178418', true), member_id: Long.fromString('10276657743932975437', true), revision: 9, raft_term: 2 };
    const decoded = RangeType.decode(encodeRangeResponse({ header, kvs: [kv], more: true, count: 2 }));
    expect(decoded.header?.cluster_id.toString()).toBe('14841639068965178418');
    expect(decoded.header?.revision.toNumber()).toBe(9);
    expect(decoded.kvs[0]?.lease.toString()).toBe('7587886546416296200');
    expect(decoded.kvs[0]?.value).toEqual(kv.value);
    expect(decoded.more).toBe(true);
    expect(decoded.count.toNumber()).toBe(2);
  });
});
