// Password hashes: bcrypt, as etcd stores them (so a database migrated between etcd and Barge keeps its
// users' passwords). Hashes Barge made earlier, scrypt kept as "scrypt$N$r$p$salt$hash" (base64 salt and
// hash), are still checked. Hashing happens before a request is proposed, so neither the raft log nor the
// state backend ever holds a plain password.

import { scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { DEFAULT_BCRYPT_COST, bcryptHash, bcryptVerify, isBcryptHash } from './bcrypt.js';

const KEY_BYTES = 32;

interface ScryptCost {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** A bcrypt hash at etcd's default cost (its --bcrypt-cost). */
export async function hashPassword(password: string, cost = DEFAULT_BCRYPT_COST): Promise<string> {
  return bcryptHash(password, cost);
}

/** Whether `password` matches `stored` (bcrypt, or Barge's earlier scrypt); false for anything malformed. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (isBcryptHash(stored)) return bcryptVerify(password, stored);
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (expected.length !== KEY_BYTES) return false;
  const key = await derive(password, salt, { N, r, p });
  return timingSafeEqual(key, expected);
}
