// Go's string encodings that Barge's output must match byte for byte: %q quoting (strconv.Quote) and
// encoding/json strings.

/** Decodes one UTF-8 sequence at `i`: [code point, length], or [-1, 1] for an invalid byte. */
function decodeRune(bytes: Uint8Array, i: number): [number, number] {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return [b0, 1];
  const need = b0 >= 0xc2 && b0 <= 0xdf ? 1 : b0 >= 0xe0 && b0 <= 0xef ? 2 : b0 >= 0xf0 && b0 <= 0xf4 ? 3 : -1;
  if (need < 0 || i + need >= bytes.length) return [-1, 1];
  let cp = b0 & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
  for (let k = 1; k <= need; k++) {
    const b = bytes[i + k]!;
    if ((b & 0xc0) !== 0x80) return [-1, 1];
    cp = (cp << 6) | (b & 0x3f);
  }
  const min = need === 1 ? 0x80 : need === 2 ? 0x800 : 0x10000;
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return [-1, 1];
  return [cp, need + 1];
}

function toBytes(input: Uint8Array | string): Uint8Array {
  return typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
}

const PRINTABLE = /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u;

function isPrint(cp: number): boolean {
  return cp === 0x20 || (cp > 0x20 && cp !== 0x7f && PRINTABLE.test(String.fromCodePoint(cp)));
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

const QUOTE_ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v', 0x22: '\\"', 0x5c: '\\\\' };

/** Go's %q (strconv.Quote) of a byte string. */
export function goQuote(input: Uint8Array | string): string {
  const bytes = toBytes(input);
  let out = '"';
  for (let i = 0; i < bytes.length; ) {
    const [cp, size] = decodeRune(bytes, i);
    if (cp < 0) out += `\\x${hex(bytes[i]!, 2)}`;
    else if (QUOTE_ESCAPES[cp] !== undefined) out += QUOTE_ESCAPES[cp];
    else if (isPrint(cp)) out += String.fromCodePoint(cp);
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x10000) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
    i += size;
  }
  return `${out}"`;
}

/** Go's encoding/json encoding of a string (HTML-safe escaping, invalid UTF-8 as U+FFFD). */
export function jsonString(input: Uint8Array | string): string {
  const bytes = toBytes(input);
  let out = '"';
  for (let i = 0; i < bytes.length; ) {
    const [cp, size] = decodeRune(bytes, i);
    i += size;
    if (cp < 0) out += '\\ufffd';
    else if (cp === 0x22) out += '\\"';
    else if (cp === 0x5c) out += '\\\\';
    else if (cp === 0x0a) out += '\\n';
    else if (cp === 0x0d) out += '\\r';
    else if (cp === 0x09) out += '\\t';
    else if (cp < 0x20 || cp === 0x3c || cp === 0x3e || cp === 0x26 || cp === 0x2028 || cp === 0x2029) out += `\\u${hex(cp, 4)}`;
    else out += String.fromCodePoint(cp);
  }
  return `${out}"`;
}
