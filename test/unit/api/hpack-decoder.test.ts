// The front end's HPACK decoder against hpack.js's, block by block over one connection's worth of
// header lists: random names and values (every octet), Huffman-coded or not, indexed or not, never
// indexed, a dynamic table that fills and evicts, and size updates.

import hpack, { type HpackHeader } from 'hpack.js';
import { describe, expect, it } from 'vitest';
import { HpackDecoder } from '../../../src/api/hpack-decoder.js';
import { Http2StreamError } from '../../../src/api/http2-frames.js';
import { headerDecoder, plain } from '../../support/http2-frames.js';

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function randomString(next: () => number, maxLength: number, anyOctet: boolean): string {
  const length = Math.floor(next() * maxLength);
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCharCode(anyOctet ? Math.floor(next() * 256) : 97 + Math.floor(next() * 26));
  return text;
}

const LIMIT = 1 << 20;

describe('HpackDecoder', () => {
  it('decodes what hpack.js decodes, block after block, table evictions and size updates included', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const next = random(seed);
      const compressor = hpack.compressor.create({ table: { maxSize: 4096 } });
      const reference = headerDecoder();
      const decoder = new HpackDecoder(4096);
      // A few names come back often, so that the table is used, and values are long enough to evict.
      const names = [':path', ':authority', 'content-type', 'grpc-timeout', 'x-a', 'x-b', 'token'];
      for (let block = 0; block < 200; block++) {
        if (next() < 0.05) compressor.updateTableSize(Math.floor(next() * 4096));
        const headers: HpackHeader[] = Array.from({ length: 1 + Math.floor(next() * 8) }, () => ({
          name: next() < 0.8 ? names[Math.floor(next() * names.length)]! : randomString(next, 20, false) || 'x',
          value: randomString(next, next() < 0.1 ? 1500 : 40, next() < 0.3),
          huffman: next() < 0.7,
          neverIndex: next() < 0.1,
          incremental: next() < 0.8,
        }));
        compressor.write(headers);
        const chunks: Buffer[] = [];
        for (let chunk = compressor.read(); chunk !== null; chunk = compressor.read()) chunks.push(chunk);
        const bytes = Buffer.concat(chunks);
        const expected = reference(bytes);
        const decoded = decoder.decode(bytes, LIMIT);
        expect(plain(decoded)).toEqual(plain(expected));
        expect(decoded.map((h) => h.neverIndex === true)).toEqual(expected.map((h) => h.neverIndex === true));
      }
    }
  });

  it('refuses an index past both tables, a string past the block, bad Huffman padding, a table size over the limit', () => {
    const bad = (bytes: number[]): void => {
      expect(() => new HpackDecoder(4096).decode(Buffer.from(bytes), LIMIT)).toThrow(Http2StreamError);
    };
    bad([0x80]); // index 0
    bad([0xbe]); // index 62, the table empty
    bad([0x00, 0x7f, 0x10, 0x61]); // a 143-octet string in a 4-octet block
    bad([0x00, 0x81, 0x00, 0x81, 0x00]); // Huffman padding of zeros
    bad([0x00, 0x81, 0xff, 0x81, 0xff]); // 8 bits of padding: more than 7
    bad([0x3f, 0xe2, 0x1f]); // size update to 4097
    bad([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]); // an integer too long
  });
});
