// The HTTP/2 :authority rewriter on hand-built client streams: header blocks encoded by an HPACK
// compressor as a client would (Huffman strings, dynamic table), read back by a separate decoder.

import hpack, { type HpackHeader } from 'hpack.js';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_SETTINGS_FRAME,
  Http2AuthorityRewriter,
  Http2StreamError,
  MAX_FRAME_SIZE,
  authorityOf,
  encodeLiterals,
  pingAck,
  frameHeader,
} from '../../../src/api/http2-authority.js';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const DATA = 0x0;
const HEADERS = 0x1;
const SETTINGS = 0x4;
const PING = 0x6;
const GOAWAY = 0x7;
const WINDOW_UPDATE = 0x8;
const CONTINUATION = 0x9;
const END_STREAM = 0x1;
const END_HEADERS = 0x4;
const PADDED = 0x8;
const PRIORITY = 0x20;

function frame(type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([frameHeader(payload.length, type, flags, streamId), payload]);
}

const clientSettings = frame(SETTINGS, 0, 0, Buffer.from([0, 2, 0, 0, 0, 0]));
const settingsAck = frame(SETTINGS, 1, 0);
const windowUpdate = frame(WINDOW_UPDATE, 0, 0, Buffer.from([0, 0xff, 0, 0]));

/** A client's HPACK encoder: Huffman strings, incremental indexing into its dynamic table. */
function clientEncoder(): (headers: HpackHeader[]) => Buffer {
  const compressor = hpack.compressor.create({ table: { maxSize: 4096 } });
  return (headers) => {
    compressor.write(headers);
    const chunks: Buffer[] = [];
    for (let chunk = compressor.read(); chunk !== null; chunk = compressor.read()) chunks.push(chunk);
    return Buffer.concat(chunks);
  };
}

function request(authority: string, path: string, extra: HpackHeader[] = []): HpackHeader[] {
  return [
    { name: ':method', value: 'POST' },
    { name: ':scheme', value: 'http' },
    { name: ':path', value: path },
    { name: ':authority', value: authority },
    { name: 'content-type', value: 'application/grpc' },
    { name: 'user-agent', value: 'grpc-go/1.26.0' },
    { name: 'te', value: 'trailers' },
    ...extra,
  ];
}

interface ParsedFrame {
  type: number;
  flags: number;
  streamId: number;
  payload: Buffer;
}

function parseFrames(bytes: Buffer): ParsedFrame[] {
  const frames: ParsedFrame[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const length = bytes.readUIntBE(offset, 3);
    frames.push({ type: bytes[offset + 3]!, flags: bytes[offset + 4]!, streamId: bytes.readUInt32BE(offset + 5), payload: bytes.subarray(offset + 9, offset + 9 + length) });
    offset += 9 + length;
  }
  return frames;
}

/** The server's view: frames after the preface, header blocks decoded by one decoder in order. */
function serverView(bytes: Buffer): { frames: ParsedFrame[]; blocks: { streamId: number; flags: number; headers: HpackHeader[] }[] } {
  expect(bytes.subarray(0, PREFACE.length)).toEqual(PREFACE);
  const frames = parseFrames(bytes.subarray(PREFACE.length));
  const decoder = hpack.decompressor.create({ table: { maxSize: 4096 } });
  const blocks: { streamId: number; flags: number; headers: HpackHeader[] }[] = [];
  let pending: { streamId: number; flags: number; fragments: Buffer[] } | undefined;
  for (const f of frames) {
    if (f.type === HEADERS) {
      let start = 0;
      let end = f.payload.length;
      if (f.flags & PADDED) {
        end -= f.payload[0]!;
        start = 1;
      }
      if (f.flags & PRIORITY) start += 5;
      pending = { streamId: f.streamId, flags: f.flags, fragments: [f.payload.subarray(start, end)] };
    } else if (f.type === CONTINUATION) {
      pending!.fragments.push(f.payload);
    } else {
      continue;
    }
    if (f.flags & END_HEADERS) {
      decoder.write(Buffer.concat(pending!.fragments));
      decoder.execute();
      const headers: HpackHeader[] = [];
      for (let h = decoder.read(); h !== null; h = decoder.read()) headers.push(h);
      blocks.push({ streamId: pending!.streamId, flags: pending!.flags, headers });
      pending = undefined;
    }
  }
  return { frames, blocks };
}

function run(rewriter: Http2AuthorityRewriter, chunks: Buffer[]): Buffer {
  return Buffer.concat(chunks.flatMap((chunk) => rewriter.push(chunk)));
}

