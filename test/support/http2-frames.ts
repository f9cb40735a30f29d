// HTTP/2 frames for tests that build a client's bytes by hand and read a server's back: header blocks
// encoded as a real client encodes them (hpack.js: Huffman strings, a dynamic table), frames parsed.

import hpack, { type HpackHeader } from 'hpack.js';
import { frameHeader } from '../../src/api/http2-frames.js';

export { PREFACE } from '../../src/api/http2-frames.js';

export function frame(type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([frameHeader(payload.length, type, flags, streamId), payload]);
}

/** A client's HPACK encoder: Huffman strings, incremental indexing into its dynamic table. */
export function clientEncoder(): (headers: HpackHeader[]) => Buffer {
  const compressor = hpack.compressor.create({ table: { maxSize: 4096 } });
  return (headers) => {
    compressor.write(headers);
    const chunks: Buffer[] = [];
    for (let chunk = compressor.read(); chunk !== null; chunk = compressor.read()) chunks.push(chunk);
    return Buffer.concat(chunks);
  };
}

/** A gRPC request's header fields, as grpc-go sends them, `extra` after. */
export function request(authority: string, path: string, extra: HpackHeader[] = []): HpackHeader[] {
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

export interface ParsedFrame {
  type: number;
  flags: number;
  streamId: number;
  payload: Buffer;
}

/** The whole frames in `bytes`. */
export function parseFrames(bytes: Buffer): ParsedFrame[] {
  const frames: ParsedFrame[] = [];
  let offset = 0;
  while (offset + 9 <= bytes.length) {
    const length = bytes.readUIntBE(offset, 3);
    if (offset + 9 + length > bytes.length) break;
    frames.push({ type: bytes[offset + 3]!, flags: bytes[offset + 4]!, streamId: bytes.readUInt32BE(offset + 5), payload: bytes.subarray(offset + 9, offset + 9 + length) });
    offset += 9 + length;
  }
  return frames;
}

/** Decodes header blocks in order with one decoder, as a peer does. */
export function headerDecoder(): (block: Buffer) => HpackHeader[] {
  const decoder = hpack.decompressor.create({ table: { maxSize: 4096 } });
  return (block) => {
    decoder.write(block);
    decoder.execute();
    const headers: HpackHeader[] = [];
    for (let h = decoder.read(); h !== null; h = decoder.read()) headers.push(h);
    return headers;
  };
}

export const plain = (headers: readonly { name: string; value: string }[]): { name: string; value: string }[] => headers.map(({ name, value }) => ({ name, value }));

/** `bytes` cut into pieces of `size` octets, to cross every boundary a parser has. */
export function pieces(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}
