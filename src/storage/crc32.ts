import * as zlib from 'node:zlib';

// zlib.crc32 exists from Node 20.15; the table fallback keeps older Node 20 releases working.
const nativeCrc32: ((data: Uint8Array, value?: number) => number) | undefined = (
  zlib as { crc32?: (data: Uint8Array, value?: number) => number }
).crc32;

const TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE) in plain TypeScript; `previous` continues a running checksum. */
export function tableCrc32(data: Uint8Array, previous = 0): number {
  let crc = ~previous >>> 0;
  for (let i = 0; i < data.length; i++) crc = TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

/** CRC-32 (IEEE, as zlib and gzip compute it); `previous` continues a running checksum. */
export function crc32(data: Uint8Array, previous = 0): number {
  return nativeCrc32 === undefined ? tableCrc32(data, previous) : nativeCrc32(data, previous);
}