/** `bytes` cut into pieces of `size` octets, to cross every boundary the parser has. */
function pieces(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

const plain = (headers: HpackHeader[]): { name: string; value: string }[] => headers.map(({ name, value }) => ({ name, value }));

describe('authorityOf', () => {
  it('takes host:port out of a URL and leaves an authority alone', () => {
    expect(authorityOf('http://127.0.0.1:2379')).toBe('127.0.0.1:2379');
    expect(authorityOf('https://example.com:2379/some/path?x#y')).toBe('example.com:2379');
    expect(authorityOf('http://[::1]:2379')).toBe('[::1]:2379');
    expect(authorityOf('127.0.0.1:2379')).toBe('127.0.0.1:2379');
    expect(authorityOf('localhost')).toBe('localhost');
    expect(authorityOf('unix:///tmp/socket')).toBe('unix:///tmp/socket');
  });
});

describe('Http2AuthorityRewriter', () => {
  it('rewrites a Huffman-coded :authority with a scheme and leaves every other header as it was', () => {
    const encode = clientEncoder();
    const extra: HpackHeader[] = [
      { name: 'grpc-timeout', value: '4999m' },
      { name: 'token-bin', value: String.fromCharCode(0, 1, 0xfe, 0xff, 0x80) },
      { name: 'authorization', value: 'secret', neverIndex: true },
    ];
    const block = encode(request('http://127.0.0.1:2379', '/etcdserverpb.Maintenance/Status', extra));
    expect(block.includes(Buffer.from('127.0.0.1'))).toBe(false); // Huffman-coded, as Go sends it
    const input = Buffer.concat([PREFACE, clientSettings, frame(HEADERS, END_HEADERS, 1, block), frame(DATA, END_STREAM, 1, Buffer.from([0, 0, 0, 0, 0]))]);
    const rewriter = new Http2AuthorityRewriter();
    const { frames, blocks } = serverView(run(rewriter, [input]));
    expect(rewriter.mode).toBe('rewrite');
    expect(blocks).toHaveLength(1);
    expect(plain(blocks[0]!.headers)).toEqual(plain(request('127.0.0.1:2379', '/etcdserverpb.Maintenance/Status', extra)));
    expect(blocks[0]!.headers.find((h) => h.name === 'authorization')!.neverIndex).toBe(true);
    expect(frames.map((f) => [f.type, f.flags, f.streamId])).toEqual([
      [SETTINGS, 0, 0],
      [HEADERS, END_HEADERS, 1],
      [DATA, END_STREAM, 1],
    ]);
  });

  it('keeps END_STREAM and the priority fields, drops padding', () => {
    const block = clientEncoder()(request('https://m1.example:2379/', '/etcdserverpb.KV/Range'));
    const priority = Buffer.from([0x80, 0, 0, 3, 200]);
    const payload = Buffer.concat([Buffer.from([4]), priority, block, Buffer.alloc(4)]);
    const input = Buffer.concat([PREFACE, frame(HEADERS, END_HEADERS | END_STREAM | PADDED | PRIORITY, 5, payload)]);
    const { frames, blocks } = serverView(run(new Http2AuthorityRewriter(), [input]));
    expect(frames).toHaveLength(1);
    expect(frames[0]!.flags).toBe(END_HEADERS | END_STREAM | PRIORITY);
    expect(frames[0]!.payload.subarray(0, 5)).toEqual(priority);
    expect(blocks[0]!.headers.find((h) => h.name === ':authority')!.value).toBe('m1.example:2379');
  });

  it('decodes request after request against the client\'s dynamic table, whatever the chunking', () => {
    const encode = clientEncoder();
    const requests = [1, 3, 5, 7, 9].map((id) => ({ id, headers: request('http://127.0.0.1:2379', `/etcdserverpb.Maintenance/${id % 3 ? 'Status' : 'HashKV'}`, [{ name: 'x-seq', value: String(id) }]) }));
    const blocks = requests.map(({ headers }) => encode(headers));
    // Later blocks lean on the table: far smaller than the first.
    expect(blocks[4]!.length).toBeLessThan(blocks[0]!.length / 2);
    const input = Buffer.concat([
      PREFACE,
      clientSettings,
      windowUpdate,
      ...requests.flatMap(({ id }, i) => [frame(HEADERS, END_HEADERS, id, blocks[i]!), frame(DATA, END_STREAM, id, Buffer.from([0, 0, 0, 0, 2, 8, 1]))]),
    ]);
    for (const size of [input.length, 1, 7, 13, 100]) {
      const rewriter = new Http2AuthorityRewriter();
      const view = serverView(run(rewriter, pieces(input, size)));
      expect(view.blocks.map((b) => b.streamId)).toEqual([1, 3, 5, 7, 9]);
      view.blocks.forEach((b, i) => expect(plain(b.headers)).toEqual(plain(requests[i]!.headers.map((h) => (h.name === ':authority' ? { ...h, value: '127.0.0.1:2379' } : h)))));
      expect(view.frames.filter((f) => f.type === DATA).map((f) => f.payload)).toEqual(requests.map(() => Buffer.from([0, 0, 0, 0, 2, 8, 1])));
    }
  });

  it('follows a client\'s dynamic table size update without passing it on', () => {
    const compressor = hpack.compressor.create({ table: { maxSize: 4096 } });
    const encode = (headers: HpackHeader[]): Buffer => {
      compressor.write(headers);
      const chunks: Buffer[] = [];
      for (let chunk = compressor.read(); chunk !== null; chunk = compressor.read()) chunks.push(chunk);
      return Buffer.concat(chunks);
    };
    const first = encode(request('http://a:1', '/x'));
    compressor.updateTableSize(0);
    compressor.updateTableSize(4096);
    const second = encode(request('http://a:1', '/y'));
    const input = Buffer.concat([PREFACE, frame(HEADERS, END_HEADERS, 1, first), frame(HEADERS, END_HEADERS, 3, second)]);
    const { blocks } = serverView(run(new Http2AuthorityRewriter(), [input]));
    expect(blocks.map((b) => b.headers.find((h) => h.name === ':path')!.value)).toEqual(['/x', '/y']);
    expect(blocks.every((b) => b.headers.find((h) => h.name === ':authority')!.value === 'a:1')).toBe(true);
  });

  it('joins CONTINUATION frames and splits a long block again at the maximum frame size', () => {
    const encode = clientEncoder();
    const big = 'v'.repeat(40_000);
    const block = encode(request('http://127.0.0.1:2379', '/etcdserverpb.KV/Put', [{ name: 'x-big', value: big, huffman: false }]));
    const cut = [0, 16_000, 32_000, block.length];
    const input = Buffer.concat([
      PREFACE,
      frame(HEADERS, 0, 1, block.subarray(cut[0], cut[1])),
      frame(CONTINUATION, 0, 1, block.subarray(cut[1], cut[2])),
      frame(CONTINUATION, END_HEADERS, 1, block.subarray(cut[2], cut[3])),
      frame(DATA, END_STREAM, 1, Buffer.from([0, 0, 0, 0, 0])),
    ]);
    for (const size of [input.length, 4096]) {
      const { frames, blocks } = serverView(run(new Http2AuthorityRewriter(), pieces(input, size)));
      const headerFrames = frames.filter((f) => f.type === HEADERS || f.type === CONTINUATION);
      expect(headerFrames.map((f) => f.type)).toEqual([HEADERS, CONTINUATION, CONTINUATION]);
      expect(headerFrames.every((f) => f.payload.length <= MAX_FRAME_SIZE)).toBe(true);
      expect(headerFrames.map((f) => f.flags & END_HEADERS)).toEqual([0, 0, END_HEADERS]);
      expect(blocks[0]!.headers.find((h) => h.name === 'x-big')!.value).toBe(big);
      expect(blocks[0]!.headers.find((h) => h.name === ':authority')!.value).toBe('127.0.0.1:2379');
      expect(frames.at(-1)!.type).toBe(DATA);
    }
  });

  it('passes DATA frames on as slices of the input, not copies', () => {
    const block = clientEncoder()(request('http://127.0.0.1:2379', '/etcdserverpb.KV/Put'));
    const rewriter = new Http2AuthorityRewriter();
    rewriter.push(Buffer.concat([PREFACE, frame(HEADERS, END_HEADERS, 1, block)]));
    const data = frame(DATA, END_STREAM, 1, Buffer.alloc(1000, 7));
    const out = rewriter.push(data);
    expect(Buffer.concat(out)).toEqual(data);
    expect(out.every((piece) => piece.buffer === data.buffer)).toBe(true);
  });

  it('leaves a connection whose first request has a proper :authority untouched, and stops reading it', () => {
    const encode = clientEncoder();
    const input = Buffer.concat([
      PREFACE,
      clientSettings,
      frame(HEADERS, END_HEADERS, 1, encode(request('127.0.0.1:2379', '/etcdserverpb.KV/Range'))),
      frame(DATA, END_STREAM, 1, Buffer.from([0, 0, 0, 0, 0])),
    ]);
    for (const size of [input.length, 5]) {
      const rewriter = new Http2AuthorityRewriter();
      expect(run(rewriter, pieces(input, size))).toEqual(input);
      expect(rewriter.mode).toBe('verbatim');
      expect(rewriter.passthrough).toBe(true);
    }
    const rewriter = new Http2AuthorityRewriter();
    rewriter.push(input);
    const later = Buffer.from('anything at all');
    expect(rewriter.push(later)).toEqual([later]);
  });

  it('drops the client\'s ACK of the SETTINGS frame the front end sent, and only that one', () => {
    const headers = frame(HEADERS, END_HEADERS, 1, clientEncoder()(request('127.0.0.1:2379', '/x')));
    const input = Buffer.concat([PREFACE, clientSettings, settingsAck, headers, settingsAck]);
    const rewriter = new Http2AuthorityRewriter({ dropSettingsAck: true });
    expect(run(rewriter, pieces(input, 3))).toEqual(Buffer.concat([PREFACE, clientSettings, headers, settingsAck]));
    expect(rewriter.ackPending).toBe(false);
    expect(EMPTY_SETTINGS_FRAME).toEqual(frame(SETTINGS, 0, 0));
  });

  it('notes a frame before any request that the server has to see', () => {
    const rewriter = new Http2AuthorityRewriter({ dropSettingsAck: true });
    rewriter.push(Buffer.concat([PREFACE, clientSettings, windowUpdate]));
    expect(rewriter.needsServer).toBe(false);
    rewriter.push(frame(GOAWAY, 0, 0, Buffer.alloc(8)));
    expect(rewriter.needsServer).toBe(true);
  });

  it('holds PINGs back for the front end to answer while asked to, and passes them on after', () => {
    const rewriter = new Http2AuthorityRewriter({ dropSettingsAck: true });
    rewriter.holdPings = true;
    const ping = (n: number): Buffer => frame(PING, 0, 0, Buffer.alloc(8, n));
    const out = run(rewriter, pieces(Buffer.concat([PREFACE, clientSettings, ping(1), windowUpdate, ping(2)]), 5));
    expect(out).toEqual(Buffer.concat([PREFACE, clientSettings, windowUpdate]));
    expect(rewriter.pings).toEqual([Buffer.alloc(8, 1), Buffer.alloc(8, 2)]);
    expect(rewriter.needsServer).toBe(false);
    expect(pingAck(Buffer.alloc(8, 1))).toEqual(frame(PING, 1, 0, Buffer.alloc(8, 1)));
    rewriter.holdPings = false;
    expect(run(rewriter, [ping(3)])).toEqual(ping(3));
  });

  it('rejects what is not HTTP/2 or breaks its framing or HPACK', () => {
    const bad = (chunks: Buffer[]): void => {
      const rewriter = new Http2AuthorityRewriter();
      expect(() => chunks.forEach((chunk) => rewriter.push(chunk))).toThrow(Http2StreamError);
    };
    bad([Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')]);
    bad([PREFACE.subarray(0, 10), Buffer.from('garbage garbage garbage')]);
    // An HPACK index that points past both tables.
    bad([PREFACE, frame(HEADERS, END_HEADERS, 1, Buffer.from([0xff, 0x80, 0x01]))]);
    // A string longer than the block.
    bad([PREFACE, frame(HEADERS, END_HEADERS, 1, Buffer.from([0x00, 0x7f, 0x10, 0x61]))]);
    // Huffman padding that is not the EOS prefix.
    bad([PREFACE, frame(HEADERS, END_HEADERS, 1, Buffer.from([0x00, 0x81, 0x00, 0x81, 0x00]))]);
    // A block interrupted by another frame, a CONTINUATION out of nowhere.
    const block = clientEncoder()(request('http://a:1', '/x'));
    bad([PREFACE, frame(HEADERS, 0, 1, block), frame(DATA, 0, 1, Buffer.alloc(1))]);
    bad([PREFACE, frame(CONTINUATION, END_HEADERS, 1, block)]);
    // Padding longer than the frame.
    bad([PREFACE, frame(HEADERS, END_HEADERS | PADDED, 1, Buffer.from([200, 1, 2]))]);
    // A block that refers to one large table entry over and over: a header list of gigabytes.
    const entry = clientEncoder()([{ name: 'x-big', value: 'b'.repeat(4000), huffman: false }]);
    const references = Buffer.alloc(12_000, 0xbe); // indexed field 62: the newest dynamic entry
    const bomb = frame(HEADERS, END_HEADERS, 1, Buffer.concat([entry, references.subarray(0, 16_000 - entry.length)]));
    expect(() => new Http2AuthorityRewriter().push(Buffer.concat([PREFACE, bomb]))).toThrow('header list too large');
    // A header frame over the maximum frame size.
    bad([PREFACE, frame(HEADERS, END_HEADERS, 1, Buffer.alloc(MAX_FRAME_SIZE + 1))]);
  });

  it('encodes literals that any HPACK decoder reads back, long strings included', () => {
    const headers = [
      { name: 'a', value: '' },
      { name: 'x-long', value: 'z'.repeat(5000) },
      { name: 'x-binary', value: String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i)) },
    ];
    const decoder = hpack.decompressor.create({ table: { maxSize: 4096 } });
    decoder.write(encodeLiterals(headers));
    decoder.execute();
    const decoded: HpackHeader[] = [];
    for (let h = decoder.read(); h !== null; h = decoder.read()) decoded.push(h);
    expect(plain(decoded)).toEqual(headers);
  });
});
