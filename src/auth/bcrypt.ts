// bcrypt, the password hash etcd stores (Go's x/crypto/bcrypt, "$2a$", cost 10 by default). Barge needs it
// to check the users of a database migrated from etcd and to store hashes a real etcd can check after a
// migration back. The hashing itself is bcryptjs's, which yields to the event loop while it works, so a
// member keeps serving raft while it hashes.

import bcrypt from 'bcryptjs';

export const DEFAULT_BCRYPT_COST = 10;

const FORMAT = /^\$2[aby]?\$(\d\d)\$[./A-Za-z0-9]{53}$/;

export function isBcryptHash(stored: string): boolean {
  return FORMAT.test(stored);
}

/** A salted hash in Go's "$2a$" spelling (the same algorithm as bcryptjs's "$2b$" for these inputs). */
export async function bcryptHash(password: string, cost = DEFAULT_BCRYPT_COST): Promise<string> {
  const salt = await bcrypt.genSalt(cost);
  return (await bcrypt.hash(password, salt)).replace(/^\$2b\$/, '$2a$');
}

/** Whether `password` matches a bcrypt hash; false for a malformed one. */
export async function bcryptVerify(password: string, stored: string): Promise<boolean> {
  const match = FORMAT.exec(stored);
  if (!match) return false;
  const cost = Number(match[1]);
  if (cost < 4 || cost > 31) return false;
  return bcrypt.compare(password, stored);
}
