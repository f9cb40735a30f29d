// bcrypt against hashes other implementations made: Go's x/crypto/bcrypt as etcd 3.4 stores them, and
// OpenBSD's published vectors.

import { describe, expect, it } from 'vitest';
import { bcryptHash, bcryptVerify, isBcryptHash } from '../../../src/auth/bcrypt.js';

describe('bcrypt', async () => {
  it('checks passwords against hashes etcd 3.4 stored', async () => {
    expect(await bcryptVerify('rootpw', '$2a$10$yz8ITpXhUlZaJQgg5fCyiOXxYHbSb67BqFdRLjkDzFnXslAbo67Ly')).toBe(true);
    expect(await bcryptVerify('pw', '$2a$10$TCErgDiZT5UbjFMst7P7meMlejq06LJZTScK9Y/AYwanL5EfDJmLK')).toBe(true);
    expect(await bcryptVerify('rootpW', '$2a$10$yz8ITpXhUlZaJQgg5fCyiOXxYHbSb67BqFdRLjkDzFnXslAbo67Ly')).toBe(false);
  });

  it('matches the OpenBSD vectors', async () => {
    expect(await bcryptVerify('', '$2a$06$DCq7YPn5Rq63x1Lad4cll.TV4S6ytwfsfvkgY8jIucDrjc8deX1s.')).toBe(true);
    expect(await bcryptVerify('abcdefghijklmnopqrstuvwxyz', '$2a$06$.rCVZVOThsIa97pEDOxvGuRRgzG64bvtJ0938xuqzv18d3ZpQhstC')).toBe(true);
  });

  it('hashes in the format it checks, salted', async () => {
    const hash = await bcryptHash('secret', 4);
    expect(hash).toMatch(/^\$2a\$04\$/);
    expect(isBcryptHash(hash)).toBe(true);
    expect(await bcryptVerify('secret', hash)).toBe(true);
    expect(await bcryptVerify('secreT', hash)).toBe(false);
    expect(await bcryptHash('secret', 4)).not.toBe(hash);
  });

  it('refuses malformed hashes', async () => {
    expect(await bcryptVerify('x', 'scrypt$1$2$3$abc$def')).toBe(false);
    expect(await bcryptVerify('x', '$2a$99$yz8ITpXhUlZaJQgg5fCyiOXxYHbSb67BqFdRLjkDzFnXslAbo67Ly')).toBe(false);
  });
});
