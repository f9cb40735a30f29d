// HPACK (RFC 7541) decoding of the client's header blocks, one block in one pass. hpack.js's decompressor
// is a stream that hands out each field through readable-stream's machinery: about a tenth of the front
// end's CPU per call. The static table and the Huffman code are the RFC's, taken from hpack.js at startup.
// Names and values are strings of one character per octet (latin1), as hpack.js gives them.

import hpack from 'hpack.js';
import { Http2StreamError, type Header } from './http2-frames.js';

interface Entry {
  readonly name: string;
  readonly value: string;
}

/** RFC 7541 Appendix A, index 1 first. */
const STATIC_TABLE: readonly Entry[] = hpack['static-table'].table.map(({ name, value }) => ({ name, value }));

/** What an entry counts for in a table's size (RFC 7541 §4.1). */
const ENTRY_OVERHEAD = 32;

/**
 * The Huffman code as a binary trie: node n's children at 2n (bit 0) and 2n + 1 (bit 1); a child of
 * NO_NODE is none, one below 0 is the leaf of symbol -child - 1 (256 is EOS).
 */
const NO_NODE = 0;
const HUFFMAN_TRIE = buildTrie(hpack.huffman.encode);

function buildTrie(codes: readonly (readonly [number, number])[]): Int32Array {
  const children: number[] = [NO_NODE, NO_NODE];
  let nodes = 1;
  codes.forEach(([length, code], symbol) => {
    let node = 0;
    for (let bit = length - 1; bit >= 0; bit--) {
      const slot = 2 * node + ((code >>> bit) & 1);
      if (bit === 0) {
        children[slot] = -symbol - 1;
      } else {
        if (children[slot] === NO_NODE) {
          children[slot] = nodes++;
          children.push(NO_NODE, NO_NODE);
        }
        node = children[slot]!;
      }
    }
  });
  return Int32Array.from(children);
}

const EOS = 256;

function malformed(reason: string): never {
  throw new Http2StreamError(`malformed header block: ${reason}`);
}

export class HpackDecoder {
  /** The dynamic table, newest entry last. */
  private readonly entries: Entry[] = [];
  private size = 0;
  private block: Buffer = Buffer.alloc(0);
  private at = 0;
  /** The table's size limit: the client's latest size update, at most maxTableSize. */
  private maxSize: number;

  /** `maxTableSize`: the SETTINGS_HEADER_TABLE_SIZE the server announced, the most the client may use. */
  constructor(private readonly maxTableSize: number) {
    this.maxSize = maxTableSize;
  }

  /** The fields of one whole header block; throws Http2StreamError past `maxListSize` (HPACK's count) or on a malformed block. */
  decode(block: Buffer, maxListSize: number): Header[] {
    this.block = block;
    this.at = 0;
    const headers: Header[] = [];
    let listSize = 0;
    while (this.at < block.length) {
      const first = block[this.at]!;
      let header: Header;
      if (first & 0x80) {
        header = this.lookup(this.integer(7));
      } else if (first & 0x40) {
        header = this.literal(6, false);
        this.add(header);
      } else if (first & 0x20) {
        const size = this.integer(5);
        if (size > this.maxTableSize) malformed(`table size ${size} over ${this.maxTableSize}`);
        this.maxSize = size;
        this.evict(0);
        continue;
      } else {
        header = this.literal(4, (first & 0x10) !== 0);
      }
      listSize += header.name.length + header.value.length + ENTRY_OVERHEAD;
      if (listSize > maxListSize) throw new Http2StreamError('header list too large');
      headers.push(header);
    }
    return headers;
  }

  /** An integer with an N-bit prefix (RFC 7541 §5.1), from the current octet on. */
  private integer(prefixBits: number): number {
    const block = this.block;
    const max = (1 << prefixBits) - 1;
    let value = block[this.at++]! & max;
    if (value < max) return value;
    for (let shift = 0; ; shift += 7) {
      if (this.at >= block.length) malformed('integer cut short');
      if (shift > 21) malformed('integer too large');
      const octet = block[this.at++]!;
      value += (octet & 0x7f) * 2 ** shift;
      if ((octet & 0x80) === 0) return value;
    }
  }

  private lookup(index: number): Entry {
    if (index === 0) malformed('index 0');
    if (index <= STATIC_TABLE.length) return STATIC_TABLE[index - 1]!;
    const entry = this.entries[this.entries.length - 1 - (index - STATIC_TABLE.length - 1)];
    if (entry === undefined) malformed(`index ${index} past both tables`);
    return entry;
  }

  private literal(prefixBits: number, neverIndex: boolean): Header {
    const index = this.integer(prefixBits);
    const name = index === 0 ? this.string() : this.lookup(index).name;
    const value = this.string();
    return neverIndex ? { name, value, neverIndex } : { name, value };
  }

  /** A string literal (RFC 7541 §5.2), Huffman-coded or not. */
  private string(): string {
    if (this.at >= this.block.length) malformed('string cut short');
    const huffman = (this.block[this.at]! & 0x80) !== 0;
    const length = this.integer(7);
    const end = this.at + length;
    if (end > this.block.length) malformed('string longer than the block');
    const text = huffman ? decodeHuffman(this.block, this.at, end) : this.block.toString('latin1', this.at, end);
    this.at = end;
    return text;
  }

  private add(entry: Entry): void {
    const size = entry.name.length + entry.value.length + ENTRY_OVERHEAD;
    this.evict(size);
    if (size > this.maxSize) return;
    this.entries.push(entry);
    this.size += size;
  }

  /** Drops the oldest entries until `room` more fits. */
  private evict(room: number): void {
    let dropped = 0;
    while (this.size + room > this.maxSize && dropped < this.entries.length) {
      const oldest = this.entries[dropped++]!;
      this.size -= oldest.name.length + oldest.value.length + ENTRY_OVERHEAD;
    }
    if (dropped > 0) this.entries.splice(0, dropped);
  }
}

/** Where decodeHuffman() writes the octets it decodes, grown as needed. */
let scratch = Buffer.allocUnsafe(256);

/** Huffman-decodes octets [start, end) of `bytes` (RFC 7541 §5.2: at most 7 bits of padding, all ones). */
function decodeHuffman(bytes: Buffer, start: number, end: number): string {
  // A Huffman code is at least 5 bits: the text is at most 8/5 of the octets.
  const needed = Math.ceil(((end - start) * 8) / 5);
  if (scratch.length < needed) scratch = Buffer.allocUnsafe(Math.max(needed, 2 * scratch.length));
  let length = 0;
  let node = 0;
  let bitsSinceSymbol = 0;
  let onesSinceSymbol = true;
  for (let i = start; i < end; i++) {
    const octet = bytes[i]!;
    for (let bit = 7; bit >= 0; bit--) {
      const one = (octet >> bit) & 1;
      const child = HUFFMAN_TRIE[2 * node + one]!;
      bitsSinceSymbol++;
      onesSinceSymbol &&= one === 1;
      if (child < 0) {
        const symbol = -child - 1;
        if (symbol === EOS) malformed('EOS in a string');
        scratch[length++] = symbol;
        node = 0;
        bitsSinceSymbol = 0;
        onesSinceSymbol = true;
      } else if (child === NO_NODE) {
        malformed('not a Huffman code');
      } else {
        node = child;
      }
    }
  }
  if (bitsSinceSymbol > 7 || !onesSinceSymbol) malformed('Huffman padding is not a prefix of EOS');
  return scratch.toString('latin1', 0, length);
}
