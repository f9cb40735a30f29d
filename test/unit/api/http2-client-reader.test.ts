// The client's half of an HTTP/2 connection read frame by frame, on hand-built streams: header blocks
// encoded as a client encodes them (Huffman strings, a dynamic table), cut at every boundary.

import type { HpackHeader } from 'hpack.js';
import { describe, expect, it } from 'vitest';
import { ClientFrameReader } from '../../../src/api/http2-client-reader.js';
import { encodeLiterals, END_HEADERS, END_STREAM, FrameType, Http2StreamError, MAX_FRAME_SIZE, PADDED, PRIORITY, type Header } from '../../../src/api/http2-frames.js';
import { clientEncoder, frame, headerDecoder, pieces, plain, PREFACE, request } from '../../support/http2-frames.js';


interface Read {
  preface: number;
  blocks: { streamId: number; flags: number; priority: Buffer | undefined; headers: Header[] }[];
  frames: { type: number; flags: number; streamId: number; payload: Buffer; frame: Buffer }[];
}

function read(chunks: Buffer[]): Read {
  const seen: Read = { preface: 0, blocks: [], frames: [] };
  const reader = new ClientFrameReader({
    preface: () => void seen.preface++,
    headers: (streamId, headers, flags, priority) => void seen.blocks.push({ streamId, flags, priority, headers }),
    // Copies: the reader's views may point into a chunk that is reused.
    frame: (type, flags, streamId, payload, whole) => void seen.frames.push({ type, flags, streamId, payload: Buffer.from(payload), frame: Buffer.from(whole) }),
  });
  for (const chunk of chunks) reader.push(chunk);
  return seen;
}

const clientSettings = frame(FrameType.Settings, 0, 0, Buffer.from([0, 2, 0, 0, 0, 0]));

