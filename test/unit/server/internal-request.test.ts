// The requests in log entries: a put is read field by field, and must decode exactly as protobufjs
// decodes it (every member applies what it decodes); any other request goes through protobufjs.

import fc from 'fast-check';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeInternalRequest, decodeWithProtobufjs, encodeInternalRequest, encodeWithProtobufjs, type Proposal } from '../../../src/server/internal-request.js';
import { int64, uint64 } from '../../../src/wire/convert.js';

/** Comparable form: bytes as number arrays (Buffer or Uint8Array alike), bigints as strings. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Uint8Array) return [...value];
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, plain(v)]));
  return value;
}

const id = fc.bigInt(0n, (1n << 64n) - 1n);
const bytes = fc.uint8Array({ maxLength: 300 });
const auth = fc.option(fc.record({ username: fc.string({ maxLength: 12, unit: 'grapheme' }), revision: fc.integer({ min: 0, max: 2 ** 40 }) }), { nil: undefined });
const put: fc.Arbitrary<Proposal> = fc
  .record({
    key: bytes,
    value: bytes,
    lease: fc.bigInt(-(1n << 63n), (1n << 63n) - 1n),
    prev_kv: fc.boolean(),
    ignore_value: fc.boolean(),
    ignore_lease: fc.boolean(),
    auth,
  })
  .map(({ lease, auth: header, ...rest }) => ({ put: { ...rest, lease: int64(lease) }, ...(header ? { auth: header } : {}) }));
const other: fc.Arbitrary<Proposal> = fc.oneof(
  fc.record({ delete_range: fc.record({ key: bytes, range_end: bytes, prev_kv: fc.boolean() }), auth }),
  fc.record({ lease_grant: fc.record({ ID: fc.bigInt(0n, 1n << 62n).map(int64), TTL: fc.integer({ min: 0, max: 1000 }).map((n) => int64(BigInt(n))) }) }),
  fc.record({ compaction: fc.record({ revision: fc.integer({ min: 0, max: 2 ** 40 }).map((n) => int64(BigInt(n))), physical: fc.boolean() }) }),
  fc.record({ txn: fc.record({ success: fc.array(fc.record({ request_put: fc.record({ key: bytes, value: bytes }) }), { maxLength: 2 }) }) }),
);

describe('internal requests', () => {
  it('decode a put as protobufjs does, and every other request as it does too', () => {
    fc.assert(
      fc.property(id, fc.oneof(put, other), (requestId, proposal) => {
        const data = encodeInternalRequest(requestId, proposal);
        const decoded = decodeInternalRequest(data);
        expect(plain(decoded)).toEqual(plain(decodeWithProtobufjs(data)));
        expect(decoded.id).toBe(requestId);
        if ('put' in proposal) expect(decoded.body.kind).toBe('put');
      }),
      { numRuns: 500 },
    );
  });

  it('encode a put by hand into what protobufjs encodes it as, decoded', () => {
    fc.assert(
      fc.property(id, put, (requestId, proposal) => {
        const byHand = encodeInternalRequest(requestId, proposal);
        expect(plain(decodeWithProtobufjs(byHand))).toEqual(plain(decodeWithProtobufjs(encodeWithProtobufjs(requestId, proposal))));
        expect(plain(decodeInternalRequest(byHand))).toEqual(plain(decodeWithProtobufjs(byHand)));
      }),
      { numRuns: 500 },
    );
    // A caller with no user still sends the header (an empty one), as protobufjs wrote it.
    const anonymous = decodeInternalRequest(encodeInternalRequest(3n, { put: { key: Buffer.from('k') }, auth: { username: '', revision: 0 } }));
    expect(anonymous.auth).toEqual({ username: '', revision: 0 });
  });

  it('skip fields they do not know in a put, and leave a put that another request follows to protobufjs (the last one wins)', () => {
    const base = encodeInternalRequest(9n, { put: { key: Buffer.from('k'), value: Buffer.from('v') } });
    const unknown = protobuf.Writer.create().uint32((40 << 3) | 0).uint64(uint64(5n)).uint32((41 << 3) | 2).bytes(Uint8Array.of(1, 2)).finish();
    const withUnknown = Buffer.concat([base, unknown]);
    expect(plain(decodeInternalRequest(withUnknown))).toEqual(plain(decodeInternalRequest(base)));
    const thenDelete = Buffer.concat([base, encodeInternalRequest(9n, { delete_range: { key: Buffer.from('d') } }).subarray(2)]);
    const decoded = decodeInternalRequest(thenDelete);
    expect(decoded.body.kind).toBe('delete_range');
    expect(plain(decoded)).toEqual(plain(decodeWithProtobufjs(thenDelete)));
  });

  it('give a put cut short to protobufjs, which refuses it', () => {
    const data = encodeInternalRequest(7n, { put: { key: Buffer.from('key'), value: Buffer.alloc(40, 1) } });
    for (let cut = data.length - 1; cut > data.length - 30; cut--) {
      expect(() => decodeWithProtobufjs(data.subarray(0, cut))).toThrow();
      expect(() => decodeInternalRequest(data.subarray(0, cut))).toThrow();
    }
  });
});
