// The syntax error Go's encoding/json reports for a malformed document ("invalid character 'x'
// looking for beginning of value", "unexpected end of JSON input"), which kube-apiserver passes on
// in the 400 it answers a patch body it cannot decode.

class SyntaxFault extends Error {}

/** Go's message for the first syntax error in `text`, or undefined when it is valid JSON. */
export function goJsonSyntaxError(text: string): string | undefined {
  const bytes = Buffer.from(text, 'utf8');
  let at = 0;
  const peek = () => (at < bytes.length ? bytes[at]! : -1);
  const fail = (context: string): never => {
    throw new SyntaxFault(at >= bytes.length ? 'unexpected end of JSON input' : `invalid character ${quoteByte(bytes[at]!)} ${context}`);
  };
  const skipSpace = () => {
    while ([0x20, 0x09, 0x0a, 0x0d].includes(peek())) at++;
  };
  const expectByte = (byte: number, context: string) => {
    if (peek() !== byte) fail(context);
    at++;
  };
  const digits = (context: string) => {
    if (!isDigit(peek())) fail(context);
    while (isDigit(peek())) at++;
  };

  const value = (): void => {
    skipSpace();
    const c = peek();
    if (c === 0x7b) object();
    else if (c === 0x5b) array();
    else if (c === 0x22) string();
    else if (c === 0x2d || isDigit(c)) number();
    else if (c === 0x74) literal('true');
    else if (c === 0x66) literal('false');
    else if (c === 0x6e) literal('null');
    else fail('looking for beginning of value');
  };
  const object = () => {
    at++;
    skipSpace();
    if (peek() === 0x7d) return void at++;
    for (;;) {
      skipSpace();
      if (peek() !== 0x22) fail('looking for beginning of object key string');
      string();
      skipSpace();
      expectByte(0x3a, 'after object key');
      value();
      skipSpace();
      if (peek() === 0x7d) return void at++;
      expectByte(0x2c, 'after object key:value pair');
    }
  };
  const array = () => {
    at++;
    skipSpace();
    if (peek() === 0x5d) return void at++;
    for (;;) {
      value();
      skipSpace();
      if (peek() === 0x5d) return void at++;
      expectByte(0x2c, 'after array element');
    }
  };
  const string = () => {
    at++;
    for (;;) {
      const c = peek();
      if (c === 0x22) return void at++;
      if (c < 0x20) fail('in string literal');
      at++;
      if (c !== 0x5c) continue;
      const escape = peek();
      if (escape === 0x75) {
        at++;
        for (let i = 0; i < 4; i++) {
          if (!isHex(peek())) fail('in \\u hexadecimal character escape');
          at++;
        }
      } else if ([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74].includes(escape)) at++;
      else fail('in string escape code');
    }
  };
  const number = () => {
    if (peek() === 0x2d) {
      at++;
      if (!isDigit(peek())) fail('in numeric literal');
    }
    if (peek() === 0x30) at++;
    else digits('in numeric literal');
    if (peek() === 0x2e) {
      at++;
      digits('after decimal point in numeric literal');
    }
    if (peek() === 0x65 || peek() === 0x45) {
      at++;
      if (peek() === 0x2b || peek() === 0x2d) at++;
      digits('in exponent of numeric literal');
    }
  };
  const literal = (word: string) => {
    at++;
    for (const ch of word.slice(1)) {
      if (peek() !== ch.charCodeAt(0)) fail(`in literal ${word} (expecting '${ch}')`);
      at++;
    }
  };

  try {
    value();
    skipSpace();
    if (at < bytes.length) fail('after top-level value');
    return undefined;
  } catch (err) {
    if (err instanceof SyntaxFault) return err.message;
    throw err;
  }
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

/** Go's quoteChar: the byte as a quoted rune, `'\''` and `'"'` special-cased. */
function quoteByte(byte: number): string {
  if (byte === 0x27) return "'\\''";
  if (byte === 0x22) return `'"'`;
  const named: Record<number, string> = { 0x07: '\\a', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x0b: '\\v', 0x5c: '\\\\' };
  if (named[byte]) return `'${named[byte]}'`;
  if (byte < 0x20 || byte === 0x7f) return `'\\x${byte.toString(16).padStart(2, '0')}'`;
  if (byte >= 0x80 && byte < 0xa0) return `'\\u00${byte.toString(16)}'`;
  return `'${String.fromCharCode(byte)}'`;
}
