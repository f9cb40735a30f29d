// The part of hpack.js (HPACK, RFC 7541) that Barge uses. Header names and values are strings of
// one character per octet (latin1), both ways.

declare module 'hpack.js' {
  import type { Duplex } from 'node:stream';

  export interface HpackHeader {
    name: string;
    value: string;
    neverIndex?: boolean;
    huffman?: boolean;
    incremental?: boolean;
  }

  interface TableOptions {
    table: { maxSize: number };
  }

  /** Decodes header blocks written to it, keeping the dynamic table across blocks; read() yields headers. */
  export interface Decompressor extends Duplex {
    write(block: Buffer): boolean;
    /** Decodes what was written; a malformed block emits 'error'. */
    execute(): void;
    read(): HpackHeader | null;
  }

  /** Encodes each list of headers written to it as one header block; read() yields the octets. */
  export interface Compressor extends Duplex {
    write(headers: HpackHeader[]): boolean;
    read(): Buffer | null;
    updateTableSize(size: number): void;
  }

  const hpack: {
    decompressor: { create(options: TableOptions): Decompressor };
    compressor: { create(options: TableOptions): Compressor };
    /** RFC 7541 Appendix A: the static table, index 1 first. */
    'static-table': { table: readonly { name: string; value: string }[] };
    /** RFC 7541 Appendix B: each symbol's code, [length in bits, code], symbol 256 (EOS) last. */
    huffman: { encode: readonly (readonly [number, number])[] };
  };
  export default hpack;
}