describe('ClientFrameReader', () => {
  it('decodes request after request against the client\'s dynamic table, whatever the chunking', () => {
    const encode = clientEncoder();
    const requests = [1, 3, 5, 7, 9].map((id) => request('127.0.0.1:2379', `/etcdserverpb.KV/${id % 3 ? 'Put' : 'Range'}`, [{ name: 'x-seq', value: String(id) }]));
    const blocks = requests.map((headers) => encode(headers));
    // Later blocks lean on the table: far smaller than the first.
    expect(blocks[4]!.length).toBeLessThan(blocks[0]!.length / 2);
    const message = Buffer.from([0, 0, 0, 0, 2, 8, 1]);
    const input = Buffer.concat([
      PREFACE,
      clientSettings,
      frame(FrameType.WindowUpdate, 0, 0, Buffer.from([0, 0xff, 0, 0])),
      ...[1, 3, 5, 7, 9].flatMap((id, i) => [frame(FrameType.Headers, END_HEADERS, id, blocks[i]!), frame(FrameType.Data, END_STREAM, id, message)]),
    ]);
    for (const size of [input.length, 1, 7, 13, 100]) {
      const seen = read(pieces(input, size));
      expect(seen.preface).toBe(1);
      expect(seen.blocks.map((b) => b.streamId)).toEqual([1, 3, 5, 7, 9]);
      seen.blocks.forEach((b, i) => expect(plain(b.headers)).toEqual(plain(requests[i]!)));
      expect(seen.frames.map((f) => [f.type, f.streamId])).toEqual([[FrameType.Settings, 0], [FrameType.WindowUpdate, 0], ...[1, 3, 5, 7, 9].map((id) => [FrameType.Data, id])]);
      expect(seen.frames.filter((f) => f.type === FrameType.Data).every((f) => f.payload.equals(message) && f.frame.length === 9 + message.length)).toBe(true);
    }
  });

  it('keeps END_STREAM and the priority fields, drops padding, keeps never-indexed fields so', () => {
    const headers: HpackHeader[] = request('a:1', '/x', [{ name: 'authorization', value: 'secret', neverIndex: true }]);
    const block = clientEncoder()(headers);
    const priority = Buffer.from([0x80, 0, 0, 3, 200]);
    const payload = Buffer.concat([Buffer.from([4]), priority, block, Buffer.alloc(4)]);
    const seen = read([Buffer.concat([PREFACE, frame(FrameType.Headers, END_HEADERS | END_STREAM | PADDED | PRIORITY, 5, payload)])]);
    expect(seen.blocks).toHaveLength(1);
    expect(seen.blocks[0]!.flags).toBe(END_STREAM | PRIORITY);
    expect(seen.blocks[0]!.priority).toEqual(priority);
    expect(plain(seen.blocks[0]!.headers)).toEqual(plain(headers));
    expect(seen.blocks[0]!.headers.find((h) => h.name === 'authorization')!.neverIndex).toBe(true);
  });

  it('joins FrameType.Continuation frames into one block', () => {
    const big = 'v'.repeat(40_000);
    const headers = request('a:1', '/etcdserverpb.KV/Put', [{ name: 'x-big', value: big, huffman: false }]);
    const block = clientEncoder()(headers);
    const cut = [0, 16_000, 32_000, block.length];
    const input = Buffer.concat([
      PREFACE,
      frame(FrameType.Headers, 0, 1, block.subarray(cut[0], cut[1])),
      frame(FrameType.Continuation, 0, 1, block.subarray(cut[1], cut[2])),
      frame(FrameType.Continuation, END_HEADERS, 1, block.subarray(cut[2], cut[3])),
      frame(FrameType.Data, END_STREAM, 1, Buffer.from([0, 0, 0, 0, 0])),
    ]);
    for (const size of [input.length, 4096, 5]) {
      const seen = read(pieces(input, size));
      expect(seen.blocks).toHaveLength(1);
      expect(plain(seen.blocks[0]!.headers)).toEqual(plain(headers));
      expect(seen.frames.map((f) => f.type)).toEqual([FrameType.Data]);
    }
  });

  it("follows a client's dynamic table size update", () => {
    const encode = clientEncoder();
    const first = encode(request('a:1', '/x'));
    const second = encode(request('a:1', '/y'));
    const resized = Buffer.concat([Buffer.from([0x20, 0x3f, 0xe1, 0x1f]), encodeLiterals([{ name: ':path', value: '/z' }])]); // size 0, then 4096
    const seen = read([Buffer.concat([PREFACE, frame(FrameType.Headers, END_HEADERS, 1, first), frame(FrameType.Headers, END_HEADERS, 3, second), frame(FrameType.Headers, END_HEADERS, 5, resized)])]);
    expect(seen.blocks.map((b) => b.headers.find((h) => h.name === ':path')!.value)).toEqual(['/x', '/y', '/z']);
    expect(seen.blocks[2]!.headers).toHaveLength(1);
  });

  it('rejects what is not HTTP/2 or breaks its framing or HPACK', () => {
    const bad = (chunks: Buffer[], message?: string): void => {
      expect(() => read(chunks)).toThrow(message ?? Http2StreamError);
    };
    bad([Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')]);
    bad([PREFACE.subarray(0, 10), Buffer.from('garbage garbage garbage')]);
    // An HPACK index that points past both tables.
    bad([PREFACE, frame(FrameType.Headers, END_HEADERS, 1, Buffer.from([0xff, 0x80, 0x01]))]);
    // A string longer than the block.
    bad([PREFACE, frame(FrameType.Headers, END_HEADERS, 1, Buffer.from([0x00, 0x7f, 0x10, 0x61]))]);
    // Huffman padding that is not the EOS prefix.
    bad([PREFACE, frame(FrameType.Headers, END_HEADERS, 1, Buffer.from([0x00, 0x81, 0x00, 0x81, 0x00]))]);
    // A block interrupted by another frame, a FrameType.Continuation out of nowhere, a PUSH_PROMISE.
    const block = clientEncoder()(request('a:1', '/x'));
    bad([PREFACE, frame(FrameType.Headers, 0, 1, block), frame(FrameType.Data, 0, 1, Buffer.alloc(1))]);
    bad([PREFACE, frame(FrameType.Continuation, END_HEADERS, 1, block)]);
    bad([PREFACE, frame(0x5, END_HEADERS, 1, Buffer.alloc(8))]);
    // Padding longer than the frame.
    bad([PREFACE, frame(FrameType.Headers, END_HEADERS | PADDED, 1, Buffer.from([200, 1, 2]))]);
    // A block that refers to one large table entry over and over: a header list of gigabytes.
    const entry = clientEncoder()([{ name: 'x-big', value: 'b'.repeat(4000), huffman: false }]);
    const references = Buffer.alloc(12_000, 0xbe); // indexed field 62: the newest dynamic entry
    bad([PREFACE, frame(FrameType.Headers, END_HEADERS, 1, Buffer.concat([entry, references.subarray(0, 16_000 - entry.length)]))], 'header list too large');
    // Any frame over the maximum frame size.
    bad([PREFACE, frame(FrameType.Headers, END_HEADERS, 1, Buffer.alloc(MAX_FRAME_SIZE + 1))]);
    bad([PREFACE, frame(FrameType.Data, 0, 1, Buffer.alloc(MAX_FRAME_SIZE + 1))]);
  });

  it('encodes literals that any HPACK decoder reads back, long strings included', () => {
    const headers = [
      { name: 'a', value: '' },
      { name: 'x-long', value: 'z'.repeat(5000) },
      { name: 'x-binary', value: String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i)) },
    ];
    expect(plain(headerDecoder()(encodeLiterals(headers)))).toEqual(headers);
  });
});
