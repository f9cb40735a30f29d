// bcrypt ("$2a$"/"$2b$"/"$2y$"), the password hash etcd stores (Go's x/crypto/bcrypt, cost 10 by default):
// Blowfish with the expensive key schedule (EksBlowfish), 2^cost rounds of re-keying with the password and
// the salt, then "OrpheanBeholderScryDoubt" enciphered 64 times. Barge needs it to check the users of a
// database migrated from etcd and to store hashes a real etcd can check after a migration back.
// Blowfish's initial P-array and S-boxes are the hexadecimal digits of pi's fraction, computed once here.

import { randomBytes, timingSafeEqual } from 'node:crypto';

const P_WORDS = 18;
const S_WORDS = 4 * 256;
const ROUNDS_TEXT = Buffer.from('OrpheanBeholderScryDoubt');
const SALT_BYTES = 16;
const HASH_BYTES = 23;
export const DEFAULT_BCRYPT_COST = 10;

/** atan(1/x) scaled by 2^bits, by its Taylor series. */
function scaledArctanInverse(x: bigint, bits: bigint): bigint {
  const x2 = x * x;
  let power = (1n << bits) / x;
  let sum = power;
  for (let k = 1n; power !== 0n; k++) {
    power /= x2;
    const term = power / (2n * k + 1n);
    sum += k % 2n === 1n ? -term : term;
  }
  return sum;
}

let piWords: Uint32Array | undefined;

/** The first P_WORDS + S_WORDS 32-bit words of pi's fractional part (Machin's formula, 64 guard bits). */
function blowfishInitialWords(): Uint32Array {
  if (piWords) return piWords;
  const words = P_WORDS + S_WORDS;
  const bits = BigInt(words * 32 + 64);
  const pi = 16n * scaledArctanInverse(5n, bits) - 4n * scaledArctanInverse(239n, bits);
  let fraction = (pi & ((1n << bits) - 1n)) >> 64n;
  piWords = new Uint32Array(words);
  for (let i = words - 1; i >= 0; i--) {
    piWords[i] = Number(fraction & 0xffffffffn);
    fraction >>= 32n;
  }
  return piWords;
}

/** Blowfish's state while bcrypt re-keys it: the P-array and the four S-boxes (as one array). */
class Blowfish {
  readonly p: Int32Array;
  readonly s: Int32Array;
  private readonly block = new Int32Array(2);

  constructor() {
    const init = blowfishInitialWords();
    this.p = new Int32Array(init.subarray(0, P_WORDS));
    this.s = new Int32Array(init.subarray(P_WORDS));
  }

  /** Enciphers block[at], block[at + 1] in place. */
  encipher(block: Int32Array, at: number): void {
    const p = this.p;
    const s = this.s;
    let left = block[at]!;
    let right = block[at + 1]!;
    for (let i = 0; i < 16; i += 2) {
      left ^= p[i]!;
      right ^= ((((s[left >>> 24]! + s[256 | ((left >>> 16) & 0xff)]!) | 0) ^ s[512 | ((left >>> 8) & 0xff)]!) + s[768 | (left & 0xff)]!) | 0;
      right ^= p[i + 1]!;
      left ^= ((((s[right >>> 24]! + s[256 | ((right >>> 16) & 0xff)]!) | 0) ^ s[512 | ((right >>> 8) & 0xff)]!) + s[768 | (right & 0xff)]!) | 0;
    }
    block[at] = right ^ p[17]!;
    block[at + 1] = left ^ p[16]!;
  }

  /**
   * Blowfish's key schedule with the key's words (cycled to 18) XORed into P; with `salt` (4 words), each
   * block is first XORed with the next two salt words.
   */
  expand(keyWords: Int32Array, salt?: Int32Array): void {
    for (let i = 0; i < P_WORDS; i++) this.p[i]! ^= keyWords[i]!;
    const block = this.block;
    block[0] = 0;
    block[1] = 0;
    let saltAt = 0;
    for (const target of [this.p, this.s]) {
      for (let i = 0; i < target.length; i += 2) {
        if (salt) {
          block[0]! ^= salt[saltAt]!;
          block[1]! ^= salt[saltAt + 1]!;
          saltAt ^= 2;
        }
        this.encipher(block, 0);
        target[i] = block[0]!;
        target[i + 1] = block[1]!;
      }
    }
  }
}

/** `bytes` as big-endian 32-bit words, cycled to `count` words. */
function cycledWords(bytes: Buffer, count: number): Int32Array {
  const words = new Int32Array(count);
  for (let i = 0, at = 0; i < count; i++) {
    let word = 0;
    for (let b = 0; b < 4; b++, at = (at + 1) % bytes.length) word = (word << 8) | bytes[at]!;
    words[i] = word;
  }
  return words;
}

const STANDARD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BCRYPT = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** bcrypt's base64: the standard one with its own alphabet and no padding. */
function encode64(bytes: Buffer): string {
  return [...bytes.toString('base64').replace(/=+$/, '')].map((c) => BCRYPT[STANDARD.indexOf(c)]).join('');
}

function decode64(text: string): Buffer {
  return Buffer.from([...text].map((c) => STANDARD[BCRYPT.indexOf(c)]).join(''), 'base64');
}

/** Re-keying rounds between yields to the event loop (a few ms each), so a member keeps serving raft. */
const ROUNDS_PER_SLICE = 32;

async function rawHash(password: string, cost: number, salt: Buffer): Promise<Buffer> {
  // The password with its terminating NUL, at most 72 bytes (18 words of P).
  const key = Buffer.concat([Buffer.from(password, 'utf8'), Buffer.of(0)]).subarray(0, 72);
  const keyWords = cycledWords(key, P_WORDS);
  const saltWords = cycledWords(salt, SALT_BYTES / 4);
  const cipher = new Blowfish();
  cipher.expand(keyWords, saltWords);
  // The salt as a key: its 4 words cycled over P.
  const saltKeyWords = cycledWords(salt, P_WORDS);
  for (let round = 0; round < 2 ** cost; round++) {
    if (round % ROUNDS_PER_SLICE === ROUNDS_PER_SLICE - 1) await new Promise((resolve) => setImmediate(resolve));
    cipher.expand(keyWords);
    cipher.expand(saltKeyWords);
  }
  const text = cycledWords(ROUNDS_TEXT, 6);
  for (let i = 0; i < 64; i++) for (let j = 0; j < 6; j += 2) cipher.encipher(text, j);
  const out = Buffer.alloc(24);
  text.forEach((word, i) => out.writeInt32BE(word, i * 4));
  return out.subarray(0, HASH_BYTES);
}

const FORMAT = /^\$2[aby]?\$(\d\d)\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$/;

export function isBcryptHash(stored: string): boolean {
  return FORMAT.test(stored);
}

export async function bcryptHash(password: string, cost = DEFAULT_BCRYPT_COST, salt: Buffer = randomBytes(SALT_BYTES)): Promise<string> {
  return `$2a$${String(cost).padStart(2, '0')}$${encode64(salt)}${encode64(await rawHash(password, cost, salt))}`;
}

/** Whether `password` matches a bcrypt hash; false for a malformed one. */
export async function bcryptVerify(password: string, stored: string): Promise<boolean> {
  const match = FORMAT.exec(stored);
  if (!match) return false;
  const cost = Number(match[1]);
  if (cost < 4 || cost > 31) return false;
  const salt = decode64(match[2]!);
  const expected = decode64(match[3]!);
  if (salt.length !== SALT_BYTES || expected.length !== HASH_BYTES) return false;
  return timingSafeEqual(await rawHash(password, cost, salt), expected);
}
