// Keys and values as etcd's benchmark makes them: the key is the zig-zag varint of a number (sequential or
// random below --key-space-size) in a zero-padded buffer of --key-size bytes; the value is --val-size random
// bytes. --key-prefix, which etcd's tool does not have, is put in front of the key.

import { randomBytes } from 'node:crypto';

export function varintKey(n: number, keySize: number, prefix: Buffer): Buffer {
  const key = Buffer.alloc(prefix.length + keySize);
  prefix.copy(key);
  // Go's binary.PutVarint for n ≥ 0: zig-zag (2n), then 7 bits a byte, low first.
  let x = n * 2;
  let at = prefix.length;
  while (x >= 0x80 && at < key.length) {
    key[at++] = (x % 0x80) | 0x80;
    x = Math.floor(x / 0x80);
  }
  if (at < key.length) key[at] = x;
  return key;
}

export class KeyMaker {
  private readonly prefix: Buffer;

  constructor(
    private readonly keySize: number,
    private readonly keySpaceSize: number,
    private readonly sequential: boolean,
    prefix: string,
  ) {
    this.prefix = Buffer.from(prefix);
  }

  /** The key of operation `i` (an index over the whole run, so sequential keys are unique across workers). */
  key(i: number): Buffer {
    const n = this.sequential ? i % this.keySpaceSize : Math.floor(Math.random() * this.keySpaceSize);
    return varintKey(n, this.keySize, this.prefix);
  }

  /** The key numbered `n` itself. */
  keyAt(n: number): Buffer {
    return varintKey(n, this.keySize, this.prefix);
  }
}

export function randomValue(size: number): Buffer {
  return randomBytes(size);
}
